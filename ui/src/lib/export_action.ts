// One export, from File → 导出 (the whole portfolio) or the project view (one project): the
// system's save dialog, then the file in the UI's language with the as-of date every view uses.

import type { TableExport } from "../bindings";
import { call, commands } from "./backend";
import { app, showError, t } from "./app_state.svelte";

/** Exports project `code` (the whole portfolio when null); the notice says where. */
export async function exportTable(code: string | null, what: TableExport): Promise<void> {
  try {
    const path = await call(commands.chooseExportPath(code, what, app.asOf));
    if (path === null) return;
    const written = await call(commands.exportTable(code, what, app.locale, app.asOf, path));
    app.notice = t("exported", { path: written.path, n: written.rows });
  } catch (e) {
    showError(e);
  }
}
