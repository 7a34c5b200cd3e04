// Investment supervision as the views show it. Every figure is the core's (whole yuan, from
// investment_overview); here they are only written in 万元 and placed on the chart. Amounts stay
// integers of yuan until they become text, so what the app shows is what the PDF and the sheet
// print, to the yuan.

import type { CumulativeMonth, InvestmentRow, Light } from "../bindings";

/** Whole yuan in 万元 with `decimals` places (0–4), rounded half up, thousands grouped:
 *  wanText(123456) is "12.35". Integer arithmetic only: yuan are far below 2^53. */
export function wanText(yuan: number, decimals = 2): string {
  const d = Math.max(0, Math.min(4, decimals));
  const step = 10 ** (4 - d);
  const units = Math.floor((yuan + Math.floor(step / 2)) / step);
  const scale = 10 ** d;
  const whole = Math.floor(units / scale).toLocaleString("en-US");
  if (d === 0) return whole;
  return `${whole}.${String(units % scale).padStart(d, "0")}`;
}

/** Whole yuan in 万元 with every yuan kept and no trailing zeros, as one types it: "12.3",
 *  "0.0001", "1200", "0". */
export function wanExact(yuan: number): string {
  const whole = Math.floor(yuan / 10_000);
  const frac = yuan % 10_000;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(4, "0").replace(/0+$/, "")}`;
}

/** A rate (0.18) as "18.0%"; "—" without one. */
export function rateText(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/** The rows with light `light`, or all of them. */
export function rowsWithLight(rows: InvestmentRow[], light: Light | null): InvestmentRow[] {
  return light === null ? rows : rows.filter((r) => r.warning.light === light);
}

/** The reasons of a row's warnings in one line, or "". */
export function reasonsText(row: InvestmentRow): string {
  return row.warning.warnings.map((w) => w.reason).join("；");
}

export interface ChartLine {
  /** "x,y x,y …" for an SVG polyline. */
  points: string;
  /** The last point, where the line's value is written. */
  end: { x: number; y: number; yuan: number };
}

export interface CumulativeChart {
  completed: ChartLine;
  onCourse: ChartLine;
  /** Month ticks: x and label (1–12). */
  ticks: { x: number; label: string }[];
  /** The largest value on the axis, in yuan. */
  max: number;
}

/** The cumulative chart in a `width`×`height` box with `pad` around the plot: January to the
 *  month, completed against 序时进度, both starting from zero before January. */
export function cumulativeChart(months: CumulativeMonth[], width: number, height: number, pad = 24): CumulativeChart {
  const max = Math.max(1, ...months.map((m) => Math.max(m.completed_yuan, m.on_course_yuan)));
  const n = Math.max(1, months.length);
  const x = (i: number) => pad + ((width - 2 * pad) * i) / n;
  const y = (v: number) => height - pad - ((height - 2 * pad) * v) / max;
  const line = (value: (m: CumulativeMonth) => number): ChartLine => {
    const pts = [`${x(0)},${y(0)}`, ...months.map((m, i) => `${x(i + 1).toFixed(1)},${y(value(m)).toFixed(1)}`)];
    const last = months.at(-1);
    const v = last ? value(last) : 0;
    return { points: pts.join(" "), end: { x: x(months.length), y: y(v), yuan: v } };
  };
  return {
    completed: line((m) => m.completed_yuan),
    onCourse: line((m) => m.on_course_yuan),
    ticks: months.map((m, i) => ({ x: x(i + 1), label: String(Number(m.month.slice(5, 7))) })),
    max,
  };
}
