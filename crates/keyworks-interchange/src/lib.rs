//! Files other tools write and read: MS Project XML (MSPDI) in and out, XLSX and CSV for
//! Excel, iCalendar for Outlook. Parsing and formatting live here; every rule about what an
//! import changes, and the one transaction that applies it, lives in keyworks-core.

pub mod csv_export;
pub mod csv_import;
pub mod ical;
pub mod mspdi;
pub mod tabular;
pub mod upward_sheet;
pub mod xlsx;
