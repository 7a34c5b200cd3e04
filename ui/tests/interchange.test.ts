import { describe, expect, it } from "vitest";
import type { CsvPreview, PlannedRow } from "../src/bindings";
import { applyBlocked, appliedText, importedText, previewLines, previewSummary, progressView } from "../src/lib/interchange";

describe("MS Project import progress", () => {
  it("moves without a percentage while the file is read", () => {
    expect(progressView(null, "zh", false)).toEqual({ percent: null, text: "正在读取和转换文件…" });
    expect(progressView({ phase: "reading", fraction: null, rows_done: 0, rows_total: 0 }, "en", false).percent).toBeNull();
  });

  it("shows the rows written and the share while writing, 100% when done", () => {
    const v = progressView({ phase: "writing", fraction: 0.4, rows_done: 4000, rows_total: 10000 }, "zh", false);
    expect(v).toEqual({ percent: 40, text: "正在写入：4000 / 10000 行" });
    expect(progressView({ phase: "writing", fraction: 0.4, rows_done: 4000, rows_total: 10000 }, "en", false).text).toBe(
      "Writing: 4000 / 10000 rows",
    );
    expect(progressView({ phase: "done", fraction: 1, rows_done: 10, rows_total: 10 }, "zh", false).percent).toBe(100);
  });

  it("says it is cancelling once 取消 was pressed, keeping the bar where it was", () => {
    const v = progressView({ phase: "writing", fraction: 0.25, rows_done: 2000, rows_total: 8000 }, "zh", true);
    expect(v).toEqual({ percent: 25, text: "正在取消…" });
  });

  it("tells what was imported and what the file had that was not kept", () => {
    const r = { outcome: "imported" as const, code: "大计划", name: "合成计划", tasks: 12, milestones: 2, links: 9, warnings: [] };
    expect(importedText(r, "zh")).toBe("已导入项目 大计划「合成计划」：12 个任务（其中里程碑 2 个），依赖 9 条。");
    const warned = importedText({ ...r, warnings: ["周期性例外未导入", "跨项目链接已略去"] }, "zh");
    expect(warned).toContain("注意：周期性例外未导入；跨项目链接已略去");
  });
});

const row = (line: number, change: PlannedRow["change"], name = `里程碑${line}`): PlannedRow => ({
  line,
  task_id: change.kind === "new" ? null : line * 10,
  project_code: "KP21-01",
  project_name: "三星二期二阶段",
  name,
  change,
});

function preview(rows: PlannedRow[], problems: { line: number; message: string }[] = []): CsvPreview {
  const count = (k: string) => rows.filter((r) => r.change.kind === k).length;
  return {
    path: "/tmp/里程碑.csv",
    file_name: "里程碑.csv",
    encoding: "GBK",
    new_count: count("new"),
    update_count: count("update"),
    unchanged_count: count("unchanged"),
    preview: { rows, problems, fingerprint: "ab".repeat(32) },
  };
}

describe("Milestone CSV preview", () => {
  const p = preview([
    row(4, { kind: "update", due: null, done: { from: null, from_note: "", to: "2021-06-10", note: "按期取得" } }),
    row(2, { kind: "update", due: { from: "2021-06-30", to: "2021-07-15" }, done: null }),
    row(3, { kind: "unchanged" }),
    row(5, { kind: "new", due: "2021-09-30", done: null, note: "" }, "试生产许可"),
  ]);

  it("lists only the rows that change something, by line, each change in words", () => {
    expect(previewLines(p, "zh")).toEqual([
      { line: 2, project: "KP21-01", milestone: "里程碑2", change: "到期 2021-06-30 → 2021-07-15" },
      { line: 4, project: "KP21-01", milestone: "里程碑4", change: "标记完成 2021-06-10（按期取得）" },
      { line: 5, project: "KP21-01", milestone: "试生产许可", change: "新增，到期 2021-09-30" },
    ]);
    expect(previewLines(p, "en")[1]?.change).toBe("Marked done 2021-06-10 (按期取得)");
  });

  it("sums up the file, its encoding and the counts", () => {
    expect(previewSummary(p, "zh")).toBe("里程碑.csv（GBK）：新增 1 个里程碑，修改 2 个，未变 1 个，问题 0 处。");
  });

  it("can be applied when it has no problem and the file is writable", () => {
    expect(applyBlocked(p, false, "zh")).toBeNull();
  });

  it("cannot be applied with any problem, and says why", () => {
    const bad = preview(p.preview.rows, [{ line: 7, message: "编号 999999 不存在" }]);
    expect(applyBlocked(bad, false, "zh")).toBe("文件有 1 处问题，整份文件不能导入：请在 Excel 中改正后重新导入。");
  });

  it("cannot be applied in a read-only session, nor when nothing would change", () => {
    expect(applyBlocked(p, true, "en")).toContain("read-only");
    expect(applyBlocked(preview([row(3, { kind: "unchanged" })]), false, "zh")).toBe("文件与数据库一致，无需导入。");
  });

  it("tells what was applied", () => {
    expect(appliedText({ created: [], updated: [], unchanged: 3 }, "zh")).toBe("已导入里程碑：新增 0 个，修改 0 个，未变 3 个。");
  });
});
