// The Gantt's chart drawn on one canvas the size of the window. SVG (even windowed to the rows
// on screen) made WebKit repaint a timeline element hundreds of thousands of pixels wide on
// every scroll step: about 350 ms a frame in software rendering on a 10,000-task plan. Here the
// geometry of every row, link, shaded day and tick is worked out once per data or zoom change
// (plain numbers, sorted by x or row), and a frame only looks up what is in view and draws it.

import type { CalendarDay, Dependency, Task } from "../bindings";
import type { ScheduleRow } from "./schedule_view";
import { BAR_HEIGHT, ROW_HEIGHT, barOf, diamondOf, routeLink, type Scale, type Tick, type TreeRow, fits } from "./gantt";
import { BASELINE_HEIGHT, baselineBarOf, isCritical, type BaselineDates } from "./schedule_view";

export type ShapeKind = "bar" | "summary" | "milestone";

/** What one row draws, in timeline pixels (x from the timeline's start, row-relative y). */
export interface Shape {
  kind: ShapeKind;
  /** Left edge and width of the bar, or of the diamond's box. */
  x: number;
  w: number;
  /** Width of the % complete fill (bars). */
  done: number;
  critical: boolean;
  /** A milestone that is done (drawn green). */
  finished: boolean;
  /** The baseline bar, when the baseline has the task (summaries draw none): left and width. */
  baseX: number;
  baseW: number;
}

/** Half the diagonal of a milestone's diamond. */
export const DIAMOND_R = BAR_HEIGHT / 2 + 1;

/** Each visible row's shape, in the rows' order. */
export function rowShapes(
  rows: readonly TreeRow[],
  scale: Scale,
  scheduled: ReadonlyMap<number, ScheduleRow>,
  baselined: ReadonlyMap<number, BaselineDates>,
): Shape[] {
  return rows.map((row) => {
    const task = row.task;
    return shapeOf(task, row.hasChildren, scale, isCritical(scheduled.get(task.id)), baselined.get(task.id));
  });
}

/** One task's shape (also used for the bar being dragged). */
export function shapeOf(task: Task, summary: boolean, scale: Scale, critical: boolean, base: BaselineDates | undefined): Shape {
  const b = !summary && base ? baselineBarOf(base, 0, scale) : null;
  const baseX = b ? b.x : 0;
  const baseW = b ? (task.is_milestone ? Math.max(b.width, 4) : b.width) : 0;
  if (task.is_milestone) {
    const d = diamondOf(task, 0, scale);
    return { kind: "milestone", x: d.cx - d.r, w: d.r * 2, done: 0, critical, finished: task.actual_finish !== null, baseX, baseW };
  }
  const bar = barOf(task, 0, scale);
  return { kind: summary ? "summary" : "bar", x: bar.x, w: bar.width, done: bar.done, critical, finished: false, baseX, baseW };
}

/** A link's corners (absolute timeline coordinates) and the rows it spans. */
export interface LinkShape {
  id: number;
  lo: number;
  hi: number;
  points: number[];
}

/** Every link whose two tasks are both shown, routed once from the rows' shapes. */
export function linkShapes(
  dependencies: readonly Dependency[],
  shapes: readonly Shape[],
  rowOf: ReadonlyMap<number, number>,
): LinkShape[] {
  const out: LinkShape[] = [];
  const endsOf = (s: Shape, row: number) => ({ left: s.x, right: s.x + s.w, y: row * ROW_HEIGHT + ROW_HEIGHT / 2 });
  for (const d of dependencies) {
    const a = rowOf.get(d.predecessor_id);
    const b = rowOf.get(d.successor_id);
    if (a === undefined || b === undefined) continue;
    const p = shapes[a];
    const s = shapes[b];
    if (!p || !s) continue;
    out.push({ id: d.id, lo: Math.min(a, b), hi: Math.max(a, b), points: routeLink(d.kind, endsOf(p, a), endsOf(s, b)) });
  }
  return out;
}

export type ShadeKind = "weekend" | "holiday" | "makeup";

/** Shaded days as columns, sorted by x. */
export interface ShadeColumns {
  x: Float64Array;
  kind: ShadeKind[];
  title: string[];
}

/** Weekends only where a day is wide enough to see them; named holidays at every zoom; make-up
 *  working days (调休) at day zoom. */
export function shadeColumns(days: readonly CalendarDay[], scale: Scale): ShadeColumns {
  const wide = scale.zoom === "day" || scale.zoom === "week";
  const picked: { x: number; kind: ShadeKind; title: string }[] = [];
  for (const d of days) {
    let kind: ShadeKind | null = null;
    if (!d.working && (wide || d.name !== "")) kind = d.name ? "holiday" : "weekend";
    else if (d.working && scale.zoom === "day") kind = "makeup";
    if (kind) picked.push({ x: scale.x(d.date), kind, title: d.name });
  }
  picked.sort((a, b) => a.x - b.x);
  return { x: Float64Array.from(picked.map((p) => p.x)), kind: picked.map((p) => p.kind), title: picked.map((p) => p.title) };
}

