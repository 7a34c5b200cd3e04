import { describe, expect, it } from "vitest";
import { groupMilestones } from "../src/lib/milestone_groups";
import { fieldChanges, subjectOf } from "../src/lib/history";
import { describeError, translate } from "../src/lib/i18n";
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

describe("History rows", () => {
  const record = (op: string, changes: unknown) => ({
    id: 1,
    at: "2021-06-11T10:00:00+08:00",
    author: "王工",
    op,
    table_name: "tasks",
    row_id: 9,
    changes: changes as never,
    tx_id: 1,
    undoes_tx: null,
    undoes_author: null,
    undoes_at: null,
    undone_by_tx: null,
  });

  it("shows what changed from what to what, in the user's words", () => {
    const r = record("update", { actual_finish: [null, "2021-06-10"], percent_complete: [0, 100] });
    expect(fieldChanges(r, "zh")).toEqual([
      { field: "actual_finish", label: "实际完成", before: "—", after: "2021-06-10" },
      { field: "percent_complete", label: "完成百分比", before: "0", after: "100" },
    ]);
    expect(fieldChanges(r, "en")[0]?.label).toBe("actual finish");
  });

  it("leaves out an insert's empty fields and names the row", () => {
    const r = record("insert", { name: [null, "试生产许可"], completion_note: [null, ""], is_milestone: [null, true] });
    expect(fieldChanges(r, "zh").map((c) => c.field)).toEqual(["name", "is_milestone"]);
    expect(subjectOf(r)).toBe("试生产许可");
    expect(subjectOf(record("update", { actual_finish: [null, "2021-06-10"] }))).toBe("");
  });
});

describe("messages", () => {
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
