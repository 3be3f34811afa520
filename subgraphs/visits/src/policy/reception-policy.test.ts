import { thrownGraphQLError } from '#testing/errors.js';
import { describe, expect, it } from 'vitest';
import { validatePolicyRules, validFromDate, versionInForce, windowHolding, type TimeWindow } from './reception-policy.js';

const DEPT = '00000000-0000-4000-8000-0000000000d1';
const STAFF = '00000000-0000-4000-8000-0000000000a1';
const rules = (windows: TimeWindow[], holidaysExcluded = true) =>
  validatePolicyRules('input', {
    windows,
    rooms: ['门诊楼3楼接待室'],
    receivers: [{ departmentId: DEPT, staffIds: [STAFF] }],
    holidaysExcluded,
  });
// Tuesday and Thursday afternoons; Friday evening into Saturday
const policy = rules([
  { weekday: 2, start: '14:00', end: '16:00' },
  { weekday: 4, start: '14:00', end: '16:00' },
  { weekday: 5, start: '22:00', end: '01:00' },
]);
/** An instant given in Shanghai local time. */
const sh = (local: string) => new Date(`${local}+08:00`);

const fieldOf = (f: () => unknown): string => String(thrownGraphQLError(f).extensions['field']);

describe('reception policy (三定)', () => {
  it('holds a visit inside a window, the edges included, and not a minute past', () => {
    expect(windowHolding(policy, sh('2025-03-04T14:00:00'), sh('2025-03-04T16:00:00'))?.window.weekday).toBe(2);
    expect(windowHolding(policy, sh('2025-03-04T13:59:00'), sh('2025-03-04T15:00:00'))).toBeNull();
    expect(windowHolding(policy, sh('2025-03-04T15:00:00'), sh('2025-03-04T16:01:00'))).toBeNull();
    expect(windowHolding(policy, sh('2025-03-05T14:30:00'))).toBeNull(); // Wednesday
  });

  it('judges in Asia/Shanghai whatever the offset of the instant', () => {
    // 06:30 UTC is 14:30 in Shanghai, inside; 14:30 UTC is 22:30 Shanghai, outside
    expect(windowHolding(policy, new Date('2025-03-04T06:30:00Z'))).not.toBeNull();
    expect(windowHolding(policy, new Date('2025-03-04T14:30:00Z'))).toBeNull();
  });

  it('keeps an overnight window with the day it opened on', () => {
    expect(windowHolding(policy, sh('2025-03-07T23:30:00'), sh('2025-03-08T00:45:00'))?.date).toBe('2025-03-07');
    expect(windowHolding(policy, sh('2025-03-08T00:59:00'))?.date).toBe('2025-03-07');
    expect(windowHolding(policy, sh('2025-03-08T01:01:00'))).toBeNull();
  });

  it('closes on public holidays unless the policy says otherwise', () => {
    // Thursday 2025-10-02 is inside 国庆
    expect(windowHolding(policy, sh('2025-10-02T14:30:00'))).toBeNull();
    expect(windowHolding(rules([{ weekday: 4, start: '14:00', end: '16:00' }], false), sh('2025-10-02T14:30:00'))).not.toBeNull();
    // Friday night window opened on a working day, running into Saturday: allowed
    expect(windowHolding(policy, sh('2025-09-27T00:30:00'))?.date).toBe('2025-09-26');
  });

  it('judges by the version in force at the time, a later version taking over on its first day', () => {
    const versions = [
      { version: 1, validFrom: '2025-01-01' },
      { version: 2, validFrom: '2025-07-01' },
    ];
    expect(versionInForce(versions, sh('2024-12-31T23:59:00'))).toBeNull();
    expect(versionInForce(versions, sh('2025-06-30T23:59:59'))?.version).toBe(1);
    expect(versionInForce(versions, sh('2025-07-01T00:00:00'))?.version).toBe(2);
    // 2025-06-30T16:30Z is already 1 July in Shanghai
    expect(versionInForce(versions, new Date('2025-06-30T16:30:00Z'))?.version).toBe(2);
  });

  it('refuses empty or overlapping windows, and names the field', () => {
    expect(fieldOf(() => rules([]))).toBe('input.windows');
    expect(fieldOf(() => rules([{ weekday: 2, start: '14:00', end: '14:00' }]))).toBe('input.windows[0]');
    expect(
      fieldOf(() =>
        rules([
          { weekday: 2, start: '14:00', end: '16:00' },
          { weekday: 2, start: '15:59', end: '17:00' },
        ]),
      ),
    ).toBe('input.windows[1]');
    // touching windows do not overlap
    expect(
      rules([
        { weekday: 2, start: '14:00', end: '16:00' },
        { weekday: 2, start: '16:00', end: '17:00' },
      ]).windows,
    ).toHaveLength(2);
    // Sunday overnight into Monday morning
    expect(
      fieldOf(() =>
        rules([
          { weekday: 7, start: '23:00', end: '01:00' },
          { weekday: 1, start: '00:30', end: '02:00' },
        ]),
      ),
    ).toBe('input.windows[1]');
    expect(fieldOf(() => rules([{ weekday: 8 as 1, start: '14:00', end: '15:00' }]))).toBe('input.windows[0].weekday');
    expect(fieldOf(() => rules([{ weekday: 1, start: '24:00', end: '15:00' }]))).toBe('input.windows[0].start');
  });

  it('refuses a policy without rooms or receivers, repeated rooms or departments, and bad dates', () => {
    const w = [{ weekday: 2 as const, start: '14:00', end: '16:00' }];
    expect(fieldOf(() => validatePolicyRules('p', { windows: w, rooms: [], receivers: [{ departmentId: DEPT, staffIds: [STAFF] }] }))).toBe(
      'p.rooms',
    );
    expect(
      fieldOf(() => validatePolicyRules('p', { windows: w, rooms: ['A', 'A'], receivers: [{ departmentId: DEPT, staffIds: [STAFF] }] })),
    ).toBe('p.rooms[1]');
    expect(fieldOf(() => validatePolicyRules('p', { windows: w, rooms: ['A'], receivers: [] }))).toBe('p.receivers');
    expect(fieldOf(() => validatePolicyRules('p', { windows: w, rooms: ['A'], receivers: [{ departmentId: DEPT, staffIds: [] }] }))).toBe(
      'p.receivers[0].staffIds',
    );
    expect(
      fieldOf(() =>
        validatePolicyRules('p', {
          windows: w,
          rooms: ['A'],
          receivers: [
            { departmentId: DEPT, staffIds: [STAFF] },
            { departmentId: DEPT, staffIds: [STAFF] },
          ],
        }),
      ),
    ).toBe('p.receivers[1].departmentId');
    expect(fieldOf(() => validFromDate('validFrom', '2025-02-30'))).toBe('validFrom');
    expect(validFromDate('validFrom', '2025-02-28')).toBe('2025-02-28');
  });
});
