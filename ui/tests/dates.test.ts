import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  formatDate,
  formatMonth,
  formatTimestamp,
  formatWeek,
  isoWeek,
  isoWeekText,
  localToday,
  mondayOf,
  mondayOfIsoWeek,
  parseDateText,
  parseWeekText,
  shiftWeek,
  weekdayIndex,
  weekSpan,
  weeksInYear,
} from "../src/lib/dates";

describe("Chinese and English dates", () => {
  it("formats days the Chinese way by default", () => {
    expect(formatDate("2021-06-07", "zh")).toBe("2021年6月7日");
    expect(formatDate("2021-12-31", "zh")).toBe("2021年12月31日");
    expect(formatDate("2021-06-07", "en")).toBe("7 Jun 2021");
    expect(formatDate(null, "zh")).toBe("");
  });

  it("names ISO weeks 第23周", () => {
    expect(isoWeekText("2021-06-07")).toBe("2021-W23");
    expect(formatWeek("2021-W23", "zh")).toBe("第23周");
    expect(formatWeek("2021-W23", "zh", true)).toBe("2021年第23周");
    expect(formatWeek("2021-W05", "en")).toBe("Week 5");
  });

  it("puts the first days of January in the week of their Thursday", () => {
    expect(isoWeek("2021-01-03")).toEqual({ year: 2020, week: 53 });
    expect(isoWeek("2021-01-04")).toEqual({ year: 2021, week: 1 });
    expect(isoWeek("2019-12-30")).toEqual({ year: 2020, week: 1 });
    expect(mondayOfIsoWeek("2021-W23")).toBe("2021-06-07");
    expect(mondayOfIsoWeek("2020-W53")).toBe("2020-12-28");
    expect(mondayOfIsoWeek("bad")).toBeNull();
  });

  it("does arithmetic on whole days", () => {
    expect(addDays("2021-02-27", 2)).toBe("2021-03-01");
    expect(addDays("2020-02-28", 1)).toBe("2020-02-29");
    expect(daysBetween("2021-06-11", "2021-07-27")).toBe(46);
    expect(weekdayIndex("2021-06-07")).toBe(0);
    expect(weekdayIndex("2021-06-13")).toBe(6);
    expect(mondayOf("2021-06-13")).toBe("2021-06-07");
  });

  it("formats months and change-log times", () => {
    expect(formatMonth("2021-06", "zh")).toBe("2021年6月");
    expect(formatMonth("2021-06", "en")).toBe("Jun 2021");
    expect(formatTimestamp("2021-06-11T09:30:00+08:00", "zh")).toBe("2021年6月11日 09:30");
  });

  it("reads today in the computer's own time zone", () => {
    expect(localToday(new Date(2021, 5, 11, 23, 59))).toBe("2021-06-11");
  });
});

describe("dates and weeks as people type them", () => {
  it("reads the usual ways of writing a date and refuses days that do not exist", () => {
    for (const text of ["2021-06-18", "2021/6/18", "2021.6.18", "20210618", "2021年6月18日", " 2021 年 6 月 18 日 ", "18 Jun 2021", "18 june 2021"]) {
      expect(parseDateText(text), text).toBe("2021-06-18");
    }
    for (const text of ["2021-02-30", "2021-13-01", "06/18/2021", "12/02/2026", "明天", "", "2021-6"]) {
      expect(parseDateText(text), text).toBeNull();
    }
  });

  it("reads a week the way it is written and knows how many weeks a year has", () => {
    for (const text of ["2021-W23", "2021W23", "2021-w23", "2021 W23", "2021年第23周", "Week 23, 2021"]) {
      expect(parseWeekText(text), text).toBe("2021-W23");
    }
    // The bug the issue reports: the pattern Svelte mangled into \d4-W\d2 refused 2021-W23.
    expect(parseWeekText("2021-W23")).not.toBeNull();
    expect(weeksInYear(2020)).toBe(53);
    expect(weeksInYear(2021)).toBe(52);
    expect(parseWeekText("2020-W53")).toBe("2020-W53");
    expect(parseWeekText("2021-W53")).toBeNull();
    expect(parseWeekText("2021-W00")).toBeNull();
    expect(parseWeekText("2021-23")).toBeNull();
  });

  it("steps weeks across a year end and spells their days", () => {
    expect(shiftWeek("2021-W23", 1)).toBe("2021-W24");
    expect(shiftWeek("2021-W01", -1)).toBe("2020-W53");
    expect(shiftWeek("2021-W52", 1)).toBe("2022-W01");
    expect(weekSpan("2021-W23", "zh")).toBe("6月7日–6月13日");
    expect(weekSpan("2021-W23", "en")).toBe("7 Jun – 13 Jun");
  });
});
