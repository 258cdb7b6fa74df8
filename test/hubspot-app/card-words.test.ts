// The card's words and helpers: every ledger code has words, times are written in the portal's zone, the service's address comes from the profile.
import { describe, expect, it } from 'vitest';
import { backendUrl } from '../../hubspot-app/src/app/cards/api/backend-url.ts';
import { DISPUTE_CATEGORIES } from '../../hubspot-app/src/app/cards/api/schema.ts';
import type { TrailEntry as CardTrailEntry } from '../../hubspot-app/src/app/cards/api/schema.ts';
import { CATEGORY_WORDS } from '../../hubspot-app/src/app/cards/words/disputes.ts';
import { REASON_WORDS, STATUS_NAMES, STATUS_TONES, reasonWords, statusName, statusSentence } from '../../hubspot-app/src/app/cards/words/outcomes.ts';
import { timeWords } from '../../hubspot-app/src/app/cards/words/time.ts';
import { CAUSE_WORDS, DISPUTE_STEP_WORDS, FIELD_WORDS, PRESS_WORDS, SIGNAL_WORDS, trailEntryWords } from '../../hubspot-app/src/app/cards/words/trail.ts';
import type { Outcome, TimerCause, TrailEntry } from '../../src/core/engine/outcome.ts';
import { REASONS, STATUSES } from '../../src/core/types.ts';
import type { SignalKind } from '../../src/core/types.ts';

// The card may not import the service (it is uploaded alone), so it keeps its own words for the ledger's
// codes. These checks fail when the ledger gains a code the card has no words for.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const trailTypes: Exactly<TrailEntry['type'], keyof typeof PRESS_WORDS | keyof typeof DISPUTE_STEP_WORDS | 'signal' | 'transition' | 'late' | 'corrected'> = true;
const signalKinds: Exactly<SignalKind, keyof typeof SIGNAL_WORDS | 'property' | 'crm_read'> = true;
const causes: Exactly<TimerCause | 'signal' | 'dispute', keyof typeof CAUSE_WORDS> = true;
// A correction names the fields that changed: every field but the trail and those the outcome id is made of.
const correctable: Exactly<Exclude<keyof Outcome, 'trail' | 'outcomeId' | 'idempotencyKey' | 'seq' | 'criteriaId' | 'objectType' | 'recordId'>, keyof typeof FIELD_WORDS> = true;

describe("the card's words for the ledger's codes", () => {
  it('has words and a colour for every status and words for every reason, and no others', () => {
    expect(Object.keys(STATUS_NAMES)).toEqual([...STATUSES]);
    expect(Object.keys(STATUS_TONES)).toEqual([...STATUSES]);
    expect(Object.keys(REASON_WORDS).sort()).toEqual([...REASONS].sort());
    expect([trailTypes, signalKinds, causes, correctable]).toEqual([true, true, true, true]);
  });

  it('says a correction in a rep’s words: what arrived late, when it was made, and what it changed', () => {
    const time = timeWords('UTC');
    const lateInput = { input: 'signal', kind: 'property', at: '2026-11-03T09:00:00.000Z', ref: 'evt-1' };
    const base = { at: '2026-11-03T12:00:00.000Z', version: 1, type: 'corrected', lateInput };
    const changed = trailEntryWords({ ...base, change: 'changed', fields: ['status', 'settledAt', 'someNewField'], from: 'not_billable', to: 'billable' }, time);
    expect(changed).toMatch(/^Corrected: A change made .+ arrived late, and the service went over the record again in the order things happened: its status, time it was settled, some new field changed \(.+ → .+\)$/);
    expect(changed).toContain(time.at(lateInput.at));
    expect(changed).toContain(`(${statusName('not_billable')} → ${statusName('billable')})`);
    expect(trailEntryWords({ ...base, change: 'appeared', fields: [], to: 'open' }, time)).toMatch(/: this attempt started then$/);
    expect(trailEntryWords({ ...base, change: 'withdrawn', fields: [], from: 'billable', lateInput: { ...lateInput, input: 'action', kind: 'open_dispute' } }, time)).toMatch(
      /^Corrected: An action made .+: this attempt did not happen after all and is no longer counted or billed$/,
    );
  });

  it('says a code it does not know as it is, rather than hiding it', () => {
    expect(statusName('on_hold')).toBe('on hold');
    expect(reasonWords('budget_exceeded', null)).toBe('budget exceeded');
    expect(trailEntryWords({ at: '2026-11-03T10:00:00.000Z', version: 1, type: 'budget_alert' }, timeWords('UTC'))).toBe('budget alert');
  });

  it('names the dispute categories the service takes', () => {
    expect(Object.keys(CATEGORY_WORDS)).toEqual([...DISPUTE_CATEGORIES]);
  });

  it("confirms a category in the exact words the service stores (test/adapters/http/ui-actions.test.ts pins the same five)", () => {
    expect(Object.values(CATEGORY_WORDS)).toEqual(['Wrong record', 'Outcome not achieved', 'Duplicate', 'Reversed later', 'Other']);
  });

  it('says a late change was counted when it arrived, with the time it was made, in the portal zone', () => {
    const late = { at: '2026-11-03T10:30:00.000Z', version: 1, type: 'late' };
    expect(trailEntryWords({ ...late, signalAt: '2026-11-03T10:04:00.000Z' }, timeWords('Europe/Berlin'))).toBe(
      'A change made 3 Nov, 11:04 arrived too late to be put in its place: counted at this time, unless this attempt had already settled',
    );
    expect(trailEntryWords(late, timeWords('UTC'))).toBe('A change arrived too late to be put in its place: counted at this time, unless this attempt had already settled');
  });

  it('words each trail entry type', () => {
    const at = '2026-11-03T10:00:00.000Z';
    const said = (e: Partial<CardTrailEntry> & { type: string }) => trailEntryWords({ at, version: 1, ...e }, timeWords('UTC'));
    expect(said({ type: 'suppressed' })).toBe('A press was ignored: it came during the cool-down');
    expect(said({ type: 'signal', kind: 'deleted', checks: { success: false } })).toBe('The record was deleted (success criteria not met)');
    expect(said({ type: 'signal', kind: 'crm_read', found: false })).toBe('The service checked the record in HubSpot: the record no longer exists');
    expect(said({ type: 'transition', from: 'open', to: 'failed', cause: 'deadline', reason: 'latency_breach' })).toBe('In progress → Failed: the time limit passed (success came after the time limit)');
    expect(said({ type: 'transition', from: 'in_review', to: 'not_billable', cause: 'signal', reason: 'excluded', label: 'spam' })).toBe(
      'Pending review → Not billable: after a change on the record (a rule excludes it from billing (spam))',
    );
    expect(said({ type: 'dispute_rejected', by: { userId: 3, email: 'lead@example.com' }, note: 'Work was done' })).toBe('Dispute rejected: the outcome stays billed by lead@example.com: Work was done');
  });
});

