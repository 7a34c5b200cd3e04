// A stand-in for the Rust backend, for UI work without it: Vitest's view tests mount views
// against it, and `npm run dev:mock` serves the whole window on it in a browser. It answers
// the commands the dashboard, the project view and the weekly update ask, from a small
// in-memory portfolio, in the bindings' own types. It keeps no business rules beyond what a
// view needs to see its own action come back (the real rules are the core's, tested in Rust):
// what it received is recorded in `calls`, so a test can check what a form sent.

import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  IpcError,
  InvestmentOverview,
  OpenFileInfo,
  PortfolioSummary,
  PreferencesView,
  Project,
  ProjectDetail,
  ProjectSummary,
  SyncOutcome,
  SyncStatus,
  Task,
  TaskDraft,
  UpdateForm,
  Filed,
  VocabularyLabels,
  WeeklyUpdate,
} from "../bindings";

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

const labels: VocabularyLabels = {
  categories: [
    { code: "advanced_manufacturing", zh: "先进制造业", en: "Advanced manufacturing" },
    { code: "livelihood", zh: "社会民生", en: "Social livelihood" },
  ],
  stages: [{ code: "continuing", zh: "续建", en: "Continuing" }],
  statuses: [
    { code: "green", zh: "绿", en: "Green" },
    { code: "yellow", zh: "黄", en: "Yellow" },
    { code: "red", zh: "红", en: "Red" },
  ],
  link_kinds: [{ code: "FS", zh: "完成-开始", en: "Finish-to-start" }],
  day_kinds: [],
  fundings: [
    { code: "government", zh: "政府投资", en: "Government-invested" },
    { code: "social", zh: "社会投资", en: "Social investment" },
  ],
  problem_levels: [
    { code: "project", zh: "项目协调", en: "Project" },
    { code: "district", zh: "区级协调", en: "District" },
    { code: "supervised", zh: "督办", en: "Supervised" },
  ],
  problem_states: [
    { code: "open", zh: "待解决", en: "Open" },
    { code: "coordinating", zh: "协调中", en: "Coordinating" },
    { code: "solved", zh: "已解决", en: "Solved" },
    { code: "closed", zh: "已销号", en: "Closed" },
  ],
};

function project(id: number, code: string, name: string, category: Project["category"]): Project {
  return {
    id,
    code,
    name,
    category,
    stage: "continuing",
    lead_unit: "高新区先进制造业发展服务中心",
    contact: "",
    location: "",
    total_investment_yuan: null,
    leader: null,
    funding: null,
    planned_start: "2021-01-04",
    planned_finish: "2021-12-30",
    status: "green",
    calendar_id: null,
    description: "",
    plan_sentence: "",
  };
}

function task(over: Partial<Task> & Pick<Task, "id" | "project_id" | "name" | "position">): Task {
  return {
    parent_id: null,
    is_milestone: false,
    planned_start: "2021-05-12",
    planned_finish: "2021-07-21",
    duration_days: 48,
    percent_complete: 0,
    actual_start: null,
    actual_finish: null,
    acceptance: "",
    completion_note: "",
    ...over,
  };
}

/** A small portfolio: 比亚迪智能终端 with a summary and two tasks, 安置房 with one milestone. */
export class FakeFile {
  projects: Project[] = [project(1, "KP21-02", "比亚迪智能终端", "advanced_manufacturing"), project(2, "KP21-06", "安置房", "livelihood")];
  tasks: Task[] = [
    task({ id: 10, project_id: 1, name: "生产线建设", position: 1, percent_complete: 21 }),
    task({ id: 11, project_id: 1, name: "装配线安装调试", position: 2, parent_id: 10, percent_complete: 35 }),
    task({ id: 12, project_id: 1, name: "试生产", position: 3, parent_id: 10, planned_start: "2021-07-22", planned_finish: "2021-08-31" }),
    task({ id: 20, project_id: 2, name: "一批次交房", position: 1, is_milestone: true, duration_days: 0, planned_start: "2021-06-30", planned_finish: "2021-06-30" }),
  ];
  updates: WeeklyUpdate[] = [
    {
      id: 100,
      project_id: 1,
      iso_week: "2021-W23",
      percent_complete: 60.4,
      status: "green",
      narrative: "首批SMT设备按计划进场。",
      issues: "",
      next_steps: "",
      author: "韩工",
      recorded_at: "2021-06-11T17:00:00+08:00",
    },
  ];
  calls: Call[] = [];
  nextId = 1000;
  /** A plain file unless a test makes it a replica. */
  syncStatus: SyncStatus = { file_id: "f".repeat(32), hub_path: null, last_sync_at: null, pending_changes: 0 };
  /** What 同步 answers, in turn; then a clean sync. */
  /** What sync_now answers, in turn: an outcome, or an error it throws. */
  syncAnswers: (SyncOutcome | IpcError)[] = [];

