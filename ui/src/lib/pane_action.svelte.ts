// A project pane's write (投资, 前期手续, 问题台账): busy while it runs, so the pane's fields are
// disabled; on success the views reload and the notice says what was saved; on failure the
// core's sentence stands beside the form. One rule for every pane.

import { app, changed, errorText } from "./app_state.svelte";

export class PaneAction {
  busy = $state(false);
  problem = $state<string | null>(null);

  /** Runs `action`, which answers the notice to show. */
  async run(action: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.problem = null;
    try {
      const notice = await action();
      changed();
      app.notice = notice;
    } catch (e) {
      this.problem = errorText(e);
    } finally {
      this.busy = false;
    }
  }
}
