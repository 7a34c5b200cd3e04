//! The schedule of each project: working calendars (China's holidays and make-up days), the
//! critical-path engine, baselines, and the Gantt's edits of the WBS.

pub mod baselines;
pub mod calendar;
pub mod calendar_days;
pub mod cpm;
pub mod project_view;
pub mod schedule;
pub mod wbs_edit;
