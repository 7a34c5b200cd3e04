//! Supervision as the zone runs it: money and time. Each project's annual planned investment
//! and what it completed month by month (`investment`), compared with the share of the year
//! passed (序时进度) and its milestones' lateness into a red, yellow or green light
//! (`warnings`), the leader and unit who answer for it (`leaders`), the month's table that
//! the app, the monthly report and the upward sheet all read (`overview`), and the approvals
//! (前期手续) on the working-day clock (`approvals`), and the problem ledger (`problems`).

pub mod approvals;
pub mod investment;
pub mod leaders;
pub(crate) mod legacy_money;
pub mod overview;
pub mod problems;
pub mod warnings;

pub use legacy_money::UPGRADE_AUTHOR;
