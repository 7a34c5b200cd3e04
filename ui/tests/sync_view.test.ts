import { describe, expect, it } from "vitest";
import type { Conflict } from "../src/bindings";
import { decisionsFor, isReplica, syncTime, undecided } from "../src/lib/sync_view";

const c = (key: string): Conflict => ({
  key, kind: "duplicate", project: "KP21-01", table: "weekly_updates", row_id: 7, row: "2021-W24",
  field: null, field_label: null, hub_value: "王工：主体封顶", mine_value: "刘工：外墙施工",
  hub_author: "王工", hub_at: "2021-06-18T17:00:00+08:00", mine_author: "刘工", mine_at: "2021-06-21T09:05:00+08:00",
});

describe("sync view", () => {
  it("says a sync time in the window's language, on the clock it was stamped with", () => {
    expect(syncTime("2021-06-21T09:05:00+08:00", "zh")).toBe("6月21日 09:05");
    expect(syncTime("2021-06-21T09:05:00+08:00", "en")).toBe("21 Jun 09:05");
  });

  it("knows a replica by its hub", () => {
    expect(isReplica(null)).toBe(false);
    expect(isReplica({ file_id: "x", hub_path: null, last_sync_at: null, pending_changes: 0 })).toBe(false);
    expect(isReplica({ file_id: "x", hub_path: "H:\\共享.sqlite", last_sync_at: null, pending_changes: 1 })).toBe(true);
  });

  it("sends decisions only when every conflict has one, in the list's order", () => {
    const list = [c("a"), c("b")];
    expect(decisionsFor(list, { a: "keep_hub" })).toBeNull();
    expect(undecided(list, { a: "keep_hub" })).toBe(1);
    expect(decisionsFor(list, { b: "take_mine", a: "keep_hub" })).toEqual([
      { key: "a", choice: "keep_hub" },
      { key: "b", choice: "take_mine" },
    ]);
  });
});
