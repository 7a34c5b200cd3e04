import { describe, expect, it } from "vitest";
import { deliveredWidth, formatQuantity, parseActual } from "../src/lib/targets";

describe("plan targets", () => {
  it("formats the plan's figures", () => {
    expect(formatQuantity(24457)).toBe("24,457");
    expect(formatQuantity(85.38)).toBe("85.38");
    expect(formatQuantity(10)).toBe("10");
    expect(formatQuantity(null)).toBe("—");
  });

  it("reads what an officer types, including full-width input", () => {
    expect(parseActual("16820")).toEqual({ ok: true, value: 16820 });
    expect(parseActual(" 16,820 ")).toEqual({ ok: true, value: 16820 });
    expect(parseActual("１６８２０")).toEqual({ ok: true, value: 16820 });
    expect(parseActual("３４．６")).toEqual({ ok: true, value: 34.6 });
    expect(parseActual("16，820")).toEqual({ ok: true, value: 16820 });
    expect(parseActual("")).toEqual({ ok: true, value: null });
    expect(parseActual("约一万")).toEqual({ ok: false });
    expect(parseActual("1.2.3")).toEqual({ ok: false });
  });

  it("bounds the bar", () => {
    expect(deliveredWidth(null)).toBe(0);
    expect(deliveredWidth(68.77)).toBeCloseTo(68.77);
    expect(deliveredWidth(130)).toBe(100);
  });
});
