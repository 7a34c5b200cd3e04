// What the Gantt adds from the scheduling engine: which bars are critical, where the baseline
// bars go and what a bar says on hover (dates, total and free float). The engine's numbers come
// from the core (ProjectMarks: columns in the plan's order); this file only looks them up and
// words them.

import type { BaselineBars, ScheduleMarks, Task } from "../bindings";
import { formatDate, type Locale } from "./dates";
import { BAR_HEIGHT, ROW_HEIGHT, type Scale } from "./gantt";
import { formatPercent } from "./percent";

/** One task's marks from the engine. */
export interface ScheduleRow {
  /** Critical and not yet done: drawn red. */
  critical: boolean;
  total_float: number;
  free_float: number;
}

/** The engine's marks by task id (an empty map before the schedule arrives). */
export function scheduleById(marks: ScheduleMarks | null): Map<number, ScheduleRow> {
  const out = new Map<number, ScheduleRow>();
  if (!marks) return out;
  marks.ids.forEach((id, i) => {
    out.set(id, { critical: marks.critical[i] ?? false, total_float: marks.total_float[i] ?? 0, free_float: marks.free_float[i] ?? 0 });
  });
  return out;
}

export interface BaselineDates {
  start: string;
  finish: string;
}

/** Baseline dates by task id, for the tasks the baseline has (a task added since has none). */
export function baselineById(bars: BaselineBars | null): Map<number, BaselineDates> {
  const out = new Map<number, BaselineDates>();
  bars?.ids.forEach((id, i) => {
    const start = bars.starts[i];
    const finish = bars.finishes[i];
    if (start && finish) out.set(id, { start, finish });
  });
  return out;
}

/** Height of a baseline bar: thin, so the current bar stays what the eye reads. */
export const BASELINE_HEIGHT = 4;

/** A baseline bar sits just under the row's current bar, spanning its baseline days. */
export function baselineBarOf(base: BaselineDates, row: number, scale: Scale): { x: number; y: number; width: number } {
  const x = scale.x(base.start);
  const width = Math.max(scale.x(base.finish) + scale.pxPerDay - x, 2);
  const barTop = row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  return { x, y: barTop + BAR_HEIGHT + 1, width };
}

/** Whether a row is drawn as critical: the engine's flag (unfinished tasks only). */
export function isCritical(row: ScheduleRow | undefined): boolean {
  return row !== undefined && row.critical;
}

/** "总时差 3 个工作日，自由时差 0 个工作日" / "Total float 3 working days, free float 0". */
export function floatText(row: ScheduleRow, locale: Locale): string {
  if (locale === "zh") return `总时差 ${row.total_float} 个工作日，自由时差 ${row.free_float} 个工作日`;
  const days = (n: number) => `${n} working day${Math.abs(n) === 1 ? "" : "s"}`;
  return `Total float ${days(row.total_float)}, free float ${days(row.free_float)}`;
}

/**
 * What a bar or diamond says on hover: name, planned dates and progress, then (when the engine
 * has scheduled it) float and whether it is critical, then the baseline dates.
 */
export function barTooltip(task: Task, row: ScheduleRow | undefined, base: BaselineDates | undefined, locale: Locale): string {
  const zh = locale === "zh";
  const dates = task.is_milestone
    ? formatDate(task.planned_finish, locale)
    : `${formatDate(task.planned_start, locale)} – ${formatDate(task.planned_finish, locale)}`;
  const lines = [`${task.name}${zh ? "：" : ": "}${dates}${task.is_milestone ? "" : `${zh ? "，" : ", "}${formatPercent(task.percent_complete)}`}`];
  if (row) {
    const critical = isCritical(row) ? (zh ? "关键任务；" : "Critical; ") : "";
    lines.push(critical + floatText(row, locale));
  }
  if (base) {
    const b = task.is_milestone ? formatDate(base.finish, locale) : `${formatDate(base.start, locale)} – ${formatDate(base.finish, locale)}`;
    lines.push(`${zh ? "基线：" : "Baseline: "}${b}`);
  }
  return lines.join("\n");
}
