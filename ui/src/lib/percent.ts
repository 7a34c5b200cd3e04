// % complete as the core sends it: an f64, which JSON carries as null when it is not a number.

export function percentValue(v: number | null): number {
  return v === null || !Number.isFinite(v) ? 0 : Math.min(Math.max(v, 0), 100);
}

/** "62%", rounded; "—" when there is no number. */
export function formatPercent(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "—" : `${Math.round(v)}%`;
}
