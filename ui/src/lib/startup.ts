// What the window needs before its first frame, in one request (window_start): the words for
// stored codes, the preferences, the open file and its dashboard on the day it opens on (the
// sample's own date for the sample portfolio). The app is mounted once that answer is in, so
// the first frame is the finished dashboard: no frame of an empty shell, no second wave of
// requests behind it. ECharts is a chunk of its own, loaded when the chart scrolls into view,
// and every other view and dialog is loaded on first use (views/LazyView.svelte).
// Measured with scripts/bench-launch.sh.

import type { Dashboard, OpenFileInfo, VocabularyLabels } from "../bindings";
import { UserError, commands } from "./backend";
import { localToday } from "./dates";

export type Startup = {
  labels: VocabularyLabels;
  /** The sample's date when the open file is the sample portfolio. */
  sampleAsOf: string | null;
  /** The day the window opens on. */
  asOf: string;
  /** The dashboard on that day, when the file could be read. */
  dashboard: Dashboard | null;
  /** The name changes are stamped with was never chosen: ask for it. */
  askName: boolean;
  language: "zh" | "en";
  file: OpenFileInfo | null;
  staleLockHours: number | null;
  /** Why there is no file or no dashboard, shown once the window is up. */
  problem: UserError | null;
};

export async function loadStartup(): Promise<Startup> {
  const today = localToday();
  const s = await commands.windowStart(today);
  return {
    labels: s.labels,
    sampleAsOf: s.opening?.sample_as_of ?? null,
    asOf: s.opening?.as_of ?? today,
    dashboard: s.opening?.dashboard ?? null,
    askName: s.preferences !== null && s.preferences.author === "",
    language: s.preferences?.language ?? "zh",
    file: s.file,
    staleLockHours: s.preferences?.stale_lock_hours ?? null,
    problem: s.problem ? new UserError(s.problem.code, s.problem.message) : null,
  };
}
