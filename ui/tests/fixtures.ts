// Small hand-made DTOs in the shapes the bindings declare (the compiler checks them).
import type { MilestoneRow, ProjectSummary, Task } from "../src/bindings";

export function project(over: Partial<ProjectSummary>): ProjectSummary {
  return {
    id: 1,
    code: "KP21-01",
    name: "三星二期二阶段",
    category: "advanced_manufacturing",
    stage: "continuing",
    lead_unit: "高新区先进制造业发展局",
    leader: null,
    status: "green",
    percent_complete: 50,
    last_update: "2021-W23",
    next_milestone: null,
    overdue_milestones: 0,
    days_late: 0,
    ...over,
  };
}

export function milestone(over: Partial<MilestoneRow>): MilestoneRow {
  return {
    id: 1,
    project_code: "KP21-01",
    project_name: "三星二期二阶段",
    name: "竣工验收备案",
    due: "2021-07-27",
    actual: null,
    acceptance: "",
    state: "open",
    days_late: 0,
    ...over,
  };
}

export function task(over: Partial<Task>): Task {
  return {
    id: 1,
    project_id: 1,
    parent_id: null,
    position: 1,
    name: "任务",
    is_milestone: false,
    planned_start: "2021-06-07",
    planned_finish: "2021-06-11",
    duration_days: 5,
    percent_complete: 0,
    actual_start: null,
    actual_finish: null,
    acceptance: "",
    completion_note: "",
    ...over,
  };
}
