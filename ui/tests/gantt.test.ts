import { describe, expect, it } from "vitest";
import { PX_PER_DAY, ROW_HEIGHT, Scale, barOf, diamondOf, routeLink, ticks, timelineRange, visibleRows, visibleTree } from "../src/lib/gantt";
import { task } from "./fixtures";

describe("Gantt geometry", () => {
  const scale = new Scale("2021-06-01", "2021-07-31", "day");

  it("places a bar from its start day's left edge to its finish day's right edge", () => {
    const b = barOf(task({ planned_start: "2021-06-07", planned_finish: "2021-06-11", percent_complete: 40 }), 2, scale);
    expect(b.x).toBe(6 * PX_PER_DAY.day);
    expect(b.width).toBe(5 * PX_PER_DAY.day);
    expect(b.done).toBeCloseTo(2 * PX_PER_DAY.day);
    expect(b.y).toBeGreaterThan(2 * ROW_HEIGHT);
    expect(b.y).toBeLessThan(3 * ROW_HEIGHT);
  });

  it("centres a milestone diamond on its due day and row", () => {
    const m = diamondOf(task({ is_milestone: true, planned_start: "2021-06-11", planned_finish: "2021-06-11" }), 0, scale);
    expect(m.cx).toBe(10 * 28 + 14);
    expect(m.cy).toBe(ROW_HEIGHT / 2);
  });

  it("scales with the zoom and maps pixels back to days", () => {
    const week = new Scale("2021-06-01", "2021-07-31", "week");
    expect(week.x("2021-06-08")).toBe(7 * PX_PER_DAY.week);
    expect(week.width).toBe(61 * PX_PER_DAY.week);
    expect(scale.dateAt(28 * 3 + 5)).toBe("2021-06-04");
  });

  it("routes a finish-to-start link straight down when there is room, around when not", () => {
    const a = task({ id: 1, planned_start: "2021-06-01", planned_finish: "2021-06-04" });
    const b = task({ id: 2, planned_start: "2021-06-14", planned_finish: "2021-06-18" });
    const dep = { id: 1, predecessor_id: 1, successor_id: 2, kind: "FS" as const, lag_days: 0 };
    const endsOf = (t: typeof a, row: number) => {
      const bar = barOf(t, row, scale);
      return { left: bar.x, right: bar.x + bar.width, y: row * ROW_HEIGHT + ROW_HEIGHT / 2 };
    };
    const straight = routeLink(dep.kind, endsOf(a, 0), endsOf(b, 3));
    expect(straight).toEqual([4 * 28, 14, 4 * 28 + 8, 14, 4 * 28 + 8, 3 * 28 + 14, 13 * 28, 3 * 28 + 14]);
    const back = routeLink(dep.kind, endsOf(b, 0), endsOf(a, 1));
    expect(back).toHaveLength(12);
    const ss = routeLink("SS", endsOf(a, 0), endsOf(b, 1));
    expect(ss.slice(0, 2)).toEqual([0, 14]);
  });

  it("draws only the rows on screen, plus a margin, for 10,000 rows", () => {
    expect(visibleRows(0, 560, 10_000, 8)).toEqual({ first: 0, last: 28 });
    const mid = visibleRows(5000 * ROW_HEIGHT, 560, 10_000, 8);
    expect(mid.first).toBe(4992);
    expect(mid.last - mid.first).toBeLessThan(40);
    expect(visibleRows(10_000 * ROW_HEIGHT, 560, 10_000).last).toBe(10_000);
  });

  it("covers the tasks and the as-of day with whole months around them", () => {
    const r = timelineRange([task({ planned_start: "2021-03-15", planned_finish: "2021-10-13" })], "2021-06-11");
    expect(r).toEqual({ start: "2021-02-01", end: "2021-11-30" });
    expect(timelineRange([], "2021-01-05")).toEqual({ start: "2020-12-01", end: "2021-02-28" });
  });

  it("labels the timescale in Chinese: months, weeks 第23周, quarters", () => {
    const week = ticks(new Scale("2021-06-01", "2021-06-30", "week"), "zh");
    expect(week.upper[0]?.label).toBe("2021年6月");
    expect(week.lower.map((t) => t.label)).toContain("第23周");
    const quarter = ticks(new Scale("2021-01-01", "2021-12-31", "quarter"), "zh");
    expect(quarter.lower.map((t) => t.label)).toEqual(["第1季度", "第2季度", "第3季度", "第4季度"]);
    expect(quarter.upper.map((t) => t.label)).toEqual(["2021年"]);
    const days = ticks(new Scale("2021-06-01", "2021-06-03", "day"), "en");
    expect(days.lower.map((t) => t.label)).toEqual(["1", "2", "3"]);
  });
});

describe("WBS tree", () => {
  const tasks = [
    task({ id: 1, name: "厂房收尾工程" }),
    task({ id: 2, parent_id: 1, name: "屋面" }),
    task({ id: 3, parent_id: 2, name: "防水" }),
    task({ id: 4, parent_id: 1, name: "装修" }),
    task({ id: 5, name: "竣工验收", is_milestone: true }),
  ];

  it("numbers rows 1, 1.1, 1.1.1 and knows depths and summaries", () => {
    const rows = visibleTree(tasks, new Set());
    expect(rows.map((r) => r.wbs)).toEqual(["1", "1.1", "1.1.1", "1.2", "2"]);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 1, 0]);
    expect(rows.map((r) => r.hasChildren)).toEqual([true, true, false, false, false]);
  });

  it("hides everything under a collapsed task", () => {
    expect(visibleTree(tasks, new Set([1])).map((r) => r.task.id)).toEqual([1, 5]);
    expect(visibleTree(tasks, new Set([2])).map((r) => r.task.id)).toEqual([1, 2, 4, 5]);
  });

  it("flattens 10,000 tasks quickly", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => task({ id: i + 1, parent_id: i % 50 === 0 ? null : Math.floor(i / 50) * 50 + 1 }));
    const started = performance.now();
    const rows = visibleTree(many, new Set());
    expect(rows).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("timescale labels", () => {
  it("leaves out a label that would not fit its tick", async () => {
    const { fits, labelWidth } = await import("../src/lib/gantt");
    expect(labelWidth("第23周")).toBeGreaterThan(labelWidth("W23"));
    expect(fits({ x: 0, width: 70, label: "第23周" })).toBe(true);
    expect(fits({ x: 0, width: 20, label: "2020年" })).toBe(false);
  });
});

describe("calendar shading window", () => {
  it("asks for the whole timeline when short, ten years around the as-of day when not", async () => {
    const { calendarWindow, CALENDAR_WINDOW_DAYS } = await import("../src/lib/gantt");
    const { daysBetween } = await import("../src/lib/dates");
    expect(calendarWindow({ start: "2021-01-01", end: "2021-12-31" }, "2021-06-11")).toEqual({ from: "2021-01-01", to: "2021-12-31" });
    const long = calendarWindow({ start: "2020-12-01", end: "2261-02-28" }, "2026-11-27");
    expect(daysBetween(long.from, long.to)).toBe(CALENDAR_WINDOW_DAYS);
    expect(long.from <= "2026-11-27" && "2026-11-27" <= long.to).toBe(true);
    const late = calendarWindow({ start: "2000-01-01", end: "2030-12-31" }, "2030-12-01");
    expect(late.to).toBe("2030-12-31");
  });
});
