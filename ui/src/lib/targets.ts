// The dashboard's "plan targets vs delivered" panel: how one figure reads, and what the officer
// typed turned into a number (or "no figure yet") before it goes to the core.

/**
 * 24457 → "24,457"; 85.38 → "85.38": at most two decimals, grouped the way both languages read.
 * An f64 arrives as null when it is not a number.
 */
export function formatQuantity(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "—";
  return v.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

export type ParsedActual = { ok: true; value: number | null } | { ok: false };

/**
 * What the officer typed in the "delivered" box: blank means no figure yet; thousands separators
 * (ASCII or full-width commas) and full-width digits, as Chinese input methods produce, are
 * accepted. Anything else is not a number; the core still refuses negative figures itself.
 */
export function parseActual(text: string): ParsedActual {
  const normalised = text
    .trim()
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[,，]/g, "");
  if (normalised === "") return { ok: true, value: null };
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) return { ok: false };
  return { ok: true, value: Number(normalised) };
}

/** Width of the delivered bar, 0–100; over-delivery fills the bar. */
export function deliveredWidth(percent: number | null): number {
  return percent === null || !Number.isFinite(percent) ? 0 : Math.min(Math.max(percent, 0), 100);
}
