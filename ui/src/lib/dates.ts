// Calendar dates as the core sends them ("2021-06-07"), handled as whole UTC days so that no
// time zone or daylight-saving shift can move a date by one.

export type Locale = "zh" | "en";

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for an ISO date; NaN for anything else. */
export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return fromDayNumber(dayNumber(iso) + days);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Monday = 0 … Sunday = 6. */
export function weekdayIndex(iso: string): number {
  return (new Date(dayNumber(iso) * DAY_MS).getUTCDay() + 6) % 7;
}

export function parts(iso: string): { year: number; month: number; day: number } {
  const d = new Date(dayNumber(iso) * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO 8601 week: the week belongs to the year of its Thursday. */
export function isoWeek(iso: string): { year: number; week: number } {
  const day = dayNumber(iso);
  const thursday = day - weekdayIndex(iso) + 3;
  const year = parts(fromDayNumber(thursday)).year;
  const jan4 = dayNumber(`${year}-01-04`);
  const firstThursday = jan4 - weekdayIndex(`${year}-01-04`) + 3;
  return { year, week: 1 + Math.round((thursday - firstThursday) / 7) };
}

/** "2021-W23", the form the core stores weeks in. */
export function isoWeekText(iso: string): string {
  const { year, week } = isoWeek(iso);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Monday of an ISO week given as "2021-W23"; null when malformed. */
export function mondayOfIsoWeek(text: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const jan4 = `${year}-01-04`;
  const week1Monday = dayNumber(jan4) - weekdayIndex(jan4);
  return fromDayNumber(week1Monday + (Number(m[2]) - 1) * 7);
}

export function mondayOf(iso: string): string {
  return addDays(iso, -weekdayIndex(iso));
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** 2021年6月7日 / 7 Jun 2021. Empty input stays empty. */
export function formatDate(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return "";
  const { year, month, day } = parts(iso);
  if (Number.isNaN(year)) return iso;
  return locale === "zh" ? `${year}年${month}月${day}日` : `${day} ${EN_MONTHS[month - 1]} ${year}`;
}

/** 6月7日 / 7 Jun: for crowded places within one year. */
export function formatShortDate(iso: string, locale: Locale): string {
  const { month, day } = parts(iso);
  return locale === "zh" ? `${month}月${day}日` : `${day} ${EN_MONTHS[month - 1]}`;
}

/** 第23周 / Week 23; with the year: 2021年第23周 / Week 23, 2021. */
export function formatWeek(text: string, locale: Locale, withYear = false): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) return text;
  const week = Number(m[2]);
  if (locale === "zh") return withYear ? `${m[1]}年第${week}周` : `第${week}周`;
  return withYear ? `Week ${week}, ${m[1]}` : `Week ${week}`;
}

/** 2021年6月 / Jun 2021, for "2021-06". */
export function formatMonth(yearMonth: string, locale: Locale): string {
  const [y, mo] = yearMonth.split("-").map(Number);
  if (!y || !mo) return yearMonth;
  return locale === "zh" ? `${y}年${mo}月` : `${EN_MONTHS[mo - 1]} ${y}`;
}

/** "2021-06-11T09:30:00+08:00" → 2021年6月11日 09:30 (the local time it was recorded in). */
export function formatTimestamp(rfc3339: string, locale: Locale): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc3339);
  if (!m) return rfc3339;
  return `${formatDate(m[1], locale)} ${m[2]}`;
}

/** Today in the computer's own time zone, as an ISO date. */
export function localToday(now: Date = new Date()): string {
  const y = now.getFullYear();
  const mo = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${mo}-${d}`;
}

/** Whether a year has 53 ISO weeks (its last week holds 28 December). */
export function weeksInYear(year: number): number {
  return isoWeek(`${year}-12-28`).week;
}

const EN_MONTH_INDEX: Record<string, number> = Object.fromEntries(EN_MONTHS.map((m, i) => [m.toLowerCase(), i + 1]));

function isoOf(year: number, month: number, day: number): string | null {
  if (!(year >= 1900 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) return null;
  const iso = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  // 2021-02-30 rolls over to March in Date.UTC: a real date reads back the same.
  return fromDayNumber(dayNumber(iso)) === iso ? iso : null;
}

/**
 * A date as a person types it, as an ISO date; null when it is not a real date. Takes
 * 2021-06-18, 2021/6/18, 2021.6.18, 20210618, 2021年6月18日 and 18 Jun 2021.
 */
export function parseDateText(text: string): string | null {
  const s = text.trim().replace(/\s+/g, " ");
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(s);
  if (m) {
    const month = EN_MONTH_INDEX[(m[2] ?? "").toLowerCase()];
    return month ? isoOf(Number(m[3]), month, Number(m[1])) : null;
  }
  return null;
}

/**
 * An ISO week as a person types it, as "2021-W23"; null when it is not a week of that year.
 * Takes 2021-W23, 2021W23, 2021-w23, 2021 W23, 2021年第23周 and Week 23, 2021.
 */
export function parseWeekText(text: string): string | null {
  const s = text.trim();
  let year: number;
  let week: number;
  let m = /^(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})$/.exec(s) ?? /^(\d{4})\s*年\s*第?\s*(\d{1,2})\s*周$/.exec(s);
  if (m) {
    year = Number(m[1]);
    week = Number(m[2]);
  } else {
    m = /^[Ww]eek\s*(\d{1,2}),?\s*(\d{4})$/.exec(s);
    if (!m) return null;
    week = Number(m[1]);
    year = Number(m[2]);
  }
  if (year < 1900 || year > 2999 || week < 1 || week > weeksInYear(year)) return null;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The week before or after an ISO week ("2021-W23", ±1 → "2021-W22"/"2021-W24"). */
export function shiftWeek(week: string, by: number): string {
  const monday = mondayOfIsoWeek(week);
  return monday ? isoWeekText(addDays(monday, by * 7)) : week;
}

/** 6月7日–6月13日 / 7 Jun – 13 Jun: the days of an ISO week. */
export function weekSpan(week: string, locale: Locale): string {
  const monday = mondayOfIsoWeek(week);
  if (!monday) return "";
  const sunday = addDays(monday, 6);
  return locale === "zh"
    ? `${formatShortDate(monday, locale)}–${formatShortDate(sunday, locale)}`
    : `${formatShortDate(monday, locale)} – ${formatShortDate(sunday, locale)}`;
}
