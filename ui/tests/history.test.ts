import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../src/bindings";
import { groupByTransaction } from "../src/lib/history";
import { translate } from "../src/lib/i18n";

function change(over: Partial<ChangeRecord>): ChangeRecord {
  return {
    id: 1,
    at: "2021-06-11T09:30:00+08:00",
    author: "王工",
    op: "update",
    table_name: "tasks",
    row_id: 9,
    changes: { name: ["a", "b"] },
    tx_id: null,
    undoes_tx: null,
    undoes_author: null,
    undoes_at: null,
    undone_by_tx: null,
    ...over,
  };
}

describe("History grouped by transaction", () => {
  // Newest first, as change_log returns them: an undo (tx 20) of a two-row move (tx 10), an
  // older edit (tx 5) and a row from before transactions were recorded.
  const log = [
    change({ id: 21, tx_id: 20, undoes_tx: 10, undoes_author: "王工", undoes_at: "2021-06-11T09:30:00+08:00", at: "2021-06-11T11:15:00+08:00" }),
    change({ id: 20, tx_id: 20, undoes_tx: 10, undoes_author: "王工", undoes_at: "2021-06-11T09:30:00+08:00", at: "2021-06-11T11:15:00+08:00" }),
    change({ id: 11, tx_id: 10, undone_by_tx: 20 }),
    change({ id: 10, tx_id: 10, undone_by_tx: 20 }),
    change({ id: 5, tx_id: 5, author: "李工" }),
    change({ id: 3, tx_id: null }),
    change({ id: 2, tx_id: null }),
  ];

  it("puts one transaction's rows together and keeps older rows apart", () => {
    const groups = groupByTransaction(log);
    expect(groups.map((g) => g.records.map((r) => r.id))).toEqual([[21, 20], [11, 10], [5], [3], [2]]);
    expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length);
  });

  it("says what an undo reverted and marks the reverted edit undone", () => {
    const [undo, edit, other] = groupByTransaction(log);
    expect(undo?.undoes).toEqual({ author: "王工", at: "2021-06-11T09:30:00+08:00" });
    expect(undo?.undone).toBe(false);
    expect(edit?.undoes).toBeNull();
    expect(edit?.undone).toBe(true);
    expect(other?.undone).toBe(false);
    expect(other?.undoes).toBeNull();
  });

  it("names the undone edit in both languages", () => {
    expect(translate("zh", "history_undid", { author: "王工", time: "2021-06-11 09:30" })).toBe("撤销了 王工 于 2021-06-11 09:30 的修改");
    expect(translate("en", "history_undid", { author: "王工", time: "2021-06-11 09:30" })).toBe("Undid 王工's edit of 2021-06-11 09:30");
  });

  it("starts a new group when the same transaction comes back after another", () => {
    // Cannot happen with one writer at a time; the keys must still differ so the view renders.
    const groups = groupByTransaction([change({ id: 3, tx_id: 1 }), change({ id: 2, tx_id: 2 }), change({ id: 1, tx_id: 1 })]);
    expect(groups).toHaveLength(3);
    expect(new Set(groups.map((g) => g.key)).size).toBe(3);
  });
});
