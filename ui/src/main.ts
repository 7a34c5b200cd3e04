import { mount } from "svelte";
import App from "./App.svelte";
import { app, showError } from "./lib/app_state.svelte";
import { loadStartup } from "./lib/startup";
import "./styles.css";

const target = document.getElementById("app");
if (target) {
  void loadStartup().then((startup) => {
    app.labels = startup.labels;
    app.seedAsOf = startup.seedAsOf;
    app.file = startup.file;
    if (startup.problem) showError(startup.problem);
    mount(App, { target, props: { staleLockHours: startup.staleLockHours } });
  });
}
