// The views against the mock backend (src/mock/backend.ts): what a person types and clicks
// reaches the backend as the command and arguments it must. No Rust needed.
import { clearMocks } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { app, primeDashboard } from "../src/lib/app_state.svelte";
import { loadStartup } from "../src/lib/startup";
import { FakeFile, installMockBackend } from "../src/mock/backend";
import Dashboard from "../src/views/Dashboard.svelte";
import ProjectView from "../src/views/ProjectView.svelte";
import WeeklyUpdate from "../src/views/WeeklyUpdate.svelte";
import SyncChip from "../src/views/SyncChip.svelte";
import ServerReplicaDialog from "../src/views/ServerReplicaDialog.svelte";
import type { Conflict } from "../src/bindings";

let file: FakeFile;
let view: Record<string, unknown> | null = null;

async function settle(until: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    flushSync();
    if (until()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}\n${document.body.innerHTML.slice(0, 2000)}`);
}

const $ = <T extends Element = HTMLElement>(css: string) => document.querySelector<T>(css);

function type(css: string, text: string) {
  const el = $<HTMLInputElement | HTMLTextAreaElement>(css);
  if (!el) throw new Error(`no ${css}`);
  el.value = text;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

beforeEach(() => {
  file = installMockBackend();
  app.locale = "zh";
  app.asOf = "2021-06-18";
  app.projectCode = null;
  app.revision += 1;
  app.error = null;
  app.notice = null;
  document.body.innerHTML = "";
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  clearMocks();
});

describe("views on the mock backend", () => {
  it("the dashboard lists the portfolio it is given", async () => {
    view = mount(Dashboard, { target: document.body });
    await settle(() => document.querySelectorAll('[data-testid="project-row"]').length === 2, "two project rows");
    expect($('[data-testid="project-row"][data-code="KP21-02"]')?.textContent).toContain("比亚迪智能终端");
    expect(file.calls.filter((c) => c.cmd === "dashboard" && c.args.asOf === "2021-06-18")).toHaveLength(1);
  });

  it("at start one request brings the dashboard, and the dashboard asks nothing more", async () => {
    const startup = await loadStartup();
    expect(file.calls.map((c) => c.cmd)).toEqual(["window_start"]);
    expect(startup.file?.file_name).toBe("keyworks.sqlite");
    app.asOf = startup.asOf;
    if (startup.dashboard) primeDashboard(startup.asOf, startup.dashboard);
    view = mount(Dashboard, { target: document.body });
    await settle(() => document.querySelectorAll('[data-testid="project-row"]').length === 2, "two project rows");
    expect(file.calls.map((c) => c.cmd)).toEqual(["window_start"]);
  });

  it("the weekly update sends the week typed the Chinese way, and asks before replacing a colleague's report", async () => {
    app.projectCode = "KP21-02";
    view = mount(WeeklyUpdate, { target: document.body });
    await settle(() => $('[data-testid="update-item"][data-week="2021-W23"]') !== null, "韩工's W23 report listed");
    type('[data-testid="update-week"]', "2021年第24周");
    type('[data-testid="update-narrative"]', "产线安装调试完成40%。");
    $<HTMLButtonElement>('[data-testid="record-update"]')?.click();
    await settle(() => file.calls.some((c) => c.cmd === "record_update"), "record_update sent");
    const sent = file.calls.find((c) => c.cmd === "record_update")?.args as { code: string; form: { week: string; replaces: unknown } };
    expect(sent.code).toBe("KP21-02");
    expect(sent.form.week).toBe("2021-W24");
    expect(sent.form.replaces).toBeNull();
    await settle(() => (app.notice ?? "").includes("已提交2021年第24周周报"), "the saved notice");

    // W23 has 韩工's report: asked first; 编辑 loads it; the save names the report replaced.
    file.calls = [];
    type('[data-testid="update-week"]', "2021-W23");
    type('[data-testid="update-narrative"]', "另一段文字");
    $<HTMLButtonElement>('[data-testid="record-update"]')?.click();
    await settle(() => $('[data-testid="report-exists"]') !== null, "the question");
    expect(file.calls.some((c) => c.cmd === "record_update")).toBe(false);
    expect($('[data-testid="report-exists"]')?.textContent).toContain("韩工");
    $<HTMLButtonElement>('[data-testid="report-exists-edit"]')?.click();
    await settle(() => $<HTMLTextAreaElement>('[data-testid="update-narrative"]')?.value === "首批SMT设备按计划进场。", "韩工's words in the form");
    $<HTMLButtonElement>('[data-testid="record-update"]')?.click();
    await settle(() => file.calls.some((c) => c.cmd === "record_update"), "the edit sent");
    const edit = file.calls.find((c) => c.cmd === "record_update")?.args as { form: { replaces: unknown } };
    expect(edit.form.replaces).toBe(100);
  });

  it("添加任务 with a task selected sends the selected task's parent and places it after it", async () => {
    app.projectCode = "KP21-02";
    view = mount(ProjectView, { target: document.body });
    await settle(() => $('[data-testid="task-row"][data-name="装配线安装调试"]') !== null, "the WBS");
    $<HTMLElement>('[data-testid="task-row"][data-name="装配线安装调试"]')?.click();
    await settle(() => $('[data-testid="task-row"].selected') !== null, "a row selected");
    $<HTMLButtonElement>('[data-testid="add-task"]')?.click();
    await settle(() => $('[data-testid="form-name"]') !== null, "the dialog");
    expect($('[data-testid="form-after"]')?.textContent).toContain("装配线安装调试");
    type('[data-testid="form-name"]', "产线联调验收");
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => file.calls.some((c) => c.cmd === "add_task"), "add_task sent");
    const draft = (file.calls.find((c) => c.cmd === "add_task")?.args as { draft: { parent_id: unknown; after: unknown } }).draft;
    expect(draft.parent_id).toBe(10);
    expect(draft.after).toBe(11);
  });

  it("a replica shows its sync state; 同步 with a conflict opens the merge dialog and sends the choice made", async () => {
    file.syncStatus = { file_id: "a".repeat(32), hub_path: "\\\\server\\share\\重点项目.sqlite", last_sync_at: "2021-06-14T08:00:00+08:00", pending_changes: 2 };
    const conflict = (key: string, hub: string, mine: string): Conflict => ({
      key, kind: "both_changed", project: "KP21-03", table: "tasks", row_id: 44, row: "主体结构封顶",
      field: "actual_finish,actual_start", field_label: "实际完成、实际开始", hub_value: hub, mine_value: mine,
      hub_author: "王工", hub_at: "2021-06-18T17:00:00+08:00", mine_author: "刘工", mine_at: "2021-06-21T17:00:00+08:00",
    });
    file.syncAnswers = [{ outcome: "needs_decision", conflicts: [conflict("tasks#44", "2021-06-18", "2021-06-21"), conflict("tasks#45", "2021-06-10", "2021-06-11")] }];
    view = mount(SyncChip, { target: document.body });
    await settle(() => $('[data-testid="sync-state"]') !== null, "the sync state");
    expect($('[data-testid="sync-state"]')?.textContent).toContain("上次同步 6月14日 08:00");
    expect($('[data-testid="sync-pending"]')?.textContent).toContain("待上传 2 项变更");

    $<HTMLButtonElement>('[data-testid="sync"]')?.click();
    await settle(() => document.querySelectorAll('[data-testid="merge-conflict"]').length === 2, "two conflicts listed");
    expect($('[data-testid="merge-hub-value"]')?.textContent).toBe("2021-06-18");
    expect($('[data-testid="merge-conflict"]')?.textContent).toContain("实际完成、实际开始");
    // Nothing is sent while a conflict has no choice.
    $<HTMLInputElement>('[data-key="tasks#44"] [data-testid="merge-take-mine"]')?.click();
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => ($('[role="alert"]')?.textContent ?? document.body.textContent ?? "").includes("还有 1 处没有选择"), "asked to choose");
    expect(file.calls.filter((c) => c.cmd === "sync_now")).toHaveLength(1);
    $<HTMLInputElement>('[data-key="tasks#45"] [data-testid="merge-keep-hub"]')?.click();
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => file.calls.filter((c) => c.cmd === "sync_now").length === 2, "the decided sync");
    const sent = file.calls.filter((c) => c.cmd === "sync_now")[1]?.args as { decisions: unknown; lang: string };
    expect(sent.decisions).toEqual([
      { key: "tasks#44", choice: "take_mine" },
      { key: "tasks#45", choice: "keep_hub" },
    ]);
    expect(sent.lang).toBe("zh");
    await settle(() => (app.notice ?? "").includes("同步完成"), "the done notice");
    expect($('[data-testid="merge-conflict"]')).toBeNull();
  });

  it("a server that asks for a password gets it from a prompt, once per session, and a refused one is said", async () => {
    const ask = { code: "login" as const, message: "无法登录共享服务器 postgresql://王工@db/keyworks：password authentication failed" };
    file.syncStatus = { file_id: "b".repeat(32), hub_path: "postgresql://王工@db/keyworks", last_sync_at: null, pending_changes: 1 };
    file.syncAnswers = [ask, ask];
    view = mount(SyncChip, { target: document.body });
    await settle(() => $('[data-testid="sync"]') !== null, "the sync button");
    $<HTMLButtonElement>('[data-testid="sync"]')?.click();
    await settle(() => $('[data-testid="sync-password"]') !== null, "the password prompt");
    expect($('[role="alert"]')).toBeNull();
    const input = $<HTMLInputElement>('[data-testid="sync-password"]');
    expect(input?.type).toBe("password");
    input!.value = "wrong";
    input!.dispatchEvent(new Event("input", { bubbles: true }));
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => ($('[role="alert"]')?.textContent ?? "").includes("password authentication failed"), "the refusal said");
    input!.value = "s3cret";
    input!.dispatchEvent(new Event("input", { bubbles: true }));
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => (app.notice ?? "").includes("同步完成"), "synced");
    expect($('[data-testid="sync-password"]')).toBeNull();
    const sent = file.calls.filter((c) => c.cmd === "sync_now").map((c) => (c.args as { password: string | null }).password);
    expect(sent).toEqual([null, "wrong", "s3cret"]);
  });

  it("an offline replica of a server is made from the dialog with the password typed, and a refusal is said there", async () => {
    file.syncAnswers = [{ code: "login", message: "无法登录共享服务器 postgresql://王工@db/keyworks：password authentication failed" }];
    let closed = false;
    view = mount(ServerReplicaDialog, { target: document.body, props: { url: "postgresql://王工@db/keyworks", onclose: () => (closed = true) } });
    await settle(() => $('[data-testid="server-replica-password"]') !== null, "the dialog");
    expect($<HTMLInputElement>('[data-testid="server-replica-url"]')?.value).toBe("postgresql://王工@db/keyworks");
    type('[data-testid="server-replica-password"]', "wrong");
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => (document.body.textContent ?? "").includes("password authentication failed"), "the refusal said");
    expect(closed).toBe(false);
    type('[data-testid="server-replica-password"]', "s3cret");
    $<HTMLButtonElement>('[data-testid="dialog-ok"]')?.click();
    await settle(() => closed, "closed once made");
    expect(app.notice).toContain("测试员-离线副本.sqlite");
    const sent = file.calls.filter((c) => c.cmd === "create_server_replica").map((c) => c.args as { url: string; password: string | null });
    expect(sent).toEqual([
      { url: "postgresql://王工@db/keyworks", password: "wrong" },
      { url: "postgresql://王工@db/keyworks", password: "s3cret" },
    ]);
  });

  it("a file that is no replica shows no sync button", async () => {
    view = mount(SyncChip, { target: document.body });
    await settle(() => file.calls.some((c) => c.cmd === "sync_status"), "asked");
    flushSync();
    expect($('[data-testid="sync"]')).toBeNull();
  });
});
