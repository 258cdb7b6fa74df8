// Disputes and credits (contract §5): a settled billable outcome stays billed until a dispute is upheld.
import type { CriteriaVersion } from '../criteria/types.ts';
import type { ProblemPath } from '../problems.ts';
import type { Outcome } from './outcome.ts';
import { credit } from './transitions.ts';

/** Why an operator action does not apply: a code to branch on, the field at fault (as in a Problem), a message to show. */
export type DisputeError =
  | { readonly code: 'not_disputable'; readonly path: ProblemPath; readonly message: string }
  | { readonly code: 'no_open_dispute'; readonly path: ProblemPath; readonly message: string }
  | { readonly code: 'invalid_dispute'; readonly path: ProblemPath; readonly message: string };

/** Contract §5: a dispute is opened with a reason and the user who opened it; finance decides with a name too. */
function missing(by: string, text: string, textField: 'reason' | 'note'): DisputeError | null {
  if (by.trim() === '') return { code: 'invalid_dispute', path: ['by'], message: 'must name the user' };
  if (textField === 'reason' && text.trim() === '') return { code: 'invalid_dispute', path: ['reason'], message: 'must say why the outcome is disputed' };
  return null;
}

export function openDispute(o: Outcome, at: number, by: string, reason: string): DisputeError | null {
  const invalid = missing(by, reason, 'reason');
  if (invalid) return invalid;
  if (o.status !== 'billable') {
    return { code: 'not_disputable', path: ['outcomeId'], message: `only a billable outcome can be disputed; ${o.outcomeId} is ${o.status}` };
  }
  if (o.dispute?.status === 'open') {
    return { code: 'not_disputable', path: ['outcomeId'], message: `${o.outcomeId} already has an open dispute` };
  }
  o.dispute = { status: 'open', reason, openedBy: by, openedAt: at, resolvedBy: null, resolvedAt: null };
  o.trail.push({ at, version: o.criteriaVersion, type: 'dispute_opened', by, note: reason });
  return null;
}

/** Upheld: the outcome is credited on the invoice of the period the decision falls in. Rejected: it stays billed. */
export function resolveDispute(
  o: Outcome,
  c: CriteriaVersion,
  at: number,
  by: string,
  resolution: 'upheld' | 'rejected',
  note: string,
): DisputeError | null {
  const invalid = missing(by, note, 'note');
  if (invalid) return invalid;
  if (o.dispute?.status !== 'open') {
    return { code: 'no_open_dispute', path: ['outcomeId'], message: `${o.outcomeId} has no open dispute to resolve` };
  }
  o.dispute.status = resolution;
  o.dispute.resolvedBy = by;
  o.dispute.resolvedAt = at;
  o.trail.push({ at, version: o.criteriaVersion, type: resolution === 'upheld' ? 'dispute_upheld' : 'dispute_rejected', by, note });
  if (resolution === 'upheld') credit(o, c, at);
  return null;
}
