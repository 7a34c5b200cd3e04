import { mount } from "svelte";
import App from "./App.svelte";
import { app, primeDashboard, showError } from "./lib/app_state.svelte";
import { loadStartup } from "./lib/startup";
import "./styles.css";

// `npm run dev:mock`: the whole window in a plain browser, on the mock backend (src/mock),
// for UI work without Rust. Never part of a production build (the branch is dropped).
if (import.meta.env.VITE_MOCK_BACKEND) {
  const { installMockBackend } = await import("./mock/backend");
  installMockBackend();
}

const target = document.getElementById("app");
if (target) {
  void loadStartup().then((startup) => {
    app.labels = startup.labels;
    app.sampleAsOf = startup.sampleAsOf;
    app.locale = startup.language;
    // The sample portfolio describes 2021-06-11: as of today all its milestones would be
    // years late. It opens on its own date, with a notice and a way back to today.
    app.asOf = startup.asOf;
    app.file = startup.file;
    if (startup.dashboard) primeDashboard(startup.asOf, startup.dashboard);
    if (startup.problem) showError(startup.problem);
    mount(App, { target, props: { staleLockHours: startup.staleLockHours, askName: startup.askName } });
  }).catch((e: unknown) => {
    // Never a blank window: the app comes up with what went wrong, and the menus still work.
    showError(e);
    mount(App, { target, props: { staleLockHours: null, askName: false } });
  });
}
