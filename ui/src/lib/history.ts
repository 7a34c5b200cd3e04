// The History view's reading of change-log rows: which fields changed from what to what, and a
// name for the row when the change carries one.

import type { ChangeRecord, Value } from "../bindings";
import { FIELD_NAMES } from "./i18n";
import type { Locale } from "./dates";

export interface FieldChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

function show(v: Value | undefined): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return v ? "✓" : "✗";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The fields of a change, before → after; for inserts and deletes only the side that exists. */
export function fieldChanges(record: ChangeRecord, locale: Locale): FieldChange[] {
  const changes = record.changes;
  if (changes === null || typeof changes !== "object" || Array.isArray(changes)) return [];
  return Object.entries(changes as Record<string, Value>).flatMap(([field, pair]) => {
    if (!Array.isArray(pair) || pair.length !== 2) return [];
    const [before, after] = pair;
    // An insert lists every field; empty ones say nothing.
    if (record.op === "insert" && (after === null || after === "")) return [];
    if (record.op === "delete" && (before === null || before === "")) return [];
    return [{ field, label: FIELD_NAMES[field]?.[locale] ?? field, before: show(before), after: show(after) }];
  });
}

/** The row's name if the change records it (inserts, deletes, renames). */
export function subjectOf(record: ChangeRecord): string {
  const changes = record.changes as Record<string, Value> | null;
  const name = changes && !Array.isArray(changes) && typeof changes === "object" ? changes["name"] : undefined;
  if (Array.isArray(name)) return show(name[1] ?? null) !== "—" ? show(name[1] ?? null) : show(name[0] ?? null);
  return "";
}

/** The rows one user transaction wrote, as the History shows them together. */
export interface ChangeGroup {
  /** Unique among the groups shown: the transaction and its first row shown. */
  key: string;
  records: ChangeRecord[];
  /** For an undo: whose edit, made when, it reverted (null when the file no longer says). */
  undoes: { author: string | null; at: string | null } | null;
  /** The edit was reverted by a later undo. */
  undone: boolean;
}

/**
 * Consecutive rows of one transaction (tx_id), in the order given. A transaction's rows are
 * written together, so they are neighbours in the log; rows from before transactions were
 * recorded (tx_id null) stand alone.
 */
export function groupByTransaction(records: readonly ChangeRecord[]): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  let current: ChangeGroup | null = null;
  let currentTx: number | null = null;
  for (const r of records) {
    if (current && r.tx_id !== null && r.tx_id === currentTx) {
      current.records.push(r);
      continue;
    }
    current = {
      key: r.tx_id === null ? `row-${r.id}` : `tx-${r.tx_id}-${r.id}`,
      records: [r],
      undoes: r.undoes_tx === null ? null : { author: r.undoes_author, at: r.undoes_at },
      undone: r.undone_by_tx !== null,
    };
    currentTx = r.tx_id;
    groups.push(current);
  }
  return groups;
}