/** Index of the first element of an ascending array that is ≥ `value` (array length if none). */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The ticks that overlap [from, to); ticks are sorted by x and do not overlap. */
export function ticksIn(ticks: readonly Tick[], from: number, to: number): Tick[] {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = ticks[mid] as Tick;
    if (t.x + t.width <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: Tick[] = [];
  for (let i = lo; i < ticks.length; i++) {
    const t = ticks[i] as Tick;
    if (t.x >= to) break;
    out.push(t);
  }
  return out;
}

/** Colours of the chart, the stylesheet's palette. */
export const PALETTE = {
  background: "#ffffff",
  header: "#f8fafc",
  line: "#dde3ea",
  muted: "#6b7280",
  weekend: "#f1f5f9",
  holiday: "rgba(254, 226, 226, 0.7)",
  makeup: "rgba(254, 249, 195, 0.7)",
  selected: "rgba(219, 234, 254, 0.6)",
  plan: "#93c5fd",
  done: "#2563eb",
  summaryPlan: "#cbd5e1",
  summaryDone: "#475569",
  criticalPlan: "#fca5a5",
  critical: "#dc2626",
  milestone: "#7c3aed",
  milestoneDone: "#16a34a",
  baseline: "rgba(100, 116, 139, 0.6)",
  link: "#64748b",
  today: "#dc2626",
  rubber: "#1d4ed8",
} as const;

/** Everything one frame draws; built by the view from its precomputed geometry. */
export interface Frame {
  /** Canvas size in CSS pixels; the header band is the top `header` pixels. */
  width: number;
  height: number;
  header: number;
  scrollLeft: number;
  scrollTop: number;
  shapes: readonly Shape[];
  links: readonly LinkShape[];
  shade: ShadeColumns;
  pxPerDay: number;
  upper: readonly Tick[];
  lower: readonly Tick[];
  todayX: number;
  selectedRow: number;
  font: string;
  /** The bar being dragged, drawn where it would land. */
  preview: { row: number; shape: Shape } | null;
  /** A dependency being drawn: from a bar's end to the pointer (timeline coordinates). */
  rubber: { x1: number; y1: number; x2: number; y2: number } | null;
}

function barFill(ctx: CanvasRenderingContext2D, s: Shape, y: number) {
  const plan = s.kind === "summary" ? PALETTE.summaryPlan : s.critical ? PALETTE.criticalPlan : PALETTE.plan;
  const done = s.kind === "summary" ? PALETTE.summaryDone : s.critical ? PALETTE.critical : PALETTE.done;
  ctx.fillStyle = plan;
  ctx.fillRect(s.x, y, s.w, BAR_HEIGHT);
  if (s.done > 0) {
    ctx.fillStyle = done;
    ctx.fillRect(s.x, y, s.done, BAR_HEIGHT);
  }
  if (s.critical) {
    ctx.strokeStyle = PALETTE.critical;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(s.x + 0.75, y + 0.75, Math.max(0, s.w - 1.5), BAR_HEIGHT - 1.5);
  }
}

function diamond(ctx: CanvasRenderingContext2D, s: Shape, cy: number) {
  const r = s.w / 2;
  const cx = s.x + r;
  ctx.beginPath();
  ctx.moveTo(cx, cy - r);
  ctx.lineTo(cx + r, cy);
  ctx.lineTo(cx, cy + r);
  ctx.lineTo(cx - r, cy);
  ctx.closePath();
  ctx.fillStyle = s.critical && !s.finished ? PALETTE.critical : s.finished ? PALETTE.milestoneDone : PALETTE.milestone;
  ctx.fill();
  ctx.strokeStyle = "#ffffff";
  ctx.lineWidth = 1;
  ctx.stroke();
}

function arrowhead(ctx: CanvasRenderingContext2D, x: number, y: number, pointsRight: boolean) {
  const d = pointsRight ? -1 : 1;
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + 6 * d, y - 3.5);
  ctx.lineTo(x + 6 * d, y + 3.5);
  ctx.closePath();
  ctx.fill();
}

/**
 * Draws one frame: shading, the selected row, baseline bars, links, bars and diamonds, the
 * today line, then the timescale header on top. Only what lies in the window is visited: rows
 * by index, shaded days and ticks by binary search, links by their row span.
 */
