/**
 * A hospital's reception policy for pharma representatives (三定, seed 004 item (15): 定时、定点、定人;
 * seed 000 item 13.2 医疗机构接待医药代表规定), versioned with validity dates: a visit is always judged
 * by the version in force at its time (issue 11).
 *   - 定时: allowed weekdays and time windows in Asia/Shanghai; a window may run past midnight (its end
 *     before its start), and it belongs to the day it starts on. Public holidays are excluded unless the
 *     policy says otherwise; an adjusted working weekend day (调休) keeps its own weekday's windows.
 *   - 定点: the designated reception rooms.
 *   - 定人: the designated receiving staff of each department (directory `Staff` ids).
 * Pure: validation reports the offending field; evaluation never reads anything but its arguments.
 */
import { badInput } from '#common/errors.js';
import { NATIONAL_CALENDAR, shanghaiDate, type WorkCalendar } from '#platform/calendar/working-days.js';
import { SHANGHAI_OFFSET_MS } from '#platform/period.js';
import { assertUuid } from '#platform/ids.js';
import { text } from '#platform/input.js';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface TimeWindow {
  weekday: Weekday;
  /** HH:MM, Asia/Shanghai. */
  start: string;
  /** HH:MM; before `start` (or 00:00) when the window runs past midnight into the next day. */
  end: string;
}

export interface DepartmentReceivers {
  departmentId: string;
  staffIds: string[];
}

export interface ReceptionPolicyRules {
  windows: TimeWindow[];
  rooms: string[];
  receivers: DepartmentReceivers[];
  /** Whether public holidays are closed to visits (default true). */
  holidaysExcluded: boolean;
}