  private code(code: unknown): Project {
    const p = this.projects.find((x) => x.code === code);
    if (!p) throw { code: "not_found", message: `没有编号为 ${String(code)} 的项目` } satisfies IpcError;
    return p;
  }

  summary(asOf: string): PortfolioSummary {
    const projects: ProjectSummary[] = this.projects.map((p) => {
      const latest = this.updates.filter((u) => u.project_id === p.id).sort((a, b) => a.iso_week.localeCompare(b.iso_week)).pop();
      return {
        id: p.id,
        code: p.code,
        name: p.name,
        category: p.category,
        stage: p.stage,
        lead_unit: p.lead_unit,
        leader: p.leader,
        status: latest?.status ?? p.status,
        percent_complete: latest?.percent_complete ?? 0,
        last_update: latest?.iso_week ?? null,
        next_milestone: null,
        overdue_milestones: 0,
        days_late: 0,
      };
    });
    return {
      portfolio: { name: "西安高新区2021年重点项目", year: 2021, organisation: "西安高新区", source: "", note: "" },
      as_of: asOf,
      projects,
      status_counts: { green: projects.filter((p) => p.status === "green").length, yellow: projects.filter((p) => p.status === "yellow").length, red: projects.filter((p) => p.status === "red").length },
      due_soon: [],
      overdue: [],
    };
  }

  detail(code: unknown): ProjectDetail {
    const p = this.code(code);
    return {
      project: p,
      targets: [],
      tasks: this.tasks.filter((t) => t.project_id === p.id).sort((a, b) => a.position - b.position),
      dependencies: [],
      updates: this.updates.filter((u) => u.project_id === p.id),
      baselines: [],
      investment_plans: [],
      investment_months: [],
    };
  }

  /** A file with no investment recorded: the panel says so. */
  investment(asOf: string): InvestmentOverview {
    const totals = { total_yuan: 0, annual_yuan: 0, month_yuan: 0, year_to_date_yuan: 0, completion_rate: null, red: 0, yellow: 0, green: 0 };
    const rules = { invest_yellow_pct: 80, invest_red_pct: 60, overdue_yellow_days: 10, overdue_red_days: 30 };
    return { month: asOf.slice(0, 7), as_of: asOf, elapsed_share: 0, rules, rows: [], totals, cumulative: [] };
  }

  recordUpdate(code: unknown, form: UpdateForm): Filed {
    const p = this.code(code);
    const existing = this.updates.find((u) => u.project_id === p.id && u.iso_week === form.week);
    if (existing && existing.id !== form.replaces) {
      throw { code: "conflict", message: `项目 ${p.code} 的 ${form.week} 已有 ${existing.author} 填报的周报` } satisfies IpcError;
    }
    const saved: WeeklyUpdate = {
      id: existing?.id ?? this.nextId++,
      project_id: p.id,
      iso_week: form.week,
      percent_complete: form.percent_complete,
      status: form.status,
      narrative: form.narrative,
      issues: form.issues,
      next_steps: form.next_steps,
      author: "测试员",
      recorded_at: "2021-06-18T10:00:00+08:00",
    };
    this.updates = [...this.updates.filter((u) => u.id !== saved.id), saved];
    return { update: saved, problems: [], photos: [] };
  }

