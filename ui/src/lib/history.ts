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