export interface PolicyVersion extends ReceptionPolicyRules {
  version: number;
  /** The first Shanghai date it is in force (YYYY-MM-DD); it stays in force until the next version's. */
  validFrom: string;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function minutesOf(field: string, value: string): number {
  const m = HH_MM.exec(value);
  if (!m) throw badInput(field, `${field} must be a time HH:MM (00:00–23:59), got ${JSON.stringify(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** A window as minutes of the week from Monday 00:00: [start, end), end past the start (an overnight window reaches into the next day). */
function weekSpan(w: TimeWindow): [number, number] {
  const start = (w.weekday - 1) * MINUTES_PER_DAY + minutesOf('', w.start);
  const length = (minutesOf('', w.end) - minutesOf('', w.start) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return [start, start + length];
}

/** Whether two half-open spans of the week overlap, Sunday's overnight window wrapping into Monday. */
function overlaps([a0, a1]: [number, number], [b0, b1]: [number, number]): boolean {
  for (const shift of [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK]) if (a0 < b1 + shift && b0 + shift < a1) return true;
  return false;
}

/**
 * The rules of a policy version, validated in full (nothing is written from a policy that fails):
 * at least one window, each a valid weekday and times, none empty (start = end) and none overlapping
 * another; at least one room, none repeated; at least one department's receivers, each department
 * once, each with at least one staff id. That the receivers are staff of this hospital is the caller's
 * check (it needs the directory).
 */
export function validatePolicyRules(
  field: string,
  input: {
    windows: readonly TimeWindow[];
    rooms: readonly string[];
    receivers: readonly DepartmentReceivers[];
    holidaysExcluded?: boolean | null;
  },
): ReceptionPolicyRules {
  if (input.windows.length === 0)
    throw badInput(`${field}.windows`, `${field}.windows: a policy needs at least one reception window (定时)`);
  const windows = input.windows.map((w, i) => {
    const f = `${field}.windows[${i}]`;
    if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7)
      throw badInput(`${f}.weekday`, `${f}.weekday must be 1 (Monday) to 7 (Sunday)`);
    const start = minutesOf(`${f}.start`, w.start);
    const end = minutesOf(`${f}.end`, w.end);
    if (start === end) throw badInput(f, `${f}: the window ${w.start}–${w.end} is empty`);
    return { weekday: w.weekday, start: w.start, end: w.end };
  });
  const spans = windows.map(weekSpan);
  spans.forEach((span, i) => {
    const j = spans.findIndex((other, k) => k < i && overlaps(other, span));
    if (j >= 0) throw badInput(`${field}.windows[${i}]`, `${field}.windows[${i}] overlaps ${field}.windows[${j}]`);
  });
  if (input.rooms.length === 0) throw badInput(`${field}.rooms`, `${field}.rooms: a policy needs at least one reception room (定点)`);
  const rooms = input.rooms.map((r, i) => text(`${field}.rooms[${i}]`, r, 100));
  const repeated = rooms.findIndex((r, i) => rooms.indexOf(r) !== i);
  if (repeated >= 0) throw badInput(`${field}.rooms[${repeated}]`, `${field}.rooms[${repeated}] ${rooms[repeated]} is listed twice`);
  if (input.receivers.length === 0)
    throw badInput(`${field}.receivers`, `${field}.receivers: a policy needs the designated receivers of at least one department (定人)`);
  const departments = new Set<string>();
  const receivers = input.receivers.map((d, i) => {
    const f = `${field}.receivers[${i}]`;
    const departmentId = assertUuid(`${f}.departmentId`, d.departmentId);
    if (departments.has(departmentId)) throw badInput(`${f}.departmentId`, `${f}.departmentId ${departmentId} is listed twice`);
    departments.add(departmentId);
    if (d.staffIds.length === 0) throw badInput(`${f}.staffIds`, `${f}.staffIds: name at least one designated receiver`);
    return { departmentId, staffIds: [...new Set(d.staffIds.map((s, k) => assertUuid(`${f}.staffIds[${k}]`, s)))] };
  });
  return { windows, rooms, receivers, holidaysExcluded: input.holidaysExcluded ?? true };
}

/** Validates a version's first day of force (YYYY-MM-DD, a real date). */
export function validFromDate(field: string, value: string): string {
  if (!DATE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
    throw badInput(field, `${field} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/** The version in force at `instant` (its Shanghai date): the latest whose validFrom is not after it, or null before the first. */
export function versionInForce<V extends { validFrom: string; version: number }>(versions: readonly V[], instant: Date): V | null {
  const date = shanghaiDate(instant);
  let best: V | null = null;
  for (const v of versions)
    if (v.validFrom <= date && (!best || v.validFrom > best.validFrom || (v.validFrom === best.validFrom && v.version > best.version)))
      best = v;
  return best;
}

/** Shanghai minutes of the week (Monday 00:00 = 0) and the Shanghai date of an instant. */
function shanghaiWeekMinute(instant: Date): number {
  const local = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  const weekday = (local.getUTCDay() + 6) % 7; // Monday 0
  return (
    weekday * MINUTES_PER_DAY +
    local.getUTCHours() * 60 +
    local.getUTCMinutes() +
    local.getUTCSeconds() / 60 +
    local.getUTCMilliseconds() / 60_000
  );
}

export interface WindowMatch {
  window: TimeWindow;
  /** The Shanghai date the window opened on. */
  date: string;
}

/**
 * The window that holds the whole interval [from, to] (check-in to check-out; `to` = `from` for an
 * instant): both ends inside one window, the edges included (a check-in at the window's start or a
 * check-out at its end is in time). A window opening on a public holiday does not count when the
 * policy excludes holidays. Null: outside every window.
 */
export function windowHolding(
  rules: ReceptionPolicyRules,
  from: Date,
  to: Date = from,
  calendar: WorkCalendar = NATIONAL_CALENDAR,
): WindowMatch | null {
  if (to.getTime() < from.getTime()) return null;
  const lengthMinutes = (to.getTime() - from.getTime()) / 60_000;
  if (lengthMinutes > MINUTES_PER_DAY) return null;
  const at = shanghaiWeekMinute(from);
  for (const window of rules.windows) {
    const [start, end] = weekSpan(window);
    for (const shift of [0, -MINUTES_PER_WEEK]) {
      const s = start + shift;
      const e = end + shift;
      if (at < s || at + lengthMinutes > e) continue;
      const opened = new Date(from.getTime() - (at - s) * 60_000);
      const date = shanghaiDate(opened);
      if (rules.holidaysExcluded && isHoliday(date, calendar)) continue;
      return { window, date };
    }
  }
  return null;
}

/** A public holiday (a day off by notice, not a plain weekend). */
const isHoliday = (date: string, calendar: WorkCalendar) => calendar.holidays.has(date) && !calendar.workdays.has(date);
