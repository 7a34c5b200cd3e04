// What the window needs before its first frame: the words for stored codes, the seed's date,
// the open file and the preferences. Asked for together, before the app is mounted, so the
// dashboard is drawn once with labels and file name instead of being redrawn as each answer
// arrives behind the dashboard's own rendering (measured: the last of four chained calls
// landed ~0.8 s after the first on a warm launch). The dashboard then asks its summary,
// milestones and targets together, so the first frame is the finished dashboard; ECharts
// (three quarters of the script) is a chunk of its own, loaded when the chart scrolls into
// view; the portfolio summary is asked once per as-of date and revision (app_state's
// portfolioSummary), as the open file answers one request at a time. Measured with
// scripts/bench-launch.sh.

import type { OpenFileInfo, PreferencesView, VocabularyLabels } from "../bindings";
import { call, commands } from "./backend";

export type Startup = {
  labels: VocabularyLabels | null;
  /** The sample's date when the open file is the sample portfolio. */
  sampleAsOf: string | null;
  /** The name changes are stamped with was never chosen: ask for it. */
  askName: boolean;
  language: "zh" | "en";
  file: OpenFileInfo | null;
  staleLockHours: number | null;
  /** The first failure, shown once the window is up. */
  problem: unknown;
};

export async function loadStartup(): Promise<Startup> {
  const [labels, sampleAsOf, file, prefs] = await Promise.allSettled([
    commands.vocabularyLabels(),
    call(commands.sampleAsOf()),
    call(commands.openFileInfo()),
    call(commands.preferences()),
  ]);
  const value = <T>(r: PromiseSettledResult<T>): T | null => (r.status === "fulfilled" ? r.value : null);
  // A preferences problem is reported by the preferences dialog; the others are shown now.
  const failed = [labels, sampleAsOf, file].find((r) => r.status === "rejected");
  const preferences = value(prefs);
  return {
    labels: value(labels),
    sampleAsOf: value(sampleAsOf),
    askName: preferences !== null && preferences.author === "",
    language: preferences?.language ?? "zh",
    file: value(file),
    staleLockHours: value(prefs)?.stale_lock_hours ?? null,
    problem: failed?.status === "rejected" ? failed.reason : null,
  };
}
