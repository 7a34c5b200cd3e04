import { describe, expect, it } from "vitest";
import type { CumulativeMonth, InvestmentRow } from "../src/bindings";
import { cumulativeChart, rateText, reasonsText, rowsWithLight, wanExact, wanText } from "../src/lib/investment";
import { defaultReportMonth, isReportMonth } from "../src/lib/report";

describe("amounts in 万元", () => {
  it("are written from whole yuan without floating point error", () => {
    expect(wanText(123_456)).toBe("12.35");
    expect(wanText(123_449)).toBe("12.34");
    expect(wanText(13_318_005_000)).toBe("1,331,800.50");
    expect(wanText(1, 4)).toBe("0.0001");
    expect(wanText(1_000 + 2_000)).toBe("0.30");
    expect(wanText(0)).toBe("0.00");
    // The largest amount the core accepts (10^15 yuan) stays exact.
    expect(wanText(10 ** 15 - 1, 4)).toBe("99,999,999,999.9999");
  });

  it("are put back into the form as typed", () => {
    expect(wanExact(25_000_000)).toBe("2500");
    expect(wanExact(175_005_000)).toBe("17500.5");
    expect(wanExact(1)).toBe("0.0001");
    expect(wanExact(0)).toBe("0");
  });

  it("rates read as percentages", () => {
    expect(rateText(0.195)).toBe("19.5%");
    expect(rateText(null)).toBe("—");
  });
});

function row(code: string, light: "red" | "yellow" | "green", reasons: string[] = []): InvestmentRow {
  return {
    project_id: 1,
    code,
    name: code,
    leader: null,
    lead_unit: "",
    declared: "green",
    total_yuan: null,
    annual_yuan: 100,
    month_yuan: null,
    year_to_date_yuan: 0,
    completion_rate: 0,
    overdue: [],
    warning: { light, warnings: reasons.map((reason) => ({ kind: "investment", light, reason })) },
  };
}

describe("warnings", () => {
  it("filter by light and read as one line", () => {
    const rows = [row("A", "red", ["1–5月完成投资 19.5%", "里程碑逾期"]), row("B", "green")];
    expect(rowsWithLight(rows, "red").map((r) => r.code)).toEqual(["A"]);
    expect(rowsWithLight(rows, null)).toHaveLength(2);
    expect(reasonsText(rows[0]!)).toBe("1–5月完成投资 19.5%；里程碑逾期");
  });
});

describe("the cumulative chart", () => {
  it("runs from zero to the month's figures, scaled to the larger line", () => {
    const months: CumulativeMonth[] = [
      { month: "2021-01", completed_yuan: 100, on_course_yuan: 250 },
      { month: "2021-02", completed_yuan: 300, on_course_yuan: 500 },
    ];
    const c = cumulativeChart(months, 224, 124, 12);
    expect(c.max).toBe(500);
    expect(c.completed.points.split(" ")).toHaveLength(3);
    expect(c.completed.points.startsWith("12,112")).toBe(true);
    expect(c.onCourse.end).toEqual({ x: 212, y: 12, yuan: 500 });
    expect(c.completed.end.yuan).toBe(300);
    expect(c.ticks.map((t) => t.label)).toEqual(["1", "2"]);
  });
});

describe("the monthly report's month", () => {
  it("starts on the last whole month and accepts only real months", () => {
    expect(defaultReportMonth("2021-06-11")).toBe("2021-05");
    expect(defaultReportMonth("2021-01-04")).toBe("2020-12");
    expect(isReportMonth("2021-05")).toBe(true);
    expect(isReportMonth("2021-13")).toBe(false);
    expect(isReportMonth("May")).toBe(false);
  });
});
