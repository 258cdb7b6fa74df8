// Audit-trail entries in the reps' words: what happened to the attempt, in the order it happened.
//
// The keys are the trail's entry types and causes (docs/card-api.md); test/hubspot-app checks them.
import type { TrailEntry } from '../api/schema.ts';
import { reasonWords, statusName } from './outcomes.ts';
import type { TimeWords } from './time.ts';

export const PRESS_WORDS = {
  opened: 'The agent started this attempt',
  retry: 'The agent pressed again: counted as a retry of this attempt',
  duplicate: 'The agent pressed again: counted as a duplicate, not billed again',
  suppressed: 'A press was ignored: it came during the cool-down',
} as const;

/**
 * A change that came too late to be put in its place (past the late horizon): the service applied it,
 * and counted a press in it, at the entry's time, unless the press belonged to an attempt settled by then.
 */
function lateWords(entry: TrailEntry, time: TimeWords): string {
  const made = entry.signalAt ? ` made ${time.at(entry.signalAt)}` : '';
  return `A change${made} arrived too late to be put in its place: counted at this time, unless this attempt had already settled`;
}

/** Outcome fields a correction names (`corrected` entries' `fields`), in a rep's words. */
export const FIELD_WORDS = {
  criteriaVersion: 'criteria version',
  openedAt: 'start time',
  agentId: 'agent',
  status: 'status',
  reason: 'reason',
  label: 'exclusion label',
  tries: 'number of tries',
  suppressed: 'ignored presses',
  duplicates: 'repeated presses',
  lastPressAt: 'time of the last press',
  deadline: 'time limit',
  succeededAt: 'time of success',
  reviewEndsAt: 'end of the review period',
  settledAt: 'time it was settled',
  billingPeriod: 'billing month',
  dispute: 'dispute',
  costCentre: 'cost centre',
  overLimit: 'over-budget mark',
  creditedAt: 'time of the credit',
  creditPeriod: 'credit month',
} as const;

/**
 * The service got a change (or an operator action) after later ones and worked the record out again in
 * the order things really happened: this attempt came out different, started, or turned out not to exist.
 */
function correctedWords(entry: TrailEntry, time: TimeWords): string {
  const late = entry.lateInput;
  const what = late?.input === 'action' ? 'An action' : 'A change';
  const made = late?.at ? ` made ${time.at(late.at)}` : '';
  const head = `Corrected: ${what}${made} arrived late, and the service went over the record again in the order things happened`;
  if (entry.change === 'appeared') return `${head}: this attempt started then`;
  if (entry.change === 'withdrawn') return `${head}: this attempt did not happen after all and is no longer counted or billed`;
  const fields = (entry.fields ?? []).map((f) => (known(FIELD_WORDS, f) ? FIELD_WORDS[f] : f.replace(/([A-Z])/g, ' $1').toLowerCase()));
  const status = entry.from && entry.to && entry.from !== entry.to ? ` (${statusName(entry.from)} → ${statusName(entry.to)})` : '';
  return `${head}: ${fields.length > 0 ? `its ${fields.join(', ')} changed` : 'it changed'}${status}`;
}

export const SIGNAL_WORDS = {
  created: 'The record was created',
  deleted: 'The record was deleted',
  restored: 'The record was restored',
  merged: 'Another record was merged into this one',
  merged_away: 'This record was merged into another',
} as const;

export const CAUSE_WORDS = {
  signal: 'after a change on the record',
  deadline: 'the time limit passed',
  review_end: 'the review period ended',
  retry_window_end: 'the time for retries ended',
  dispute: 'after a dispute',
} as const;

export const DISPUTE_STEP_WORDS = {
  dispute_opened: 'Dispute opened',
  dispute_upheld: 'Dispute upheld: the outcome is credited',
  dispute_rejected: 'Dispute rejected: the outcome stays billed',
} as const;

const known = <T extends object>(table: T, key: string | undefined): key is Extract<keyof T, string> => key !== undefined && Object.hasOwn(table, key);

function checked(entry: TrailEntry): string {
  const success = entry.checks?.success;
  return success === undefined ? '' : success ? ' (success criteria met)' : ' (success criteria not met)';
}

function signalWords(entry: TrailEntry): string {
  if (entry.kind === 'property') return `${entry.property ?? 'A property'} changed to “${entry.value ?? ''}”${checked(entry)}`;
  if (entry.kind === 'crm_read') {
    const found = entry.found === false ? ': the record no longer exists' : '';
    return `The service checked the record in HubSpot${found}${checked(entry)}`;
  }
  const words = known(SIGNAL_WORDS, entry.kind) ? SIGNAL_WORDS[entry.kind] : `Record change: ${entry.kind ?? 'unknown'}`;
  return `${words}${checked(entry)}`;
}

function transitionWords(entry: TrailEntry): string {
  const cause = known(CAUSE_WORDS, entry.cause) ? CAUSE_WORDS[entry.cause] : entry.cause;
  const because = entry.reason ? ` (${reasonWords(entry.reason, entry.label ?? null)})` : '';
  return `${statusName(entry.from ?? '?')} → ${statusName(entry.to ?? '?')}${cause ? `: ${cause}` : ''}${because}`;
}

/** One entry as a sentence (its time is shown beside it); times inside it are written with `time`. */
export function trailEntryWords(entry: TrailEntry, time: TimeWords): string {
  if (known(PRESS_WORDS, entry.type)) return PRESS_WORDS[entry.type];
  if (entry.type === 'late') return lateWords(entry, time);
  if (entry.type === 'corrected') return correctedWords(entry, time);
  if (entry.type === 'signal') return signalWords(entry);
  if (entry.type === 'transition') return transitionWords(entry);
  if (known(DISPUTE_STEP_WORDS, entry.type)) {
    const by = entry.by ? ` by ${entry.by.email}` : '';
    return `${DISPUTE_STEP_WORDS[entry.type]}${by}${entry.note ? `: ${entry.note}` : ''}`;
  }
  return entry.type.replace(/_/g, ' ');
}
