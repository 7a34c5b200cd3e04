import { describe, expect, it } from "vitest";
import { NO_FILTER, filterProjects, leadUnits, leaders, milestonesPerMonth, sortProjects } from "../src/lib/portfolio";
import { milestone, project } from "./fixtures";

const rows = [
  project({ id: 1, code: "KP21-01", name: "三星二期二阶段", status: "green", percent_complete: 62, lead_unit: "先进制造业发展局", leader: "张明（示例）" }),
  project({
    id: 2,
    code: "KP21-02",
    name: "比亚迪智能终端",
    status: "red",
    percent_complete: 20,
    days_late: 12,
    category: "technical_upgrade",
    lead_unit: "创新发展局",
    next_milestone: { id: 9, name: "主体结构封顶", due: "2021-06-30" },
  }),
  project({ id: 3, code: "KP21-03", name: "安置房", status: "yellow", percent_complete: 40, category: "livelihood", lead_unit: "城市更新局" }),
];

describe("dashboard rows", () => {
  it("sorts by any column, both ways, with the code breaking ties", () => {
    expect(sortProjects(rows, { key: "percent_complete", descending: true }).map((p) => p.code)).toEqual([
      "KP21-01",
      "KP21-03",
      "KP21-02",
    ]);
    // Red first: what needs attention comes up.
    expect(sortProjects(rows, { key: "status", descending: false }).map((p) => p.status)).toEqual(["red", "yellow", "green"]);
    expect(sortProjects(rows, { key: "days_late", descending: true })[0]?.code).toBe("KP21-02");
    // Projects without a next milestone sort last.
    expect(sortProjects(rows, { key: "next_due", descending: false })[0]?.code).toBe("KP21-02");
  });

  it("sorts Chinese names by pinyin", () => {
    expect(sortProjects(rows, { key: "name", descending: false }).map((p) => p.name)).toEqual([
      "安置房",
      "比亚迪智能终端",
      "三星二期二阶段",
    ]);
  });

  it("filters by category, lead unit and status, and searches names and milestones", () => {
    expect(filterProjects(rows, { ...NO_FILTER, status: "red" }).map((p) => p.code)).toEqual(["KP21-02"]);
    expect(filterProjects(rows, { ...NO_FILTER, category: "livelihood" }).map((p) => p.code)).toEqual(["KP21-03"]);
    expect(filterProjects(rows, { ...NO_FILTER, leadUnit: "创新发展局" })).toHaveLength(1);
    expect(filterProjects(rows, { ...NO_FILTER, search: "三星" }).map((p) => p.code)).toEqual(["KP21-01"]);
    expect(filterProjects(rows, { ...NO_FILTER, search: "kp21-03" })).toHaveLength(1);
    expect(filterProjects(rows, { ...NO_FILTER, search: "封顶" }).map((p) => p.code)).toEqual(["KP21-02"]);
    expect(filterProjects(rows, { ...NO_FILTER, search: "  " })).toHaveLength(3);
    expect(leadUnits(rows)).toHaveLength(3);
    expect(leaders(rows)).toEqual(["张明（示例）"]);
    expect(filterProjects(rows, { ...NO_FILTER, leader: "张明（示例）" }).map((p) => p.code)).toEqual(["KP21-01"]);
    expect(filterProjects(rows, { ...NO_FILTER, search: "张明" }).map((p) => p.code)).toEqual(["KP21-01"]);
  });
});

describe("milestones per month", () => {
  const ms = [
    milestone({ id: 1, due: "2021-01-20", actual: "2021-01-19", state: "done" }),
    milestone({ id: 2, due: "2021-06-30", actual: "2021-07-02", state: "done" }),
    milestone({ id: 3, due: "2021-06-01" }),
  ];

  it("counts planned by due month and completed by actual month over the portfolio year", () => {
    const m = milestonesPerMonth(ms, 2021);
    expect(m.months).toHaveLength(12);
    expect(m.planned).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect(m.completed).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it("spans the data's months when no year is given", () => {
    const m = milestonesPerMonth([milestone({ due: "2020-11-05", actual: "2021-02-01" })]);
    expect(m.months).toEqual(["2020-11", "2020-12", "2021-01", "2021-02"]);
    expect(milestonesPerMonth([]).months).toEqual([]);
  });
});
