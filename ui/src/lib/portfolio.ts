// Dashboard view logic: sorting, filtering and searching the project rows, and the monthly
// counts behind the milestone chart. Pure functions over the core's DTOs.

import type { MilestoneRow, ProjectSummary, Status } from "../bindings";
import { parts } from "./dates";
import { percentValue } from "./percent";

export type SortKey =
  | "code"
  | "name"
  | "category"
  | "lead_unit"
  | "stage"
  | "percent_complete"
  | "status"
  | "next_due"
  | "days_late";

export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

export interface ProjectFilter {
  category: string | null;
  leadUnit: string | null;
  /** 包抓领导. */
  leader: string | null;
  status: Status | null;
  /** Matches code, name, lead unit, leader or next milestone, case-insensitive. */
  search: string;
}

export const NO_FILTER: ProjectFilter = { category: null, leadUnit: null, leader: null, status: null, search: "" };

// Red first when sorting by status: what needs attention comes up.
const STATUS_RANK: Record<Status, number> = { red: 0, yellow: 1, green: 2 };

function compareText(a: string, b: string): number {
  return a.localeCompare(b, "zh-CN");
}

function compareBy(key: SortKey, a: ProjectSummary, b: ProjectSummary): number {
  switch (key) {
    case "percent_complete":
      return percentValue(a.percent_complete) - percentValue(b.percent_complete);
    case "days_late":
      return a.days_late - b.days_late;
    case "status":
      return STATUS_RANK[a.status] - STATUS_RANK[b.status];
    case "next_due": {
      // Projects without an open milestone go last in either direction.
      const x = a.next_milestone?.due ?? "9999-12-31";
      const y = b.next_milestone?.due ?? "9999-12-31";
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "code":
    case "name":
    case "category":
    case "lead_unit":
    case "stage":
      return compareText(a[key], b[key]);
  }
}

export function sortProjects(rows: readonly ProjectSummary[], order: SortOrder): ProjectSummary[] {
  const sign = order.descending ? -1 : 1;
  return [...rows].sort((a, b) => sign * compareBy(order.key, a, b) || compareText(a.code, b.code));
}

export function filterProjects(rows: readonly ProjectSummary[], f: ProjectFilter): ProjectSummary[] {
  const needle = f.search.trim().toLowerCase();
  return rows.filter(
    (p) =>
      (f.category === null || p.category === f.category) &&
      (f.leadUnit === null || p.lead_unit === f.leadUnit) &&
      (f.leader === null || p.leader === f.leader) &&
      (f.status === null || p.status === f.status) &&
      (needle === "" ||
        [p.code, p.name, p.lead_unit, p.leader ?? "", p.next_milestone?.name ?? ""].some((s) =>
          s.toLowerCase().includes(needle),
        )),
  );
}

/** The distinct lead units, in Chinese collation order, for the filter list. */
export function leadUnits(rows: readonly ProjectSummary[]): string[] {
  return [...new Set(rows.map((p) => p.lead_unit).filter((u) => u !== ""))].sort(compareText);
}

/** The distinct leaders (包抓领导), in Chinese collation order, for the filter list. */
export function leaders(rows: readonly ProjectSummary[]): string[] {
  return [...new Set(rows.flatMap((p) => (p.leader ? [p.leader] : [])))].sort(compareText);
}

export interface MonthlyMilestones {
  /** "2021-01" … */
  months: string[];
  planned: number[];
  completed: number[];
}

/**
 * Milestones planned (by due date) and completed (by actual date) in each month of `year`;
 * with no year, every month from the earliest to the latest date in the rows.
 */
export function milestonesPerMonth(rows: readonly MilestoneRow[], year?: number): MonthlyMilestones {
  const key = (iso: string) => iso.slice(0, 7);
  const dates = rows.flatMap((r) => (r.actual ? [r.due, r.actual] : [r.due]));
  let months: string[];
  if (year !== undefined) {
    months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}`);
  } else if (dates.length === 0) {
    months = [];
  } else {
    const sorted = dates.map(key).sort();
    const first = sorted[0] as string;
    const last = sorted[sorted.length - 1] as string;
    months = [];
    let { year: y, month: m } = parts(`${first}-01`);
    for (let k = `${first}`; k <= last; ) {
      months.push(k);
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
      k = `${y}-${String(m).padStart(2, "0")}`;
    }
  }
  const index = new Map(months.map((m, i) => [m, i]));
  const planned = months.map(() => 0);
  const completed = months.map(() => 0);
  for (const r of rows) {
    const p = index.get(key(r.due));
    if (p !== undefined) planned[p] = (planned[p] ?? 0) + 1;
    if (r.actual) {
      const c = index.get(key(r.actual));
      if (c !== undefined) completed[c] = (completed[c] ?? 0) + 1;
    }
  }
  return { months, planned, completed };
}
