import { describe, expect, it } from "vitest";
import { filterMilestones, groupMilestones } from "../src/lib/milestone_groups";
import { MESSAGES_EN, describeError, translate } from "../src/lib/i18n";
import { milestone } from "./fixtures";

describe("Milestones view groups", () => {
  it("splits by the core's state, then this week and next week around the as-of day", () => {
    const asOf = "2021-06-11"; // Friday of week 23
    const g = groupMilestones(
      [
        milestone({ id: 1, due: "2021-06-01", state: "overdue", days_late: 10 }),
        milestone({ id: 2, due: "2021-05-20", state: "overdue", days_late: 22 }),
        milestone({ id: 3, due: "2021-06-13" }),
        milestone({ id: 4, due: "2021-06-14" }),
        milestone({ id: 5, due: "2021-06-20" }),
        milestone({ id: 6, due: "2021-06-21" }),
        milestone({ id: 7, due: "2021-06-02", actual: "2021-06-02", state: "done" }),
      ],
      asOf,
    );
    expect(g.overdue.map((m) => m.id)).toEqual([2, 1]);
    expect(g.thisWeek.map((m) => m.id)).toEqual([3]);
    expect(g.nextWeek.map((m) => m.id)).toEqual([4, 5]);
    expect(g.later.map((m) => m.id)).toEqual([6]);
    expect(g.done.map((m) => m.id)).toEqual([7]);
  });
});

describe("messages", () => {
  it("writes English with English punctuation", () => {
    for (const key of Object.keys(MESSAGES_EN) as (keyof typeof MESSAGES_EN)[]) {
      expect(translate("en", key), key).not.toMatch(/[：；，。「」（）？！]/);
    }
    expect(translate("en", "colon")).toBe(": ");
    expect(translate("zh", "colon")).toBe("：");
  });

  it("fills placeholders and switches language", () => {
    expect(translate("zh", "due_soon", { n: 14 })).toBe("未来 14 天到期");
    expect(translate("en", "due_soon", { n: 14 })).toBe("Due in the next 14 days");
  });

  it("chooses the error's title by its code and keeps the core's sentence", () => {
    const zh = describeError("zh", "read_only", "文件 a.sqlite 是只读的。");
    expect(zh).toEqual({ title: "文件只读", sentence: "文件 a.sqlite 是只读的。", detail: "" });
    const en = describeError("en", "busy", "文件正被其他程序写入。");
    expect(en.title).toBe("File busy");
    expect(en.detail).toBe("文件正被其他程序写入。");
  });
});

describe("Milestones view filters", () => {
  const rows = [
    milestone({ id: 1, project_code: "KP21-01", project_name: "三星二期二阶段", name: "竣工验收备案" }),
    milestone({ id: 2, project_code: "KP21-02", project_name: "比亚迪智能终端", name: "首批设备进场" }),
    milestone({ id: 3, project_code: "KP21-02", project_name: "比亚迪智能终端", name: "竣工验收" }),
  ];
  const unitOf = new Map([
    ["KP21-01", "三星（中国）半导体有限公司"],
    ["KP21-02", "比亚迪股份有限公司"],
  ]);
  const ids = (f: Partial<Parameters<typeof filterMilestones>[1]>) =>
    filterMilestones(rows, { project: "", unit: "", text: "", unitOf, ...f }).map((m) => m.id);

  it("narrows by project, unit and words in any order", () => {
    expect(ids({})).toEqual([1, 2, 3]);
    expect(ids({ project: "KP21-02" })).toEqual([2, 3]);
    expect(ids({ unit: "三星（中国）半导体有限公司" })).toEqual([1]);
    expect(ids({ text: "竣工" })).toEqual([1, 3]);
    expect(ids({ text: "比亚迪 竣工" })).toEqual([3]);
    expect(ids({ text: "kp21-01" })).toEqual([1]);
    expect(ids({ project: "KP21-01", text: "设备" })).toEqual([]);
  });
});
