// The Milestones view's groups: overdue, due this week, due next week (ISO weeks, Monday first,
// around the as-of date), and everything else still open.

import type { MilestoneRow } from "../bindings";
import { addDays, mondayOf } from "./dates";

export interface MilestoneGroups {
  overdue: MilestoneRow[];
  thisWeek: MilestoneRow[];
  nextWeek: MilestoneRow[];
  later: MilestoneRow[];
  done: MilestoneRow[];
}

export function groupMilestones(rows: readonly MilestoneRow[], asOf: string): MilestoneGroups {
  const monday = mondayOf(asOf);
  const nextMonday = addDays(monday, 7);
  const mondayAfter = addDays(monday, 14);
  const groups: MilestoneGroups = { overdue: [], thisWeek: [], nextWeek: [], later: [], done: [] };
  for (const r of rows) {
    // Done and overdue are the core's verdicts (MilestoneRow.state); only the weeks are ours.
    if (r.state === "done") groups.done.push(r);
    else if (r.state === "overdue") groups.overdue.push(r);
    else if (r.due < nextMonday) groups.thisWeek.push(r);
    else if (r.due < mondayAfter) groups.nextWeek.push(r);
    else groups.later.push(r);
  }
  // Most late first, as the dashboard lists them.
  groups.overdue.sort((a, b) => b.days_late - a.days_late || a.project_code.localeCompare(b.project_code));
  return groups;
}
