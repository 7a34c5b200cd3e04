// Gantt geometry: where rows, bars, diamonds, links, the today line and shaded days go, for a
// zoom level. Pure functions, so the view can draw only the rows on screen and tests can check
// every number.

import type { Dependency, Task } from "../bindings";
import { percentValue } from "./percent";
import { addDays, daysBetween, dayNumber, fromDayNumber, isoWeek, parts, weekdayIndex, type Locale } from "./dates";

export type Zoom = "day" | "week" | "month" | "quarter";

export const ZOOMS: readonly Zoom[] = ["day", "week", "month", "quarter"];

/** Pixels per calendar day at each zoom level. */
export const PX_PER_DAY: Record<Zoom, number> = { day: 28, week: 10, month: 3, quarter: 1.1 };

export const ROW_HEIGHT = 28;
export const BAR_HEIGHT = 14;

/** A task in the tree as shown: its depth, whether it has children, its WBS number (1.2.3). */
export interface TreeRow {
  task: Task;
  depth: number;
  hasChildren: boolean;
  wbs: string;
}

/**
 * The rows to show, in WBS order, leaving out the descendants of collapsed tasks. The core
 * sends tasks in display order (pre-order), parents before children.
 */
export function visibleTree(tasks: readonly Task[], collapsed: ReadonlySet<number>): TreeRow[] {
  const children = new Map<number | null, number>();
  for (const t of tasks) children.set(t.parent_id, (children.get(t.parent_id) ?? 0) + 1);
  const depth = new Map<number, number>();
  const wbs = new Map<number, string>();
  const counter = new Map<number | null, number>();
  const hidden = new Set<number>();
  const rows: TreeRow[] = [];
  for (const t of tasks) {
    const parent = t.parent_id;
    const d = parent === null ? 0 : (depth.get(parent) ?? 0) + 1;
    depth.set(t.id, d);
    const n = (counter.get(parent) ?? 0) + 1;
    counter.set(parent, n);
    const prefix = parent === null ? "" : `${wbs.get(parent) ?? "?"}.`;
    wbs.set(t.id, `${prefix}${n}`);
    if (parent !== null && (hidden.has(parent) || collapsed.has(parent))) {
      hidden.add(t.id);
      continue;
    }
    rows.push({ task: t, depth: d, hasChildren: (children.get(t.id) ?? 0) > 0, wbs: wbs.get(t.id) ?? "" });
  }
  return rows;
}

/** The span the chart covers: from the first of the month before the earliest date to the end
 *  of the month after the latest, so bars never touch the edges. */
export function timelineRange(tasks: readonly Task[], today: string): { start: string; end: string } {
  let first = today;
  let last = today;
  for (const t of tasks) {
    if (t.planned_start < first) first = t.planned_start;
    if (t.planned_finish > last) last = t.planned_finish;
    if (t.actual_finish && t.actual_finish > last) last = t.actual_finish;
  }
  const f = parts(first);
  const start = f.month === 1 ? `${f.year - 1}-12-01` : `${f.year}-${String(f.month - 1).padStart(2, "0")}-01`;
  const l = parts(last);
  const afterNext = l.month >= 11 ? `${l.year + 1}-${String(l.month - 10).padStart(2, "0")}-01` : `${l.year}-${String(l.month + 2).padStart(2, "0")}-01`;
  return { start, end: addDays(afterNext, -1) };
}

/** The core answers calendar days for at most this many days at a time (MAX_CALENDAR_RANGE_DAYS). */
export const CALENDAR_WINDOW_DAYS = 3650;

/**
 * The part of the timeline to shade weekends and holidays in: all of it when it is short,
 * else ten years starting five years before the as-of day (a plan spanning centuries, as a
 * generated test file may, is still drawn, just not shaded far away).
 */
export function calendarWindow(range: { start: string; end: string }, asOf: string): { from: string; to: string } {
  if (daysBetween(range.start, range.end) <= CALENDAR_WINDOW_DAYS) return { from: range.start, to: range.end };
  let from = addDays(asOf, -5 * 365);
  if (from < range.start) from = range.start;
  let to = addDays(from, CALENDAR_WINDOW_DAYS);
  if (to > range.end) {
    to = range.end;
    from = addDays(to, -CALENDAR_WINDOW_DAYS);
  }
  return { from, to };
}

export class Scale {
  readonly origin: number;
  readonly pxPerDay: number;
  readonly days: number;

  constructor(
    readonly start: string,
    readonly end: string,
    readonly zoom: Zoom,
  ) {
    this.origin = dayNumber(start);
    this.pxPerDay = PX_PER_DAY[zoom];
    this.days = dayNumber(end) - this.origin + 1;
  }

  /** Left edge of a day. */
  x(iso: string): number {
    return (dayNumber(iso) - this.origin) * this.pxPerDay;
  }

  get width(): number {
    return this.days * this.pxPerDay;
  }

  /** The day under a pixel (for dragging). */
  dateAt(x: number): string {
    return fromDayNumber(this.origin + Math.floor(x / this.pxPerDay));
  }
}

export interface Bar {
  x: number;
  width: number;
  /** Width of the % complete fill. */
  done: number;
  y: number;
}

export interface Diamond {
  cx: number;
  cy: number;
  r: number;
}

/** A work bar spans its start day's left edge to its finish day's right edge. */
export function barOf(task: Task, row: number, scale: Scale): Bar {
  const x = scale.x(task.planned_start);
  const width = Math.max(scale.x(task.planned_finish) + scale.pxPerDay - x, 2);
  const pct = percentValue(task.percent_complete);
  return { x, width, done: (width * pct) / 100, y: row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2 };
}

