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

export interface MilestoneFilter {
  /** A project code, or "" for all. */
  project: string;
  /** A lead unit, or "" for all. */
  unit: string;
  /** Words to find in the milestone's or project's name, code or acceptance. */
  text: string;
  /** Each project's lead unit, by code. */
  unitOf: ReadonlyMap<string, string>;
}

/** The milestones that pass the view's filters. */
export function filterMilestones(rows: readonly MilestoneRow[], f: MilestoneFilter): MilestoneRow[] {
  const words = f.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (f.project && r.project_code !== f.project) return false;
    if (f.unit && f.unitOf.get(r.project_code) !== f.unit) return false;
    const hay = `${r.name} ${r.project_name} ${r.project_code} ${r.acceptance}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
