import { describe, expect, it } from "vitest";
import type { CalendarDay, Dependency } from "../src/bindings";
import type { ScheduleRow } from "../src/lib/schedule_view";
import { PX_PER_DAY, ROW_HEIGHT, Scale, ticks, visibleTree } from "../src/lib/gantt";
import { linkShapes, lowerBound, paint, rowShapes, shadeColumns, ticksIn, type Frame } from "../src/lib/gantt_paint";
import { task } from "./fixtures";

const scale = new Scale("2021-06-01", "2021-07-31", "day");

function sched(id: number, critical: boolean): ScheduleRow {
  void id;
  return { critical, total_float: 0, free_float: 0 };
}

describe("Gantt geometry worked out once per data change", () => {
  const tasks = [
    task({ id: 1, name: "收尾" }),
    task({ id: 2, parent_id: 1, planned_start: "2021-06-07", planned_finish: "2021-06-11", percent_complete: 50 }),
    task({ id: 3, parent_id: 1, is_milestone: true, planned_start: "2021-06-18", planned_finish: "2021-06-18", actual_finish: "2021-06-18" }),
  ];
  const rows = visibleTree(tasks, new Set());

  it("gives each row a bar, a summary bar or a diamond, with critical flags and baselines", () => {
    const shapes = rowShapes(rows, scale, new Map([[2, sched(2, true)]]), new Map([[2, { start: "2021-06-01", finish: "2021-06-02" }]]));
    expect(shapes.map((s) => s.kind)).toEqual(["summary", "bar", "milestone"]);
    const bar = shapes[1]!;
    expect(bar.x).toBe(6 * PX_PER_DAY.day);
    expect(bar.w).toBe(5 * PX_PER_DAY.day);
    expect(bar.done).toBeCloseTo(2.5 * PX_PER_DAY.day);
    expect(bar.critical).toBe(true);
    expect(bar.baseW).toBe(2 * PX_PER_DAY.day);
    expect(shapes[0]!.baseW).toBe(0);
    const diamond = shapes[2]!;
    expect(diamond.x + diamond.w / 2).toBe(17 * 28 + 14);
    expect(diamond.finished).toBe(true);
  });

  it("routes links between shown rows only, with the rows they span", () => {
    const deps: Dependency[] = [
      { id: 7, predecessor_id: 2, successor_id: 3, kind: "FS", lag_days: 0 },
      { id: 8, predecessor_id: 2, successor_id: 99, kind: "FS", lag_days: 0 },
    ];
    const shapes = rowShapes(rows, scale, new Map(), new Map());
    const links = linkShapes(deps, shapes, new Map(rows.map((r, i) => [r.task.id, i])));
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ id: 7, lo: 1, hi: 2 });
    // From the bar's finish, across its stub, straight down, into the diamond's left point.
    expect(links[0]!.points).toEqual([308, 42, 316, 42, 316, 70, 482, 70]);
  });

  it("shades weekends only when days are wide enough, holidays always, sorted by x", () => {
    const days: CalendarDay[] = [
      { date: "2021-06-14", working: false, name: "端午节" },
      { date: "2021-06-05", working: false, name: "" },
      { date: "2021-06-06", working: false, name: "" },
      { date: "2021-06-20", working: true, name: "调休" },
    ] as CalendarDay[];
    const day = shadeColumns(days, scale);
    expect(Array.from(day.x)).toEqual([4, 5, 13, 19].map((d) => d * PX_PER_DAY.day));
    expect(day.kind).toEqual(["weekend", "weekend", "holiday", "makeup"]);
    const month = shadeColumns(days, new Scale("2021-06-01", "2021-07-31", "month"));
    expect(month.kind).toEqual(["holiday"]);
  });

  it("labels only the stretch of a long timeline asked for, at the same positions", () => {
    const long = new Scale("2021-01-01", "2260-12-31", "week");
    const all = ticks(new Scale("2021-01-01", "2031-12-31", "week"), "zh");
    const part = ticks(long, "zh", { from: "2025-03-01", to: "2025-06-30" });
    expect(part.lower.length).toBeLessThan(25);
    expect(part.lower.length).toBeGreaterThan(15);
    for (const t of part.lower) expect(all.lower).toContainEqual(t);
    expect(part.upper.map((t) => t.label)).toEqual(["2025年3月", "2025年4月", "2025年5月", "2025年6月"]);
  });

  it("finds what is in view by binary search", () => {
    expect(lowerBound([0, 10, 20, 30], 15)).toBe(2);
    expect(lowerBound([0, 10, 20, 30], 0)).toBe(0);
    expect(lowerBound([0, 10, 20, 30], 31)).toBe(4);
    const week = ticks(new Scale("2021-01-01", "2021-12-31", "week"), "zh").lower;
    const seen = ticksIn(week, 700, 1000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => t.x + t.width > 700 && t.x < 1000)).toBe(true);
    expect(seen).toEqual(week.filter((t) => t.x + t.width > 700 && t.x < 1000));
  });
});

/** A 2D context that only counts what is drawn. */
function recorder() {
  const calls: Record<string, number> = {};
  const count = (name: string) => () => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const ctx = new Proxy(
    {},
    {
      get: (_t, name: string) => (name === "calls" ? calls : count(name)),
      set: () => true,
    },
  ) as unknown as CanvasRenderingContext2D & { calls: Record<string, number> };
  return ctx;
}

describe("a frame draws only what is in view", () => {
  const n = 10_000;
  const many = Array.from({ length: n }, (_, i) =>
    task({ id: i + 1, planned_start: "2021-06-07", planned_finish: "2021-06-08", position: i + 1 }),
  );
  const rows = visibleTree(many, new Set());
  const shapes = rowShapes(rows, scale, new Map(), new Map());
  const frame = (scrollTop: number, scrollLeft: number): Frame => ({
    width: 800,
    height: 600 + 44,
    header: 44,
    scrollLeft,
    scrollTop,
    shapes,
    links: [],
    shade: shadeColumns([], scale),
    pxPerDay: scale.pxPerDay,
    ...ticks(scale, "zh"),
    todayX: 0,
    selectedRow: -1,
    font: "11px sans-serif",
    preview: null,
    rubber: null,
  });

  it("fills one bar per row on screen, whatever the plan's length", () => {
    const ctx = recorder();
    paint(ctx, frame(5000 * ROW_HEIGHT, 0));
    // Background, header, and two fills (plan, no progress → one) per visible row: ~22 rows.
    const rowsOnScreen = Math.ceil(600 / ROW_HEIGHT) + 1;
    expect(ctx.calls.fillRect).toBeLessThanOrEqual(2 + rowsOnScreen);
    expect(ctx.calls.fillRect).toBeGreaterThan(rowsOnScreen - 2);
  });

  it("draws no bar when the bars lie outside the dates in view", () => {
    const ctx = recorder();
    paint(ctx, frame(0, 40 * PX_PER_DAY.day));
    expect(ctx.calls.fillRect).toBe(2);
  });
});
