//! How a long use case (an import of 100,000 tasks) tells its face how far it is, and how the
//! face stops it: one channel, whatever shows it (the app's bar, the CLI's redrawn line).

use std::ops::ControlFlow;

/// What a long use case is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading and converting the input (its length in rows is not known yet).
    Reading,
    /// Writing rows in the one transaction; `rows_done` of `rows_total`.
    Writing,
    /// Committed.
    Done,
}

/// How far a long use case is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    pub phase: Phase,
    /// 0 to 1 while writing and when done; none while reading (a bar then just moves).
    pub fraction: Option<f64>,
    pub rows_done: u64,
    pub rows_total: u64,
}

impl Progress {
    pub fn reading() -> Progress {
        Progress {
            phase: Phase::Reading,
            fraction: None,
            rows_done: 0,
            rows_total: 0,
        }
    }

    pub fn writing(rows_done: u64, rows_total: u64) -> Progress {
        Progress {
            phase: Phase::Writing,
            fraction: Some(rows_done as f64 / rows_total.max(1) as f64),
            rows_done,
            rows_total,
        }
    }

    pub fn done(rows: u64) -> Progress {
        Progress {
            phase: Phase::Done,
            fraction: Some(1.0),
            rows_done: rows,
            rows_total: rows,
        }
    }
}

/// Where progress goes: each face's own display. Answering `Break` stops the use case, which
/// then writes nothing.
pub trait ProgressSink {
    fn show(&mut self, progress: Progress) -> ControlFlow<()>;
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unwatched;

impl ProgressSink for Unwatched {
    fn show(&mut self, _: Progress) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}
