//! A KeyWorks hub on a PostgreSQL server, for a portfolio that has outgrown one shared file.
//!
//! The laptops keep their SQLite replicas and the one store implementation
//! (`keyworks-core`). The server holds what a hub needs: the same tables, the change log
//! with its hash chain, the sync's records and the readable views, and serialises syncs with
//! a row lock. A sync runs the core's merge on a local copy of the hub (`copy`) and puts what
//! the merge wrote on the server in the same server transaction (`server`): the line between
//! the two is `keyworks_core::sync::mirror::HubDelta`.

pub mod address;
pub mod copy;
pub mod schema;
pub mod server;
pub mod use_cases;

pub use address::ServerAddress;
