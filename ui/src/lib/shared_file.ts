// View logic of shared files: what the read-only banner says, the verify result in words, the
// backup list's labels. Plain functions over the command DTOs, tested with Vitest.

import type { BackupEntry, BackupKind, FindingKind, OpenFileInfo, VerifyOutcome } from "../bindings";
import type { Locale } from "./dates";
import { translate, type MessageKey } from "./i18n";

/** `2021-06-11 09:30` → `2021年6月11日 09:30` in Chinese; as is in English. */
export function formatSince(since: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(since);
  if (!m || locale !== "zh") return since;
  const date = `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
  return m[4] ? `${date} ${m[4]}` : date;
}

export interface ReadOnlyNotice {
  /** Why the file is read-only, one sentence. */
  headline: string;
  /** Who is editing it now, when someone else is and the headline does not say so already. */
  editor: string;
  /** The lock is stale: show "break the lock". */
  canBreak: boolean;
  /** Offer "open for editing again" (the reason may have gone). */
  canEditAgain: boolean;
}

/** What the read-only banner says about `file`; null when the file is open for editing. */
export function readOnlyNotice(file: OpenFileInfo | null, locale: Locale, staleHours = 12): ReadOnlyNotice | null {
  if (!file || !file.read_only) return null;
  const h = file.lock_holder;
  const who = h ? { user: h.user, machine: h.machine, since: formatSince(h.since, locale) } : null;
  let headline: string;
  switch (file.read_only_reason) {
    case "locked_by_other":
      headline = who ? translate(locale, "ro_locked", who) : translate(locale, "error_locked");
      break;
    case "not_writable":
      headline = translate(locale, "ro_not_writable");
      break;
    default:
      headline = translate(locale, "ro_chosen");
  }
  const editor =
    who && file.read_only_reason !== "locked_by_other" ? translate(locale, "ro_editor_now", who) : "";
  const stale = h?.stale ?? false;
  return {
    headline: stale ? `${headline} ${translate(locale, "ro_stale", { hours: staleHours })}` : headline,
    editor,
    canBreak: stale,
    // Editing again makes sense once the editor is gone, or when read-only was a choice.
    canEditAgain: file.read_only_reason === "chosen" ? !h || stale : file.read_only_reason === "locked_by_other",
  };
}

/** The verify dialog's result in words. */
export interface VerifySummary {
  ok: boolean;
  headline: string;
  /** The first broken link or changed row, in words. */
  first: string;
  /** Further problems listed below the first. */
  rest: string[];
  /** "n more not shown", or empty. */
  more: string;
}

/** English headings of the core's findings (its sentences are Chinese, kept as the detail). */
const EN_KINDS: Record<FindingKind, string> = {
  integrity: "SQLite's integrity check failed",
  broken_link: "The change log's hash chain is broken",
  row_changed: "A row was changed outside KeyWorks",
  row_missing: "A row was deleted outside KeyWorks",
  row_unlogged: "A row was written outside KeyWorks",
  photo_changed: "A stored photo was changed outside KeyWorks",
};

function problemText(kind: FindingKind, text: string, locale: Locale): string {
  if (locale === "zh") return text;
  const heading = EN_KINDS[kind];
  return `${heading}: ${text}`;
}

export function verifySummary(v: VerifyOutcome, locale: Locale): VerifySummary {
  if (v.ok) {
    return {
      ok: true,
      headline: translate(locale, "verify_ok", { log: v.log_rows, rows: v.rows_checked }),
      first: "",
      rest: [],
      more: "",
    };
  }
  const texts = v.problems.map((p) => problemText(p.kind, p.text, locale));
  const hidden = v.problem_count - v.problems.length;
  return {
    ok: false,
    headline: translate(locale, "verify_bad", { n: v.problem_count }),
    first: texts[0] ?? "",
    rest: texts.slice(1),
    more: hidden > 0 ? translate(locale, "verify_more", { n: hidden }) : "",
  };
}

const BACKUP_KIND_KEYS: Record<BackupKind, MessageKey> = {
  before_upgrade: "backup_before_upgrade",
  before_restore: "backup_before_restore",
  on_demand: "backup_on_demand",
};

export function backupKindLabel(kind: BackupKind, locale: Locale): string {
  return translate(locale, BACKUP_KIND_KEYS[kind]);
}

/** `1.2 MB`, `840 KB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The confirmation sentence before a restore. */
export function restoreQuestion(b: Pick<BackupEntry, "file_name" | "written">, locale: Locale): string {
  return translate(locale, "restore_confirm", { name: b.file_name, when: formatSince(b.written, locale) });
}
