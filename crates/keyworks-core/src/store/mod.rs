//! The file itself: opening and checking it (`Db`, the one owner of the connection), its
//! numbered migrations, backups and restores, and what a new file is filled with (the seed,
//! synthetic portfolios for benchmarks).

pub mod atomic_file;
pub mod backup;
pub mod db;
pub mod row_ids;
pub mod seed;
pub mod seed_info;
pub mod synthetic;
pub mod windows_paths;
