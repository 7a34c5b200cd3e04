import { describe, expect, it } from "vitest";
import type { BaselineBars } from "../src/bindings";
import { BAR_HEIGHT, ROW_HEIGHT, Scale, barOf } from "../src/lib/gantt";
import { barTooltip, baselineBarOf, baselineById, floatText, isCritical, scheduleById, type ScheduleRow } from "../src/lib/schedule_view";
import { defaultReportWeek, isReportWeek, reportDoneText, sizeText } from "../src/lib/report";
import { task } from "./fixtures";

function row(over: Partial<ScheduleRow>): ScheduleRow {
  return { total_float: 0, free_float: 0, critical: true, ...over };
}

describe("Gantt: critical path, floats and baseline", () => {
  it("draws a task as critical only when the engine says so (done tasks it never marks)", () => {
    expect(isCritical(row({}))).toBe(true);
    expect(isCritical(row({ critical: false, total_float: 5 }))).toBe(false);
    expect(isCritical(undefined)).toBe(false);
  });

  it("words total and free float on hover, in either language", () => {
    const r = row({ total_float: 3, free_float: 1, critical: false });
    expect(floatText(r, "zh")).toBe("总时差 3 个工作日，自由时差 1 个工作日");
    expect(floatText(r, "en")).toBe("Total float 3 working days, free float 1 working day");
    const t = task({ id: 1, name: "主体结构", planned_start: "2021-06-07", planned_finish: "2021-06-18", percent_complete: 40 });
    const tip = barTooltip(t, row({}), { start: "2021-06-01", finish: "2021-06-11" }, "zh");
    expect(tip.split("\n")).toEqual([
      "主体结构：2021年6月7日 – 2021年6月18日，40%",
      "关键任务；总时差 0 个工作日，自由时差 0 个工作日",
      "基线：2021年6月1日 – 2021年6月11日",
    ]);
    // Before the schedule arrives, the bar still says what it is.
    expect(barTooltip(t, undefined, undefined, "en").split("\n")).toHaveLength(1);
  });

  it("indexes the schedule by task and puts baseline bars thin, just under the current bar", () => {
    expect(scheduleById(null).size).toBe(0);
    const marks = scheduleById({ ids: [7, 8], critical: [true, false], total_float: [0, 4], free_float: [0, 2] });
    expect(marks.get(8)).toEqual({ critical: false, total_float: 4, free_float: 2 });
    const bars: BaselineBars = { name: "年初计划", ids: [1], starts: ["2021-06-01"], finishes: ["2021-06-11"] };
    const base = baselineById(bars);
    expect([...base.keys()]).toEqual([1]);
    expect(baselineById(null).size).toBe(0);
    const scale = new Scale("2021-05-01", "2021-07-31", "day");
    const bb = baselineBarOf(base.get(1)!, 3, scale);
    const current = barOf(task({ planned_start: "2021-06-07", planned_finish: "2021-06-18" }), 3, scale);
    expect(bb.y).toBe(current.y + BAR_HEIGHT + 1);
    expect(bb.y + 4).toBeLessThanOrEqual(4 * ROW_HEIGHT);
    expect(bb.x).toBe(scale.x("2021-06-01"));
    expect(bb.width).toBe(11 * scale.pxPerDay);
  });
});

describe("Report button", () => {
  it("starts on the week of the as-of date and accepts only real ISO weeks", () => {
    expect(defaultReportWeek("2021-06-11")).toBe("2021-W23");
    expect(defaultReportWeek("2021-01-01")).toBe("2020-W53");
    expect(isReportWeek("2021-W23")).toBe(true);
    expect(isReportWeek(" 2021-W23 ")).toBe(true);
    expect(isReportWeek("2021-23")).toBe(false);
    expect(isReportWeek("2021-W54")).toBe(false);
    expect(isReportWeek("2021-W53")).toBe(false);
    expect(isReportWeek("2020-W53")).toBe(true);
  });

  it("says where the report went, how many pages and how big", () => {
    const r = { path: "/home/王工/周报-2021-W23.pdf", week: "2021-W23", pages: 3, bytes: 211_000 };
    expect(sizeText(1)).toBe("1 KB");
    expect(reportDoneText(r, "zh")).toBe("已生成2021年第23周周报：/home/王工/周报-2021-W23.pdf，共 3 页，207 KB。");
    expect(reportDoneText({ ...r, pages: 1 }, "en")).toBe(
      "Weekly report for Week 23, 2021 saved to /home/王工/周报-2021-W23.pdf: 1 page, 207 KB.",
    );
  });
});
