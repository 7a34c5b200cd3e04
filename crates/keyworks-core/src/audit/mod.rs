//! What makes the file trustworthy to an auditor: the hash-chained change log every write
//! goes through, `verify`, undo, the edit lock of a shared file, and the history told in words.

pub mod change_log;
pub mod edit_lock;
pub mod editing;
pub mod history;
pub(crate) mod row_state;
pub mod undo;
pub mod verify;
