//! The key projects and what officers and managers record and read of them: projects and
//! their facts, milestones and their completion, weekly updates, the plan's targets, the
//! dashboard's summary, the report's queries and the words of the closed vocabularies.

pub mod filing;
pub mod milestone_batch;
pub mod milestones;
pub mod photo_file;
pub mod photos;
pub mod plan_targets;
pub mod projects;
pub mod report_queries;
pub mod summary;
pub mod updates;
pub mod vocabulary_labels;
