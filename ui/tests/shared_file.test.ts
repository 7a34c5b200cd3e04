import { describe, expect, it } from "vitest";
import type { OpenFileInfo, VerifyOutcome } from "../src/bindings";
import { describeError } from "../src/lib/i18n";
import {
  backupKindLabel,
  formatBytes,
  formatSince,
  readOnlyNotice,
  restoreQuestion,
  verifySummary,
} from "../src/lib/shared_file";

function file(over: Partial<OpenFileInfo> = {}): OpenFileInfo {
  return {
    path: "/共享/重点项目.sqlite",
    file_name: "重点项目.sqlite",
    read_only: false,
    read_only_reason: null,
    read_only_detail: "",
    lock_holder: null,
    holds_edit_lock: true,
    ...over,
  };
}

const holder = { user: "李四", machine: "规划科-PC", process: 4242, since: "2021-06-11 09:30", stale: false };

describe("read-only banner", () => {
  it("says nothing while the file is open for editing", () => {
    expect(readOnlyNotice(file(), "zh")).toBeNull();
    expect(readOnlyNotice(null, "zh")).toBeNull();
  });

  it("names the editor, the machine and since when, in the issue's words", () => {
    const n = readOnlyNotice(
      file({ read_only: true, read_only_reason: "locked_by_other", lock_holder: holder, holds_edit_lock: false }),
      "zh",
    );
    expect(n?.headline).toBe("该文件正由 李四（规划科-PC）自 2021年6月11日 09:30 起编辑，将以只读方式打开。");
    expect(n?.editor).toBe("");
    expect(n?.canBreak).toBe(false);
    expect(n?.canEditAgain).toBe(true);
    const en = readOnlyNotice(
      file({ read_only: true, read_only_reason: "locked_by_other", lock_holder: holder, holds_edit_lock: false }),
      "en",
    );
    expect(en?.headline).toBe("This file is being edited by 李四 (规划科-PC) since 2021-06-11 09:30; it is opened read-only.");
  });

  it("offers to break only a stale lock, and says why it is stale", () => {
    const n = readOnlyNotice(
      file({ read_only: true, read_only_reason: "locked_by_other", lock_holder: { ...holder, stale: true } }),
      "zh",
      24,
    );
    expect(n?.canBreak).toBe(true);
    expect(n?.headline).toContain("已超过 24 小时");
  });

  it("auditor mode says so, and who edits meanwhile", () => {
    const chosen = readOnlyNotice(file({ read_only: true, read_only_reason: "chosen", holds_edit_lock: false }), "zh");
    expect(chosen?.headline).toContain("审计模式");
    expect(chosen?.canEditAgain).toBe(true);
    const watched = readOnlyNotice(
      file({ read_only: true, read_only_reason: "chosen", lock_holder: holder, holds_edit_lock: false }),
      "zh",
    );
    expect(watched?.editor).toBe("当前编辑者：李四（规划科-PC），自 2021年6月11日 09:30 起。");
    expect(watched?.canEditAgain).toBe(false);
    const notWritable = readOnlyNotice(file({ read_only: true, read_only_reason: "not_writable" }), "en");
    expect(notWritable?.headline).toContain("cannot be written");
    expect(notWritable?.canEditAgain).toBe(false);
  });
});

describe("verify result", () => {
  const ok: VerifyOutcome = { ok: true, path: "/a", log_rows: 812, rows_checked: 640, problem_count: 0, problems: [] };
  it("reports a trustworthy file with its figures", () => {
    const s = verifySummary(ok, "zh");
    expect(s.ok).toBe(true);
    expect(s.headline).toBe("校验通过：数据库完整，812 条变更记录的校验链完好，640 行数据与变更记录一致。");
  });

  it("puts the first broken link or changed row first, and counts the rest", () => {
    const bad: VerifyOutcome = {
      ok: false,
      path: "/a",
      log_rows: 812,
      rows_checked: 640,
      problem_count: 25,
      problems: [
        { kind: "row_changed", text: "表 tasks 第 3 行的字段 name 被绕过 KeyWorks 修改：变更记录为 \"a\"，实际为 \"b\"" },
        { kind: "row_unlogged", text: "表 tasks 第 9 行没有变更记录，是绕过 KeyWorks 写入的" },
      ],
    };
    const zh = verifySummary(bad, "zh");
    expect(zh.headline).toBe("校验未通过：发现 25 处问题。");
    expect(zh.first).toContain("表 tasks 第 3 行");
    expect(zh.rest).toHaveLength(1);
    expect(zh.more).toContain("其余 23 处");
    const en = verifySummary(bad, "en");
    expect(en.first.startsWith("A row was changed outside KeyWorks: ")).toBe(true);
  });
});

describe("backups and errors", () => {
  it("labels backups and sizes", () => {
    expect(backupKindLabel("before_restore", "zh")).toBe("恢复前自动备份");
    expect(backupKindLabel("on_demand", "en")).toBe("Saved on demand");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(860_160)).toBe("840 KB");
    expect(formatBytes(1_572_864)).toBe("1.5 MB");
    expect(formatSince("2021-06-11 09:30:05", "zh")).toBe("2021年6月11日 09:30");
    expect(restoreQuestion({ file_name: "b.sqlite", written: "2021-06-11 09:30:05" }, "zh")).toContain(
      "用「b.sqlite」（2021年6月11日 09:30）替换",
    );
  });

  it("a full disk has its own title and English sentence", () => {
    const e = describeError("en", "disk_full", "磁盘已满：…");
    expect(e.title).toBe("Disk full");
    expect(e.sentence).toContain("Free some space");
    expect(describeError("zh", "disk_full", "磁盘已满：…").title).toBe("磁盘已满");
  });
});