export function paint(ctx: CanvasRenderingContext2D, f: Frame) {
  const { width, height, header } = f;
  const bodyH = height - header;
  const x0 = f.scrollLeft;
  const x1 = f.scrollLeft + width;
  const firstRow = Math.max(0, Math.floor(f.scrollTop / ROW_HEIGHT));
  const lastRow = Math.min(f.shapes.length, Math.ceil((f.scrollTop + bodyH) / ROW_HEIGHT));

  ctx.fillStyle = PALETTE.background;
  ctx.fillRect(0, 0, width, height);

  // Body: timeline coordinates, shifted by the scroll and clipped under the header.
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, header, width, bodyH);
  ctx.clip();
  ctx.translate(-x0, header - f.scrollTop);
  const top = f.scrollTop;

  const day = Math.max(f.pxPerDay, 1);
  for (let i = lowerBound(f.shade.x, x0 - day); i < f.shade.x.length; i++) {
    const x = f.shade.x[i] as number;
    if (x > x1) break;
    const kind = f.shade.kind[i];
    ctx.fillStyle = kind === "holiday" ? PALETTE.holiday : kind === "makeup" ? PALETTE.makeup : PALETTE.weekend;
    ctx.fillRect(x, top, day, bodyH);
  }

  if (f.selectedRow >= firstRow && f.selectedRow < lastRow) {
    ctx.fillStyle = PALETTE.selected;
    ctx.fillRect(x0, f.selectedRow * ROW_HEIGHT, width, ROW_HEIGHT);
  }

  const barTop = (ROW_HEIGHT - BAR_HEIGHT) / 2;
  ctx.fillStyle = PALETTE.baseline;
  for (let r = firstRow; r < lastRow; r++) {
    const s = f.shapes[r] as Shape;
    if (s.baseW > 0 && s.baseX <= x1 && s.baseX + s.baseW >= x0)
      ctx.fillRect(s.baseX, r * ROW_HEIGHT + barTop + BAR_HEIGHT + 1, s.baseW, BASELINE_HEIGHT);
  }

  ctx.strokeStyle = PALETTE.link;
  ctx.fillStyle = PALETTE.link;
  ctx.lineWidth = 1.2;
  for (const l of f.links) {
    if (l.hi < firstRow || l.lo >= lastRow) continue;
    const p = l.points;
    let minX = Infinity;
    let maxX = -Infinity;
    for (let i = 0; i < p.length; i += 2) {
      minX = Math.min(minX, p[i] as number);
      maxX = Math.max(maxX, p[i] as number);
    }
    if (maxX < x0 || minX > x1) continue;
    ctx.beginPath();
    ctx.moveTo(p[0] as number, p[1] as number);
    for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i] as number, p[i + 1] as number);
    ctx.stroke();
    const n = p.length;
    arrowhead(ctx, p[n - 2] as number, p[n - 1] as number, (p[n - 2] as number) > (p[n - 4] as number));
  }

  for (let r = firstRow; r < lastRow; r++) {
    const s = f.preview && f.preview.row === r ? f.preview.shape : (f.shapes[r] as Shape);
    if (s.x > x1 || s.x + s.w < x0) continue;
    if (s.kind === "milestone") diamond(ctx, s, r * ROW_HEIGHT + ROW_HEIGHT / 2);
    else barFill(ctx, s, r * ROW_HEIGHT + barTop);
  }

  if (f.todayX >= x0 && f.todayX <= x1) {
    ctx.strokeStyle = PALETTE.today;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(f.todayX, top);
    ctx.lineTo(f.todayX, top + bodyH);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  if (f.rubber) {
    ctx.strokeStyle = PALETTE.rubber;
    ctx.fillStyle = PALETTE.rubber;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(f.rubber.x1, f.rubber.y1);
    ctx.lineTo(f.rubber.x2, f.rubber.y2);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(f.rubber.x2, f.rubber.y2, 3, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();

  // Header: two bands of ticks, shifted sideways only.
  ctx.fillStyle = PALETTE.header;
  ctx.fillRect(0, 0, width, header);
  ctx.save();
  ctx.translate(-x0, 0);
  ctx.strokeStyle = PALETTE.line;
  ctx.fillStyle = PALETTE.muted;
  ctx.lineWidth = 1;
  ctx.font = f.font;
  ctx.textBaseline = "middle";
  const band = header / 2;
  ctx.beginPath();
  for (const [ticks, y] of [
    [f.upper, 0],
    [f.lower, band],
  ] as const) {
    for (const t of ticksIn(ticks, x0, x1)) {
      const x = Math.round(t.x) + 0.5;
      ctx.moveTo(x, y);
      ctx.lineTo(x, y + band);
    }
  }
  ctx.stroke();
  ctx.textAlign = "left";
  for (const t of ticksIn(f.upper, x0, x1)) {
    // A month or year label stays readable while its tick is partly scrolled off.
    if (fits(t)) ctx.fillText(t.label, Math.max(t.x, Math.min(x0, t.x + t.width - 60)) + 4, band / 2 + 1);
  }
  ctx.textAlign = "center";
  for (const t of ticksIn(f.lower, x0, x1)) {
    if (fits(t)) ctx.fillText(t.label, t.x + t.width / 2, band + band / 2 + 1);
  }
  ctx.restore();
  ctx.strokeStyle = PALETTE.line;
  ctx.beginPath();
  ctx.moveTo(0, band + 0.5);
  ctx.lineTo(width, band + 0.5);
  ctx.moveTo(0, header - 0.5);
  ctx.lineTo(width, header - 0.5);
  ctx.stroke();
}
