//! Everything the project view shows of one project, in one answer: its plan, the schedule the
//! engine computes from it (or why it cannot), and the variance against its latest baseline.
//! Every Gantt edit answers with it, so an edit is one call rather than a write followed by
//! several reads.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::{ProjectId, TaskId};
use crate::plan::schedule::{BaselineDiff, ProjectSchedule};
use crate::portfolio::projects::ProjectDetail;
use crate::store::db::Db;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectView {
    pub detail: ProjectDetail,
    pub schedule: Option<ProjectSchedule>,
    /// Why the engine cannot schedule the plan (a loop saved by an older version, say): told
    /// beside the plan, for it is not the person's input that failed.
    pub schedule_problem: Option<String>,
    /// Against the latest baseline; none for a project without one.
    pub baseline: Option<BaselineDiff>,
    /// The task the edit created or changed, for the view to select; none after a delete.
    pub subject: Option<TaskId>,
}

impl Db {
    /// The project view of project `code` (or exact name).
    pub fn project_view(&self, code: &str, subject: Option<TaskId>) -> Result<ProjectView> {
        let detail = self.project_detail(code)?;
        let code = detail.project.code.clone();
        let (schedule, schedule_problem) = match self.schedule(&code) {
            Ok(s) => (Some(s), None),
            Err(e @ (Error::DependencyCycle { .. } | Error::InvalidInput { .. })) => {
                (None, Some(e.to_string()))
            }
            Err(e) => return Err(e),
        };
        let baseline = match self.baseline_diff(&code, None) {
            Ok(b) => Some(b),
            // No baseline yet, or a plan the engine cannot schedule (said above).
            Err(
                Error::NoBaseline { .. }
                | Error::DependencyCycle { .. }
                | Error::InvalidInput { .. },
            ) => None,
            Err(e) => return Err(e),
        };
        Ok(ProjectView {
            detail,
            schedule,
            schedule_problem,
            baseline,
            subject,
        })
    }

    /// The project view of the project with this id.
    pub fn project_view_of(
        &self,
        project: ProjectId,
        subject: Option<TaskId>,
    ) -> Result<ProjectView> {
        let code: String =
            self.conn()
                .query_row("SELECT code FROM projects WHERE id = ?1", [project], |r| {
                    r.get(0)
                })?;
        self.project_view(&code, subject)
    }
}
