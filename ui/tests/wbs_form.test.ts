import { describe, expect, it } from "vitest";
import { visibleTree } from "../src/lib/gantt";
import { descendantCount, neighbourAfterDelete, newTaskPlacement } from "../src/lib/wbs_form";
import { task } from "./fixtures";

// 1 总装 (summary) › 2 装配线安装调试, 3 设备验收 ◆; 4 试生产 (summary) › 5 首批试产
const plan = [
  task({ id: 1, name: "总装", parent_id: null, position: 1 }),
  task({ id: 2, name: "装配线安装调试", parent_id: 1, position: 2, percent_complete: 35 }),
  task({ id: 3, name: "设备验收", parent_id: 1, position: 3, is_milestone: true }),
  task({ id: 4, name: "试生产", parent_id: null, position: 4 }),
  task({ id: 5, name: "首批试产", parent_id: 4, position: 5 }),
];

describe("where a new task goes", () => {
  it("lands beside the selected task, under its parent, never under the task itself", () => {
    // The bug: the dialog's parent defaulted to the selected task, which turned
    // 装配线安装调试 (35 %) into an empty summary.
    expect(newTaskPlacement(plan[1]!)).toEqual({ parent: 1, after: 2 });
    expect(newTaskPlacement(plan[0]!)).toEqual({ parent: null, after: 1 });
    expect(newTaskPlacement(plan[2]!)).toEqual({ parent: 1, after: 3 });
    expect(newTaskPlacement(null)).toEqual({ parent: null, after: null });
  });
});

describe("deleting from the tree", () => {
  it("counts what goes with a task and asks accordingly", () => {
    expect(descendantCount(plan, 1)).toBe(2);
    expect(descendantCount(plan, 2)).toBe(0);
    expect(descendantCount(plan, 4)).toBe(1);
  });

  it("selects the row after the deleted subtree, else the one above", () => {
    const rows = visibleTree(plan, new Set());
    expect(neighbourAfterDelete(rows, 2)).toBe(3);
    expect(neighbourAfterDelete(rows, 1)).toBe(4);
    expect(neighbourAfterDelete(rows, 4)).toBe(3);
    expect(neighbourAfterDelete(rows, 5)).toBe(4);
    expect(neighbourAfterDelete(rows, 99)).toBeNull();
  });
});
