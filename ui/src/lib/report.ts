// The Report button's words and defaults. The report itself (content, layout, file name
// suggested in the save dialog) is keyworks-report's, the same as `keyworks report weekly`.

import type { ReportWritten } from "../bindings";
import { formatWeek, isoWeekText, parseWeekText, type Locale } from "./dates";

/** The week the picker starts on: the one containing the as-of date every view uses. */
export function defaultReportWeek(asOf: string): string {
  return isoWeekText(asOf);
}

/** Whether the picker's text is an ISO week the core will take ("2021-W23"). */
export function isReportWeek(text: string): boolean {
  return parseWeekText(text) !== null;
}

/** "KB" rounded up, as the CLI prints it. */
export function sizeText(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** The success message: which week, where, how many pages, how big. */
export function reportDoneText(r: ReportWritten, locale: Locale): string {
  if (locale === "zh") return `已生成${formatWeek(r.week, locale, true)}周报：${r.path}，共 ${r.pages} 页，${sizeText(r.bytes)}。`;
  return `Weekly report for ${formatWeek(r.week, locale, true)} saved to ${r.path}: ${r.pages} page${r.pages === 1 ? "" : "s"}, ${sizeText(r.bytes)}.`;
}

/** The month the monthly report's picker starts on: the one before the as-of date's, the last
 *  whole month. */
export function defaultReportMonth(asOf: string): string {
  const y = Number(asOf.slice(0, 4));
  const m = Number(asOf.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** Whether the text is a month the core will take ("2021-05"). */
export function isReportMonth(text: string): boolean {
  const m = /^(\d{4})-(\d{1,2})$/.exec(text.trim());
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}