  addTask(code: unknown, draft: TaskDraft): Task {
    const p = this.code(code);
    const siblings = this.tasks.filter((t) => t.project_id === p.id);
    const after = draft.after == null ? null : siblings.find((t) => t.id === draft.after);
    const position = after ? after.position + 1 : siblings.length + 1;
    for (const t of siblings) if (t.position >= position) t.position += 1;
    const added = task({
      id: this.nextId++,
      project_id: p.id,
      parent_id: draft.parent_id,
      name: draft.name,
      position,
      is_milestone: draft.is_milestone,
      planned_start: draft.planned_start,
      planned_finish: draft.planned_finish,
    });
    this.tasks.push(added);
    return added;
  }

  /** The answer to one command, or a thrown `{code, message}` as the Rust side sends errors. */
  answer(cmd: string, args: Record<string, unknown>): unknown {
    this.calls.push({ cmd, args });
    const file: OpenFileInfo = {
      path: "/mock/keyworks.sqlite",
      file_name: "keyworks.sqlite",
      read_only: false,
      read_only_reason: null,
      read_only_detail: "",
      lock_holder: null,
      holds_edit_lock: true,
    };
    const prefs: PreferencesView = {
      author: "测试员",
      effective_author: "测试员",
      os_author: "mock",
      stale_lock_hours: 12,
      recent_files: [],
      language: "zh",
      stored_in: "",
      hub_url: "",
    };
    switch (cmd) {
      case "window_start": {
        const asOf = String(args.today);
        const dashboard = { summary: this.summary(asOf), milestones: [], targets: [], investment: this.investment(asOf), approvals_at_risk: [] };
        return { labels, preferences: prefs, file, opening: { sample_as_of: null, as_of: asOf, dashboard }, problem: null };
      }
      case "dashboard":
        return { summary: this.summary(String(args.asOf)), milestones: [], targets: [], investment: this.investment(String(args.asOf)), approvals_at_risk: [] };
      case "vocabulary_labels":
        return labels;
      case "sample_as_of":
        return null;
      case "open_file_info":
        return file;
      case "preferences":
      case "set_language":
        return prefs;
      case "portfolio_summary":
        return this.summary(String(args.asOf));
      case "plan_targets":
        return [];
      case "milestones":
        return [];
      case "project_detail":
        return this.detail(args.code);
      case "calendar_days":
        return [];
      case "project_marks":
        return { schedule: null, schedule_problem: null, baseline: null };
      case "updates_of":
        return this.detail(args.code).updates.sort((a, b) => a.iso_week.localeCompare(b.iso_week));
      case "photos_of":
        return [];
      case "record_update":
        return this.recordUpdate(args.code, args.form as UpdateForm);
      case "add_task": {
        // A Gantt edit answers what it changed in the plan (keyworks-core's PlanChange).
        const added = this.addTask(args.code, args.draft as TaskDraft);
        return {
          tasks: this.detail(args.code).tasks,
          removed_tasks: [],
          dependencies: [],
          removed_dependencies: [],
          marks: { schedule: null, schedule_problem: null, baseline: null },
          subject: added.id,
        };
      }
      case "history":
        return { edits: [], more: false };
      case "history_authors":
        return [];
      case "sync_status":
        return this.syncStatus;
      case "create_server_replica": {
        const next = this.syncAnswers.shift();
        if (next && "code" in next) throw next;
        return { ...file, path: "/mock/离线副本/测试员-离线副本.sqlite", file_name: "测试员-离线副本.sqlite" };
      }
      case "sync_now": {
        const next = this.syncAnswers.shift();
        if (next && "code" in next) throw next;
        return (
          next ?? {
            outcome: "synced",
            pushed: this.syncStatus.pending_changes,
            already_in_hub: 0,
            pulled: 0,
            rows_levelled: 0,
            decided: [],
            at: "2021-06-18T17:00:00+08:00",
          }
        );
      }
      default:
        throw { code: "internal", message: `the mock backend does not answer ${cmd}` } satisfies IpcError;
    }
  }
}

/** Routes every IPC call of the window to `file`. */
export function installMockBackend(file: FakeFile = new FakeFile()): FakeFile {
  mockIPC((cmd, payload) => file.answer(cmd, (payload ?? {}) as Record<string, unknown>), { shouldMockEvents: true });
  return file;
}
