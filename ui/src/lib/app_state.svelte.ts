// What every view shares: language, the as-of date, the open file, the words for stored codes,
// the current view, and the one error or notice on screen.

import type { Dashboard, ErrorCode, OpenFileInfo, PortfolioSummary, VocabularyLabels } from "../bindings";
import { UserError, call, commands } from "./backend";
import { localToday, type Locale } from "./dates";
import { describeError, translate, type MessageKey, type ShownError } from "./i18n";

export type View = "dashboard" | "project" | "milestones" | "updates" | "history";

class AppState {
  locale = $state<Locale>("zh");
  /** The day "today" means in every view: the real date unless the user picks another. */
  asOf = $state(localToday());
  /** The date the sample portfolio describes, when the open file is that sample. */
  sampleAsOf = $state<string | null>(null);
  labels = $state<VocabularyLabels | null>(null);
  file = $state<OpenFileInfo | null>(null);
  view = $state<View>("dashboard");
  projectCode = $state<string | null>(null);
  error = $state<ShownError | null>(null);
  notice = $state<string | null>(null);
  /** A button beside the notice, e.g. 撤销 after a bulk completion. */
  noticeAction = $state<{ label: string; run: () => void } | null>(null);
  /** Bumped after every edit and file switch: views reload what they show. */
  revision = $state(0);
  /** The open file cannot be changed (auditor mode, someone else's edit lock, a read-only
   *  file): views disable every edit control. The core refuses edits anyway. */
  get readOnly(): boolean {
    return this.file?.read_only ?? false;
  }
}

export const app = new AppState();

export function t(key: MessageKey, values?: Record<string, string | number>): string {
  return translate(app.locale, key, values);
}

type Vocabulary = "categories" | "stages" | "statuses" | "link_kinds";

/** The word for a stored code in the current language (the code itself until labels load). */
export function label(vocabulary: Vocabulary, code: string): string {
  const found = app.labels?.[vocabulary].find((l) => l.code === code);
  return found ? found[app.locale] : code;
}

/** Shows an error: a core error by its code, anything else as an unexpected failure. */
export function showError(e: unknown): void {
  if (e instanceof UserError) {
    app.error = describeError(app.locale, e.code, e.detail);
  } else {
    const detail = e instanceof Error ? e.message : String(e);
    app.error = { title: t("error_internal"), sentence: t("error_unexpected", { detail }), detail: "" };
  }
}

export function showCoreError(code: ErrorCode, message: string): void {
  app.error = describeError(app.locale, code, message);
}

/** An error as one line, for a dialog or form to show where the person is looking. */
export function errorText(e: unknown): string {
  if (e instanceof UserError) {
    const shown = describeError(app.locale, e.code, e.detail);
    return [shown.title + t("colon") + shown.sentence, shown.detail].filter(Boolean).join(" ");
  }
  return t("error_unexpected", { detail: e instanceof Error ? e.message : String(e) });
}

/** An edit succeeded: views reload, and what an earlier action said (an error, a notice) is
 *  no longer news, so it goes; the action's own notice is set after this. */
export function changed(): void {
  app.revision += 1;
  app.error = null;
  app.notice = null;
  app.noticeAction = null;
}

/** Reverts the user's last edit in this file (the core picks it and refuses when a colleague
 *  has since changed the same rows); the notice says what was undone. */
export async function undoLastEdit(): Promise<void> {
  const u = await call(commands.undoLastEdit(app.locale));
  changed();
  app.notice = t("undone_what", { what: u.gist.text, author: u.author, time: u.time });
}

/** Today as far as completion dates go: no later than the real today, which the core enforces. */
export function latestDoneDate(): string {
  const today = localToday();
  return app.asOf < today ? app.asOf : today;
}

let summaryAsked: { asOf: string; revision: number; answer: Promise<PortfolioSummary> } | null = null;

/** The portfolio summary as of `asOf`, asked for once per date and revision: the dashboard, the
 *  project view and the weekly update all show it, and the file answers one request at a time,
 *  so a repeated request would only delay the project's own load (the Gantt's first paint).
 *  Its arrival also picks the first project, so the project tab opened from the dashboard
 *  starts loading at once. */
export function portfolioSummary(asOf: string): Promise<PortfolioSummary> {
  if (!summaryAsked || summaryAsked.asOf !== asOf || summaryAsked.revision !== app.revision) {
    const answer = call(commands.portfolioSummary(asOf)).then((s) => {
      // The project views open on the first project until one is chosen.
      app.projectCode ??= s.projects[0]?.code ?? null;
      return s;
    });
    summaryAsked = { asOf, revision: app.revision, answer };
    // A failure is not kept: the next view asks again.
    answer.catch(() => {
      if (summaryAsked?.answer === answer) summaryAsked = null;
    });
  }
  return summaryAsked.answer;
}

let dashboardAsked: { asOf: string; revision: number; answer: Promise<Dashboard> } | null = null;

function keepSummary(asOf: string, answer: Promise<Dashboard>): void {
  const summary = answer.then((d) => {
    app.projectCode ??= d.summary.projects[0]?.code ?? null;
    return d.summary;
  });
  summaryAsked = { asOf, revision: app.revision, answer: summary };
  summary.catch(() => {
    if (summaryAsked?.answer === summary) summaryAsked = null;
  });
}

/** The dashboard as of `asOf` (summary, milestones, targets in one request), asked for once
 *  per date and revision; its summary serves portfolioSummary too. */
export function dashboardOf(asOf: string): Promise<Dashboard> {
  if (!dashboardAsked || dashboardAsked.asOf !== asOf || dashboardAsked.revision !== app.revision) {
    const answer = call(commands.dashboard(asOf));
    dashboardAsked = { asOf, revision: app.revision, answer };
    keepSummary(asOf, answer);
    answer.catch(() => {
      if (dashboardAsked?.answer === answer) dashboardAsked = null;
    });
  }
  return dashboardAsked.answer;
}

let dashboardAtStart: { asOf: string; revision: number; dashboard: Dashboard } | null = null;

/** The dashboard that came with the window's start (window_start), so the first frame needs
 *  no request of its own. */
export function primeDashboard(asOf: string, dashboard: Dashboard): void {
  const answer = Promise.resolve(dashboard);
  dashboardAsked = { asOf, revision: app.revision, answer };
  dashboardAtStart = { asOf, revision: app.revision, dashboard };
  keepSummary(asOf, answer);
}

/** That dashboard, while the date and the file are still those it was read for: the dashboard
 *  is then drawn with it from the start, in one pass. */
export function dashboardAtStartFor(asOf: string): Dashboard | null {
  const d = dashboardAtStart;
  return d && d.asOf === asOf && d.revision === app.revision ? d.dashboard : null;
}
