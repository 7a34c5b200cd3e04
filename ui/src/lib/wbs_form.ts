// The project view's choices around a WBS edit: where a new task goes, which row to select
// after a delete, how the delete question is put. Plain functions over the tasks as shown.

import type { Task } from "../bindings";
import type { TreeRow } from "./gantt";

/**
 * Where 添加任务 / Insert puts a new task when `selected` is the selected row: beside it, under
 * the same parent, right after it (and its subtasks), as MS Project's Insert does. It never
 * turns the selected task into a summary: that would wipe its dates and progress. With
 * nothing selected: last at the top level.
 */
export function newTaskPlacement(selected: Task | null): { parent: number | null; after: number | null } {
  if (!selected) return { parent: null, after: null };
  return { parent: selected.parent_id, after: selected.id };
}

/** How many tasks sit below `id` (its subtasks, theirs, …). */
export function descendantCount(tasks: readonly Task[], id: number): number {
  const children = new Map<number, number[]>();
  for (const t of tasks) {
    if (t.parent_id !== null) children.set(t.parent_id, [...(children.get(t.parent_id) ?? []), t.id]);
  }
  let n = 0;
  const stack = [...(children.get(id) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    n += 1;
    stack.push(...(children.get(next) ?? []));
  }
  return n;
}

/**
 * The row to select once `id` and its subtasks are deleted: the row that follows them, else
 * the one above, so the keyboard goes on from where the person was.
 */
export function neighbourAfterDelete(rows: readonly TreeRow[], id: number): number | null {
  const index = rows.findIndex((r) => r.task.id === id);
  if (index < 0) return null;
  const gone = new Set([id]);
  // Pre-order: the subtree is the run of rows whose parent is already gone.
  let end = index + 1;
  while (end < rows.length) {
    const parent = rows[end]!.task.parent_id;
    if (parent === null || !gone.has(parent)) break;
    gone.add(rows[end]!.task.id);
    end += 1;
  }
  return rows[end]?.task.id ?? rows[index - 1]?.task.id ?? null;
}
