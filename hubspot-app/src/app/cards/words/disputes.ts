// Disputes in the reps' words: the reasons one can give, the resolutions, and where a dispute stands.
import type { Dispute, DisputeCategory, Resolution } from '../api/schema.ts';
import type { TimeWords } from './time.ts';

/** The service stores a dispute's reason as the category's words and the note (docs/card-api.md). */
export const CATEGORY_WORDS: Readonly<Record<DisputeCategory, string>> = {
  wrong_record: 'Wrong record',
  not_achieved: 'Outcome not achieved',
  duplicate: 'Duplicate',
  reversed_later: 'Reversed later',
  other: 'Other',
};

export const RESOLUTION_WORDS: Readonly<Record<Resolution, string>> = {
  upheld: 'Uphold: credit the customer for this outcome',
  rejected: 'Reject: the outcome stays billed',
};

/** Where the outcome's latest dispute stands, with who and when. */
export function disputeSentence(d: Dispute, time: TimeWords): string {
  const opened = `opened ${time.at(d.openedAt)} by ${d.openedBy.email}: ${d.reason}`;
  if (d.state === 'open') return `Dispute open (${opened}). It stays billed until a resolver decides.`;
  const decided = d.resolvedAt ? ` ${time.at(d.resolvedAt)}` : '';
  const by = d.resolvedBy ? ` by ${d.resolvedBy.email}` : '';
  const note = d.note ? `: ${d.note}` : '';
  const verdict = d.state === 'upheld' ? 'Dispute upheld' : 'Dispute rejected';
  return `${verdict}${decided}${by}${note} (${opened}).`;
}
