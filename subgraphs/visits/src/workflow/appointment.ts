/**
 * The booking workflow of a rep visit (有预约、有流程, seed 004 item (15); issue 11):
 *
 *   REQUESTED ──approve──▶ APPROVED ──cancel (before the slot)──▶ CANCELLED
 *       │ ├──reject (reason)──▶ REJECTED
 *       │ └──cancel (reason)──▶ CANCELLED
 *       └──no decision within 3 working days──▶ EXPIRED   (a finding against the hospital)
 *
 * The provincial rules (DOMAIN.md, "Pharma payments, rep visits and prescribing") have a booking
 * answered within 3 working days; the count is a versioned threshold (`decisionWorkingDays`), passed
 * in. Cancelling an approved booking before its slot is allowed (a rep who cannot come, a doctor called
 * away): the visit then never happens, and the record says who cancelled and why. Every other move is
 * refused with CONFLICT naming the current status; a decision once the deadline has passed is refused
 * too, and the booking is expired instead. Pure: the caller stores the transition it returns.
 */
import { appError, badInput } from '#common/errors.js';
import { workingDaysDeadline, type WorkCalendar } from '#platform/calendar/working-days.js';

export const APPOINTMENT_STATUSES = ['REQUESTED', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export type AppointmentAction = 'APPROVE' | 'REJECT' | 'CANCEL' | 'EXPIRE';

interface Move {
  from: readonly AppointmentStatus[];
  to: AppointmentStatus;
  /** Whether the actor must say why (kept with the transition). */
  reasonRequired: boolean;
}

export const MOVES: Readonly<Record<AppointmentAction, Move>> = {
  APPROVE: { from: ['REQUESTED'], to: 'APPROVED', reasonRequired: false },
  REJECT: { from: ['REQUESTED'], to: 'REJECTED', reasonRequired: true },
  CANCEL: { from: ['REQUESTED', 'APPROVED'], to: 'CANCELLED', reasonRequired: true },
  EXPIRE: { from: ['REQUESTED'], to: 'EXPIRED', reasonRequired: false },
};

export interface AppointmentState {
  status: AppointmentStatus;
  requestedAt: Date;
  /** When an undecided booking expires (decisionDeadline). */
  decisionDue: Date;
  slotStart: Date;
}

export interface Transition {
  from: AppointmentStatus;
  to: AppointmentStatus;
  action: AppointmentAction;
  /** Who: the caller's subject (user or machine client), or `system` for an expiry. */
  actor: string;
  at: Date;
  reason: string | null;
}

/** The moment an undecided booking requested at `requestedAt` expires: the end of the nth working day after it. */
export const decisionDeadline = (requestedAt: Date, workingDays: number, calendar?: WorkCalendar): Date =>
  workingDaysDeadline(requestedAt, workingDays, calendar);

/** Whether a booking is overdue at `now`: still undecided at its deadline. */
export const isOverdue = (state: AppointmentState, now: Date): boolean =>
  state.status === 'REQUESTED' && now.getTime() >= state.decisionDue.getTime();

/**
 * The transition `action` makes of `state` at `now`, or a GraphQL error: CONFLICT for a move the
 * workflow does not have from the current status (or a decision after the deadline — the caller
 * stores the expiry returned in `extensions.expired`), BAD_USER_INPUT (field `reason`) for a missing
 * reason, and for approving or cancelling a slot that has already begun.
 */
export function transition(
  state: AppointmentState,
  action: AppointmentAction,
  actor: string,
  now: Date,
  reason?: string | null,
): Transition {
  const move = MOVES[action];
  const why = reason?.trim() ? reason.trim() : null;
  if (!move.from.includes(state.status))
    throw appError('CONFLICT', `cannot ${action.toLowerCase()} a booking that is ${state.status}`, {
      field: 'action',
      status: state.status,
    });
  if (action !== 'EXPIRE' && isOverdue(state, now))
    throw appError('CONFLICT', `the booking expired at ${state.decisionDue.toISOString()} without a decision`, {
      field: 'action',
      status: 'EXPIRED',
      expired: expiry(state),
    });
  if (action === 'EXPIRE' && !isOverdue(state, now))
    throw appError('CONFLICT', `the booking is not due before ${state.decisionDue.toISOString()}`, {
      field: 'action',
      status: state.status,
    });
  if (move.reasonRequired && !why) throw badInput('reason', `reason: say why the booking is ${move.to.toLowerCase()}`);
  if (why && why.length > 500) throw badInput('reason', 'reason must be at most 500 characters');
  if ((action === 'APPROVE' || (action === 'CANCEL' && state.status === 'APPROVED')) && now.getTime() >= state.slotStart.getTime())
    throw badInput('slot', `the slot began at ${state.slotStart.toISOString()}: it can no longer be ${move.to.toLowerCase()}`);
  return { from: state.status, to: move.to, action, actor, at: now, reason: why };
}

/** The expiry of an overdue booking, as the system records it: at its deadline, not when it was noticed. */
export function expiry(state: AppointmentState): Transition {
  return { from: 'REQUESTED', to: 'EXPIRED', action: 'EXPIRE', actor: 'system', at: state.decisionDue, reason: '答复期限内未作决定' };
}
