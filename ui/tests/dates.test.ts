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
  weekdayIndex,
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
