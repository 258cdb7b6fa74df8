// Disputes and credits (contract §5): a settled billable outcome stays billed until a dispute is upheld.
import type { CriteriaVersion } from '../criteria/types.ts';
import type { ProblemPath } from '../problems.ts';
import type { UserRef } from '../types.ts';
import type { Outcome } from './outcome.ts';
import { credit } from './transitions.ts';
import { invalidUser } from './users.ts';

/** Why an operator action does not apply: a code to branch on, the field at fault (as in a Problem), a message to show. */
export type DisputeError =
  | { readonly code: 'not_disputable'; readonly path: ProblemPath; readonly message: string }
  | { readonly code: 'no_open_dispute'; readonly path: ProblemPath; readonly message: string }
  | { readonly code: 'invalid_dispute'; readonly path: ProblemPath; readonly message: string };

/** Contract §5: a dispute is opened with a reason and the user who opened it; a resolution has a user and a note. */
function missing(by: UserRef, text: string, textField: 'reason' | 'note'): DisputeError | null {
  const user = invalidUser(by);
  if (user) return { code: 'invalid_dispute', ...user };
  if (text.trim() !== '') return null;
  const message = textField === 'reason' ? 'must say why the outcome is disputed' : 'must say why the dispute is resolved so';
  return { code: 'invalid_dispute', path: [textField], message };
}

export function openDispute(o: Outcome, at: number, by: UserRef, reason: string): DisputeError | null {
  const invalid = missing(by, reason, 'reason');
  if (invalid) return invalid;
  if (o.status !== 'billable') {
    return { code: 'not_disputable', path: ['outcomeId'], message: `only a billable outcome can be disputed; ${o.outcomeId} is ${o.status}` };
  }
  if (o.dispute?.state === 'open') {
    return { code: 'not_disputable', path: ['outcomeId'], message: `${o.outcomeId} already has an open dispute` };
  }
  o.dispute = { state: 'open', reason, openedBy: by, openedAt: at, resolvedBy: null, resolvedAt: null, note: null };
  o.trail.push({ at, version: o.criteriaVersion, type: 'dispute_opened', by, note: reason });
  return null;
}

/** Upheld: the outcome is credited on the invoice of the period the decision falls in. Rejected: it stays billed. */
export function resolveDispute(
  o: Outcome,
  c: CriteriaVersion,
  at: number,
  by: UserRef,
  resolution: 'upheld' | 'rejected',
  note: string,
): DisputeError | null {
  const invalid = missing(by, note, 'note');
  if (invalid) return invalid;
  if (o.dispute?.state !== 'open') {
    return { code: 'no_open_dispute', path: ['outcomeId'], message: `${o.outcomeId} has no open dispute to resolve` };
  }
  o.dispute.state = resolution;
  o.dispute.resolvedBy = by;
  o.dispute.resolvedAt = at;
  o.dispute.note = note;
  o.trail.push({ at, version: o.criteriaVersion, type: resolution === 'upheld' ? 'dispute_upheld' : 'dispute_rejected', by, note });
  if (resolution === 'upheld') credit(o, c, at);
  return null;
}
