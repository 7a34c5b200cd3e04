// What the top bar says of an offline replica, and what the merge dialog sends: plain
// functions, so that they are tested without a window.

import type { Choice, Conflict, ConflictDecision, ConflictKind, SyncStatus } from "../bindings";
import type { MessageKey } from "./i18n";
import { formatShortDate, type Locale } from "./dates";

/** 12月3日 09:30 / 3 Dec 09:30, from an RFC 3339 time stamped on this computer's clock. */
export function syncTime(at: string, locale: Locale): string {
  return `${formatShortDate(at.slice(0, 10), locale)} ${at.slice(11, 16)}`;
}

/** Whether the open file is a replica (it has a hub to sync with). */
export function isReplica(status: SyncStatus | null): status is SyncStatus & { hub_path: string } {
  return status !== null && status.hub_path !== null;
}

export const CONFLICT_WORDS: Record<ConflictKind, MessageKey> = {
  both_changed: "conflict_both_changed",
  changed_deleted: "conflict_changed_deleted",
  deleted_changed: "conflict_deleted_changed",
  duplicate: "conflict_duplicate",
  parent_deleted: "conflict_parent_deleted",
  breaks_rule: "conflict_breaks_rule",
};

/** The decisions to send: one per conflict, in the list's order; null while one is open. */
export function decisionsFor(conflicts: Conflict[], chosen: Record<string, Choice | undefined>): ConflictDecision[] | null {
  const out: ConflictDecision[] = [];
  for (const c of conflicts) {
    const choice = chosen[c.key];
    if (!choice) return null;
    out.push({ key: c.key, choice });
  }
  return out;
}

/** How many conflicts still have no choice. */
export function undecided(conflicts: Conflict[], chosen: Record<string, Choice | undefined>): number {
  return conflicts.filter((c) => !chosen[c.key]).length;
}
