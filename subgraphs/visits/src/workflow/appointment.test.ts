import { thrownGraphQLError as refusal } from '#testing/errors.js';
import { describe, expect, it } from 'vitest';
import { APPOINTMENT_STATUSES, decisionDeadline, MOVES, transition, type AppointmentAction, type AppointmentState } from './appointment.js';

const ACTIONS = Object.keys(MOVES) as AppointmentAction[];
// Monday 2025-09-29 09:00 +08:00: the deadline skips 国庆 (Oct 1–8) → Tue 30, Thu 9, Fri 10 → ends Sat 11 00:00
const requestedAt = new Date('2025-09-29T01:00:00Z');
const state = (status: AppointmentState['status']): AppointmentState => ({
  status,
  requestedAt,
  decisionDue: decisionDeadline(requestedAt, 3),
  slotStart: new Date('2025-10-20T02:00:00Z'),
});
const soon = new Date('2025-09-30T03:00:00Z');

describe('appointment workflow', () => {
  it('has the deadline of 3 working days, a national holiday in between', () => {
    expect(state('REQUESTED').decisionDue.toISOString()).toBe('2025-10-10T16:00:00.000Z');
  });

  it('moves a requested booking to approved, rejected or cancelled, keeping who, when and why', () => {
    expect(transition(state('REQUESTED'), 'APPROVE', 'officer-1', soon)).toEqual({
      from: 'REQUESTED',
      to: 'APPROVED',
      action: 'APPROVE',
      actor: 'officer-1',
      at: soon,
      reason: null,
    });
    expect(transition(state('REQUESTED'), 'REJECT', 'officer-1', soon, ' 科室无接待安排 ').reason).toBe('科室无接待安排');
    expect(transition(state('REQUESTED'), 'CANCEL', 'rep', soon, '行程变更').to).toBe('CANCELLED');
    expect(transition(state('APPROVED'), 'CANCEL', 'officer-1', soon, '医生临时手术').from).toBe('APPROVED');
  });

  it('refuses every move the workflow does not have, with CONFLICT and the current status', () => {
    const legal = new Set(ACTIONS.flatMap((a) => MOVES[a].from.map((s) => `${s}:${a}`)));
    let refused = 0;
    for (const status of APPOINTMENT_STATUSES)
      for (const action of ACTIONS) {
        if (legal.has(`${status}:${action}`)) continue;
        const err = refusal(() => transition(state(status), action, 'officer-1', soon, 'x'));
        expect(err.extensions).toMatchObject({ code: 'CONFLICT', field: 'action', status });
        refused += 1;
      }
    expect(refused).toBe(APPOINTMENT_STATUSES.length * ACTIONS.length - legal.size);
    expect(refused).toBe(15);
  });

  it('needs a reason to reject or cancel', () => {
    expect(refusal(() => transition(state('REQUESTED'), 'REJECT', 'o', soon, '  ')).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    expect(refusal(() => transition(state('APPROVED'), 'CANCEL', 'o', soon)).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
  });

  it('expires an undecided booking at its deadline, not a moment before, and refuses a late decision', () => {
    const due = state('REQUESTED').decisionDue;
    const justBefore = new Date(due.getTime() - 1);
    expect(transition(state('REQUESTED'), 'APPROVE', 'o', justBefore).to).toBe('APPROVED');
    expect(refusal(() => transition(state('REQUESTED'), 'EXPIRE', 'system', justBefore)).extensions).toMatchObject({ code: 'CONFLICT' });
    const late = refusal(() => transition(state('REQUESTED'), 'APPROVE', 'o', due));
    expect(late.extensions).toMatchObject({ code: 'CONFLICT', status: 'EXPIRED', expired: { to: 'EXPIRED', actor: 'system', at: due } });
    expect(transition(state('REQUESTED'), 'EXPIRE', 'system', due).to).toBe('EXPIRED');
  });

  it('does not approve or cancel an approved booking once its slot has begun', () => {
    const s = { ...state('REQUESTED'), slotStart: new Date('2025-09-30T02:00:00Z') };
    expect(refusal(() => transition(s, 'APPROVE', 'o', soon)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slot' });
    expect(refusal(() => transition({ ...s, status: 'APPROVED' }, 'CANCEL', 'o', soon, '迟到')).extensions).toMatchObject({
      field: 'slot',
    });
  });
});
