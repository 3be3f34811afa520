import { describe, expect, it } from 'vitest';
import { calendarKnows, isWorkingDay, shanghaiDate, workCalendar, workingDaysDeadline } from './working-days.js';

const at = (iso: string) => new Date(iso);

describe('working days (Asia/Shanghai, national holiday notices)', () => {
  it('knows weekends, holidays and the adjusted working weekend days', () => {
    expect(isWorkingDay('2025-03-03')).toBe(true); // Monday
    expect(isWorkingDay('2025-03-08')).toBe(false); // Saturday
    expect(isWorkingDay('2025-10-08')).toBe(false); // Wednesday inside 国庆
    expect(isWorkingDay('2025-10-11')).toBe(true); // Saturday, 调休上班
    expect(isWorkingDay('2026-02-23')).toBe(false); // Monday, last day of 春节 2026
    expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday, 调休上班
  });

  it('buckets an instant by its Shanghai date', () => {
    expect(shanghaiDate(at('2025-03-02T16:00:00Z'))).toBe('2025-03-03');
    expect(shanghaiDate(at('2025-03-02T15:59:59Z'))).toBe('2025-03-02');
  });

  it('gives three working days after the day of the request, ending at Shanghai midnight', () => {
    // Monday 2025-03-03 10:00 +08:00 → Tue, Wed, Thu → ends Friday 00:00 +08:00
    expect(workingDaysDeadline(at('2025-03-03T02:00:00Z'), 3).toISOString()).toBe('2025-03-06T16:00:00.000Z');
    // Friday evening (Shanghai) → Mon, Tue, Wed
    expect(workingDaysDeadline(at('2025-03-07T13:00:00Z'), 3).toISOString()).toBe('2025-03-12T16:00:00.000Z');
    // 23:30 UTC on Thursday is already Friday in Shanghai
    expect(workingDaysDeadline(at('2025-03-06T23:30:00Z'), 3).toISOString()).toBe('2025-03-12T16:00:00.000Z');
  });

  it('skips a holiday in between and counts an adjusted working Saturday', () => {
    // Sunday 2025-09-28 is a working day; request on Friday 2025-09-26 → Sun 28, Mon 29, Tue 30
    expect(workingDaysDeadline(at('2025-09-26T02:00:00Z'), 3).toISOString()).toBe('2025-09-30T16:00:00.000Z');
    // request on Tuesday 2025-09-30 → 国庆 1–8 off → Thu 9, Fri 10, Sat 11 (调休)
    expect(workingDaysDeadline(at('2025-09-30T02:00:00Z'), 3).toISOString()).toBe('2025-10-11T16:00:00.000Z');
  });

  it('takes a region’s extra days off, and says which years it knows', () => {
    const local = workCalendar(undefined, ['2025-03-04']);
    expect(workingDaysDeadline(at('2025-03-03T02:00:00Z'), 3, local).toISOString()).toBe('2025-03-07T16:00:00.000Z');
    expect(calendarKnows(at('2025-06-01T00:00:00Z'))).toBe(true);
    expect(calendarKnows(at('2031-06-01T00:00:00Z'))).toBe(false);
    expect(() => workingDaysDeadline(at('2025-03-03T02:00:00Z'), 0)).toThrow(RangeError);
  });
});