describe('times in the portal time zone', () => {
  it('writes an instant in the zone, across a daylight-saving change', () => {
    const ny = timeWords('America/New_York');
    expect(ny.at('2026-11-04T15:04:00.000Z')).toBe('4 Nov, 10:04');
    expect(ny.at('2026-10-30T14:04:00.000Z')).toBe('30 Oct, 10:04');
    expect(ny.on('2027-01-01T04:59:00.000Z')).toBe('31 Dec 2026, 23:59');
  });

  it('falls back to UTC, and says so, for a zone it does not know', () => {
    const unknown = timeWords('Mars/Olympus_Mons');
    expect(unknown.zone).toBe('UTC');
    expect(unknown.at('2026-11-04T10:04:00.000Z')).toBe('4 Nov, 10:04');
    expect(timeWords(undefined).zone).toBe('UTC');
  });

  it('puts the wait of an outcome into its status sentence', () => {
    const berlin = timeWords('Europe/Berlin');
    const base = { reason: null, label: null, deadline: null, reviewEndsAt: null };
    expect(statusSentence({ ...base, status: 'in_review', reviewEndsAt: '2026-11-04T09:04:00.000Z' }, berlin)).toBe('Pending review until 4 Nov, 10:04');
    expect(statusSentence({ ...base, status: 'not_billable', reason: 'latency_breach' }, berlin)).toBe('Not billable: success came after the time limit');
    expect(statusSentence({ ...base, status: 'billable' }, berlin)).toBe('Billable');
  });
});

describe("the service's address", () => {
  it.each([
    [{ BACKEND_URL: 'https://billing.acme.test' }, 'https://billing.acme.test'],
    [{ BACKEND_URL: 'https://billing.acme.test/' }, 'https://billing.acme.test'],
    [{ BACKEND_URL: ' https://billing.acme.test:8443 ' }, 'https://billing.acme.test:8443'],
    [{ BACKEND_URL: 'http://billing.acme.test' }, null],
    [{ BACKEND_URL: 'https://billing.acme.test/api' }, null],
    [{ BACKEND_URL: 'billing.acme.test' }, null],
    [{ BACKEND_URL: 443 }, null],
    [{ OTHER: 'https://billing.acme.test' }, null],
    [undefined, null],
  ])('comes from the profile variable BACKEND_URL as a bare https origin: %j → %s', (variables, expected) => {
    expect(backendUrl(variables)).toBe(expected);
  });
});
