// Statuses and reasons in the reps' words: "Billable", "Pending review until 4 Nov, 10:04", "Not billable: success came after the time limit".
//
// The keys are the ledger's codes (outcome-contract.md §3–§4); test/hubspot-app checks they are all of them.
import type { Outcome } from '../api/schema.ts';
import type { TimeWords } from './time.ts';

export const STATUS_NAMES = {
  open: 'In progress',
  failed: 'Failed',
  in_review: 'Pending review',
  billable: 'Billable',
  not_billable: 'Not billable',
  credited: 'Credited',
} as const;

export const REASON_WORDS = {
  insufficient_inputs: 'the record lacked information the agent needed',
  policy_block: 'a CRM policy blocked the agent',
  third_party_failure: 'a service the agent relies on failed',
  duplicate_or_merge_required: 'the record is a duplicate or has to be merged first',
  latency_breach: 'success came after the time limit',
  human_review_fail: 'it did not pass review',
  reversed: 'success was undone during the review period',
  excluded: 'a rule excludes it from billing',
  cap_reached: 'the record already had as many billable outcomes as the limit allows',
  unclassified: 'the work failed and no rule names why',
} as const;

/** How the card colours a status (StatusTag variants). */
export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'default';
export const STATUS_TONES: Readonly<Record<keyof typeof STATUS_NAMES, Tone>> = {
  open: 'info',
  failed: 'danger',
  in_review: 'warning',
  billable: 'success',
  not_billable: 'default',
  credited: 'info',
};

const known = <T extends object>(table: T, key: string): key is Extract<keyof T, string> => Object.hasOwn(table, key);

/** A code a newer service sends that the card has no words for yet: said as it is, never hidden. */
const asIs = (code: string) => code.replace(/_/g, ' ');

export function statusName(status: string): string {
  return known(STATUS_NAMES, status) ? STATUS_NAMES[status] : asIs(status);
}

export function statusTone(status: string): Tone {
  return known(STATUS_TONES, status) ? STATUS_TONES[status] : 'default';
}

export function reasonWords(reason: string, label: string | null): string {
  const words = known(REASON_WORDS, reason) ? REASON_WORDS[reason] : asIs(reason);
  return label ? `${words} (${label})` : words;
}

/** Why an over-limit outcome costs nothing (contract §8), in a rep's words. */
export const OVER_LIMIT_WORDS = "over budget limit, not charged: this billing period's spending limit for these criteria was already reached";

/** The outcome's status as one sentence, with the time it waits for when it waits. */
export function statusSentence(o: Pick<Outcome, 'status' | 'reason' | 'label' | 'deadline' | 'reviewEndsAt'> & Partial<Pick<Outcome, 'overLimit'>>, time: TimeWords): string {
  const name = statusName(o.status);
  if (o.overLimit === true && o.status === 'billable') return `${name}, but ${OVER_LIMIT_WORDS}`;
  if (o.overLimit === true && o.status === 'credited') return `${name}: a dispute was upheld (it was over budget limit and never charged, so nothing is credited)`;
  const because = o.reason ? `: ${reasonWords(o.reason, o.label)}` : '';
  if (o.status === 'in_review' && o.reviewEndsAt) return `${name} until ${time.at(o.reviewEndsAt)}`;
  if (o.status === 'open' && o.deadline) return `${name}: the time limit is ${time.at(o.deadline)}`;
  if (o.status === 'credited') return `${name}: a dispute was upheld`;
  return `${name}${because}`;
}