/** A milestone's diamond sits in the middle of its due day. */
export function diamondOf(task: Task, row: number, scale: Scale): Diamond {
  return {
    cx: scale.x(task.planned_finish) + scale.pxPerDay / 2,
    cy: row * ROW_HEIGHT + ROW_HEIGHT / 2,
    r: BAR_HEIGHT / 2 + 1,
  };
}

const STUB = 8;

/** Where a link attaches to a row's shape: its left and right ends and its middle height. */
export interface LinkEnds {
  left: number;
  right: number;
  y: number;
}

/**
 * The corners of an orthogonal arrow for a link, as x,y pairs: it leaves the predecessor's
 * finish (or start, for SS/SF) and enters the successor's start (or finish, for FF/SF). The
 * segments alternate horizontal and vertical, starting horizontal; the last point is the
 * arrow's tip, which points right when entering a start and left when entering a finish.
 */
export function routeLink(kind: Dependency["kind"], p: LinkEnds, s: LinkEnds): number[] {
  const fromFinish = kind === "FS" || kind === "FF";
  const toStart = kind === "FS" || kind === "SS";
  const x1 = fromFinish ? p.right : p.left;
  const x2 = toStart ? s.left : s.right;
  const out = fromFinish ? x1 + STUB : x1 - STUB;
  const into = toStart ? x2 - STUB : x2 + STUB;
  const y1 = p.y;
  const y2 = s.y;
  // Room for a straight drop: go across at the exit stub, then down to the target row.
  if ((toStart && out <= into) || (!toStart && out >= into)) {
    return [x1, y1, out, y1, out, y2, x2, y2];
  }
  // Otherwise turn back between the rows.
  const mid = y1 + (y2 >= y1 ? ROW_HEIGHT / 2 : -ROW_HEIGHT / 2);
  return [x1, y1, out, y1, out, mid, into, mid, into, y2, x2, y2];
}

/** The rows to draw for a scroll position: those on screen plus `overscan` on either side. */
export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  total: number,
  overscan = 8,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + overscan);
  return { first, last: Math.max(first, last) };
}

export interface Tick {
  x: number;
  width: number;
  label: string;
}

/** Roughly how wide a timescale label is drawn (11 px text; CJK characters are square). */
export function labelWidth(label: string): number {
  let w = 8;
  for (const ch of label) w += /[\u0000-\u00ff]/.test(ch) ? 6.5 : 11;
  return w;
}

/** Whether a tick has room for its label; narrower ticks are drawn without one. */
export function fits(tick: Tick): boolean {
  return tick.width >= labelWidth(tick.label);
}

function monthStart(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, "0")}-01`;
}

function nextMonth(iso: string, step = 1): string {
  const { year, month } = parts(iso);
  const m = month - 1 + step;
  return monthStart(year + Math.floor(m / 12), (m % 12) + 1);
}

/**
 * The two header bands of the timescale. Upper: months (day and week zoom) or years; lower:
 * days, ISO weeks (第23周), months or quarters.
 */
export function ticks(
  scale: Scale,
  locale: Locale,
  window?: { from: string; to: string },
): { upper: Tick[]; lower: Tick[] } {
  const zh = locale === "zh";
  // The span to label: the whole timeline, or (for a long plan, drawn a window at a time) the
  // part of it in `window`. Ticks keep their positions on the whole timeline either way.
  const from = window && window.from > scale.start ? window.from : scale.start;
  const to = window && window.to < scale.end ? window.to : scale.end;
  const span = (from: string, to: string, label: string): Tick => {
    const x = Math.max(scale.x(from), 0);
    const right = Math.min(scale.x(to), scale.width);
    return { x, width: right - x, label };
  };
  const months = (step: number, label: (iso: string) => string): Tick[] => {
    const out: Tick[] = [];
    const { year, month } = parts(from);
    const firstMonth = Math.floor((month - 1) / step) * step + 1;
    for (let m = monthStart(year, firstMonth); m <= to; m = nextMonth(m, step)) {
      out.push(span(m, nextMonth(m, step), label(m)));
    }
    return out;
  };
  const years = (): Tick[] => {
    const out: Tick[] = [];
    for (let y = parts(from).year; y <= parts(to).year; y++) {
      out.push(span(`${y}-01-01`, `${y + 1}-01-01`, zh ? `${y}年` : `${y}`));
    }
    return out;
  };
  const monthLabel = (iso: string, withYear: boolean) => {
    const { year, month } = parts(iso);
    if (zh) return withYear ? `${year}年${month}月` : `${month}月`;
    const name = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1];
    return withYear ? `${name} ${year}` : `${name}`;
  };
  switch (scale.zoom) {
    case "day": {
      const lower: Tick[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) {
        lower.push(span(d, addDays(d, 1), String(parts(d).day)));
      }
      return { upper: months(1, (m) => monthLabel(m, true)), lower };
    }
    case "week": {
      const lower: Tick[] = [];
      for (let d = addDays(from, -weekdayIndex(from)); d <= to; d = addDays(d, 7)) {
        const w = isoWeek(d).week;
        lower.push(span(d, addDays(d, 7), zh ? `第${w}周` : `W${w}`));
      }
      return { upper: months(1, (m) => monthLabel(m, true)), lower };
    }
    case "month":
      return { upper: years(), lower: months(1, (m) => monthLabel(m, false)) };
    case "quarter":
      return {
        upper: years(),
        lower: months(3, (m) => {
          const q = Math.floor((parts(m).month - 1) / 3) + 1;
          return zh ? `第${q}季度` : `Q${q}`;
        }),
      };
  }
}
