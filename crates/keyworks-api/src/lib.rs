//! The use cases both faces call: what `keyworks` does for a command and the desktop app does
//! for a menu item or a button, written once. Each face only turns its input (arguments, an IPC
//! call) into these calls and their answers into its output (lines on a terminal, a DTO).
//!
//! - [`exports`]: the portfolio or a project as Excel, CSV, iCalendar or MS Project XML, with
//!   the file names both faces suggest.
//! - [`imports`]: a project from MS Project XML with the defaults both faces use, reporting
//!   progress through one channel ([`progress`]); a milestone sheet read from disk.
//! - [`reports`]: the weekly PDF for a week as seen now.
//! - [`hubs`]: sync, replicas and change packages with a hub that is a shared file or a
//!   PostgreSQL server.

pub mod exports;
pub mod hubs;
pub mod imports;
pub mod progress;
pub mod reports;
