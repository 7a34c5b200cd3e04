// The words of the import and export dialogs: how far an MS Project import is, what a milestone
// CSV would change (one line per changed row), and why 应用 is not possible. What an import
// changes is decided by the core; these functions only say it.

import type { CsvPreview, ImportOutcome, MspdiImportProgress, MspdiImportResult, PlannedRow, TableExport } from "../bindings";
import type { Locale } from "./dates";
import { translate, type MessageKey } from "./i18n";

/** The progress bar: a percentage (none while the file is read: the bar then just moves) and
 *  the phase in words. */
export interface ProgressView {
  percent: number | null;
  text: string;
}

export function progressView(p: MspdiImportProgress | null, locale: Locale, cancelling: boolean): ProgressView {
  if (cancelling) return { percent: p?.fraction == null ? null : Math.round(p.fraction * 100), text: translate(locale, "import_cancelling") };
  if (!p || p.phase === "reading" || p.fraction === null) return { percent: null, text: translate(locale, "import_reading") };
  const percent = Math.min(100, Math.max(0, Math.round(p.fraction * 100)));
  if (p.phase === "done") return { percent: 100, text: translate(locale, "import_done") };
  return { percent, text: translate(locale, "import_writing", { done: p.rows_done, total: p.rows_total }) };
}

type Imported = Extract<MspdiImportResult, { outcome: "imported" }>;

/** The notice after an import: what was created, then anything the file had that was not kept. */
export function importedText(r: Imported, locale: Locale): string {
  const said = translate(locale, "import_imported", {
    code: r.code,
    name: r.name,
    tasks: r.tasks,
    milestones: r.milestones,
    links: r.links,
  });
  if (r.warnings.length === 0) return said;
  const sep = locale === "zh" ? "；" : "; ";
  return `${said} ${translate(locale, "import_warnings", { text: r.warnings.join(sep) })}`;
}

/** One changed row of the preview as the dialog lists it. */
export interface PreviewLine {
  line: number;
  project: string;
  milestone: string;
  change: string;
}

function changeText(row: PlannedRow, locale: Locale): string | null {
  const c = row.change;
  const sep = locale === "zh" ? "；" : "; ";
  const noted = (text: string, note: string) => (note ? `${text}${locale === "zh" ? `（${note}）` : ` (${note})`}` : text);
  switch (c.kind) {
    case "unchanged":
      return null;
    case "new": {
      let s = translate(locale, "csv_new", { due: c.due });
      if (c.done) s += translate(locale, "csv_new_done", { date: c.done });
      return noted(s, c.note);
    }
    case "update": {
      const parts: string[] = [];
      if (c.due) parts.push(translate(locale, "csv_due_moved", { from: c.due.from, to: c.due.to }));
      if (c.done) {
        const s = c.done.from
          ? translate(locale, "csv_done_moved", { from: c.done.from, to: c.done.to })
          : translate(locale, "csv_marked_done", { to: c.done.to });
        parts.push(noted(s, c.done.note));
      }
      return parts.join(sep);
    }
  }
}

/** The rows that change something, in file order (unchanged rows are only counted). */
export function previewLines(p: CsvPreview, locale: Locale): PreviewLine[] {
  const lines: PreviewLine[] = [];
  for (const row of p.preview.rows) {
    const change = changeText(row, locale);
    if (change === null) continue;
    lines.push({ line: row.line, project: row.project_code, milestone: row.name, change });
  }
  return lines.sort((a, b) => a.line - b.line);
}

/** The headline over the list. */
export function previewSummary(p: CsvPreview, locale: Locale): string {
  return translate(locale, "csv_summary", {
    file: p.file_name,
    encoding: p.encoding,
    new: p.new_count,
    updated: p.update_count,
    unchanged: p.unchanged_count,
    problems: p.preview.problems.length,
  });
}

/** Why 应用 is disabled, or null when the preview can be applied. */
export function applyBlocked(p: CsvPreview, readOnly: boolean, locale: Locale): string | null {
  if (p.preview.problems.length > 0) return translate(locale, "csv_blocked_problems", { n: p.preview.problems.length });
  if (p.new_count + p.update_count === 0) return translate(locale, "csv_nothing");
  if (readOnly) return translate(locale, "csv_blocked_read_only");
  return null;
}

/** The notice after 应用. */
export function appliedText(o: ImportOutcome, locale: Locale): string {
  return translate(locale, "csv_applied", { created: o.created.length, updated: o.updated.length, unchanged: o.unchanged });
}

/** The button that writes each export, in the order the project view shows them. */
export const EXPORT_BUTTONS: { what: TableExport; key: MessageKey; hint: MessageKey; testid: string }[] = [
  { what: "workbook", key: "export_xlsx", hint: "export_xlsx_hint", testid: "export-xlsx" },
  { what: "milestone_csv", key: "export_csv", hint: "export_csv_hint", testid: "export-csv" },
  { what: "milestone_calendar", key: "export_ics", hint: "export_ics_hint", testid: "export-ics" },
];
