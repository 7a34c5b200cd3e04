//! Offline replicas of a shared portfolio file and the sync that brings their work together.
//!
//! - A replica is a complete KeyWorks file made from the hub (`identity`), drawing new row ids
//!   from its own range (`store::row_ids`).
//! - Sync replays KeyWorks' own change log: a file's change groups since its last sync go up
//!   (`groups`), are merged field by field into the hub with conflicts found and never
//!   applied without a decision (`merge`, `rules`), and the replica is levelled with the hub
//!   (`pull`), each side in one transaction (`session`).
//! - A change package carries the same groups on a USB stick (`package`).

pub mod groups;
pub mod identity;
pub mod merge;
pub mod mirror;
pub mod package;
pub mod photo_transfer;
pub(crate) mod pull;
pub(crate) mod rules;
pub mod session;

pub use identity::{ReplicaMade, SyncStatus};
pub use merge::{Choice, Conflict, ConflictDecision, ConflictKind, Decisions};
pub use session::{SyncOutcome, SyncReport};
