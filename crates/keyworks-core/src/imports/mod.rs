//! Whole-or-nothing imports from other tools' files, parsed elsewhere (keyworks-interchange):
//! a project from MS Project XML, milestones from a sheet edited in Excel.

pub mod milestone_import;
pub mod project_import;
