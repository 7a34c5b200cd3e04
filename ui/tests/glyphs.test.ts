import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Every character the UI writes must be in the CJK font it asks for first (Noto Sans CJK SC on
// Linux, Microsoft YaHei on Windows). For any other character WebKit asks fontconfig for a font
// that has it, the first time it draws it. ⚙ and ▾ in the top bar cost the dashboard's first
// frame about 13 ms that way. Symbols those fonts lack are drawn instead (views/Icon.svelte).
// Each symbol below was checked with `fc-list ":family=Noto Sans CJK SC:charset=HEX"`.
const SYMBOLS = "·×–—“”…‹›←→▲▼◆✓";

function isCjk(code: number): boolean {
  return (
    (code >= 0x3400 && code <= 0x9fff) || // CJK ideographs
    (code >= 0x3000 && code <= 0x303f) || // CJK punctuation: 、。「」
    (code >= 0xff00 && code <= 0xffef) // full-width forms: ，：（）
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(e.name) ? [path] : [];
  });
}

describe("the UI's characters", () => {
  it("are all in the CJK font: no font fallback when a view is first drawn", () => {
    const strays: string[] = [];
    for (const file of sources(join(__dirname, "../src"))) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          // Comments are not drawn.
          if (/^\s*(\/\/|\*|\/\*|<!--)/.test(line)) return;
          for (const c of line) {
            const code = c.codePointAt(0) ?? 0;
            if (code > 0x7f && !isCjk(code) && !SYMBOLS.includes(c)) {
              strays.push(`${file}:${i + 1}: ${c} (U+${code.toString(16).toUpperCase()})`);
            }
          }
        });
    }
    expect(strays, "draw it in views/Icon.svelte, or check it is in the font and add it to SYMBOLS").toEqual([]);
  });
});
