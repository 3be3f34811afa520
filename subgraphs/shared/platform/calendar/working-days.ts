/**
 * Working days in Asia/Shanghai (DESIGN.md §7: dates are bucketed in Asia/Shanghai): Monday to Friday,
 * less the public holidays, plus the adjusted working weekend days (cn-holidays.ts). Used wherever a
 * rule counts working days — a rep's booking answered within 3 working days (issue 11), a rectification
 * deadline. Pure; a calendar other than the national one (a region's extra days off) is passed in.
 */
import { SHANGHAI_OFFSET_MS } from '../period.js';
import { CN_HOLIDAYS, type HolidayYear } from './cn-holidays.js';

export interface WorkCalendar {
  /** Days off on weekdays (YYYY-MM-DD). */
  holidays: ReadonlySet<string>;
  /** Working weekend days (YYYY-MM-DD). */
  workdays: ReadonlySet<string>;
  /** The years whose notices the calendar holds. */
  years: ReadonlySet<number>;
}

/** A calendar from years of notices (default: the national ones), with optional extra days off. */
export function workCalendar(
  years: Readonly<Record<number, HolidayYear>> = CN_HOLIDAYS,
  extraHolidays: readonly string[] = [],
): WorkCalendar {
  const all = Object.values(years);
  return {
    holidays: new Set([...all.flatMap((y) => y.holidays), ...extraHolidays]),
    workdays: new Set(all.flatMap((y) => y.workdays)),
    years: new Set(Object.keys(years).map(Number)),
  };
}

export const NATIONAL_CALENDAR = workCalendar();

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export const shanghaiDate = (instant: Date): string => new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** The instant a Shanghai calendar date begins (00:00 +08:00). */
export const shanghaiMidnight = (date: string): Date => new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);

const nextDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Whether a Shanghai calendar date is a working day. */
export function isWorkingDay(date: string, calendar: WorkCalendar = NATIONAL_CALENDAR): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The end of the `n`th working day after the day of `instant` (Shanghai dates): the moment a period of
 * "n working days" from `instant` runs out. The day of the instant itself never counts — a booking made
 * on a Friday evening and one made on a Friday morning both have Monday, Tuesday and Wednesday.
 */
export function workingDaysDeadline(instant: Date, n: number, calendar: WorkCalendar = NATIONAL_CALENDAR): Date {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`workingDaysDeadline: n must be a positive integer, got ${n}`);
  let date = shanghaiDate(instant);
  for (let counted = 0; counted < n;) {
    date = nextDate(date);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return shanghaiMidnight(nextDate(date));
}

/** Whether the calendar holds the holiday notice of the year of `instant` (else only weekends are days off). */
export const calendarKnows = (instant: Date, calendar: WorkCalendar = NATIONAL_CALENDAR): boolean =>
  calendar.years.has(Number(shanghaiDate(instant).slice(0, 4)));
