// Rules that a single-point change to the core once broke without any test noticing (issue 11), one block each.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/engine/decide.ts';
import type { DisputeAction } from '../../../src/core/engine/input.ts';
import { PauseTimeline } from '../../../src/core/engine/pauses.ts';
import { outcomeView } from '../../../src/core/ledger-view.ts';
import type { UserRef } from '../../../src/core/types.ts';
import { at, criteriaSet, iso, run } from '../../support/scenario.ts';
import { CAP1, checkCase, closed, K, NY, press, reopened, TRIGGER } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

/** Cap 1 a day in New York, one key for every press so the second success is a second attempt on the key. */
const NY_CAP = [{ ...CAP1, idempotency_period: 'none', timezone: NY }];

const capInZoneCases: Case[] = [
  {
    // 18:30 and 20:00 in New York; 23:30 and 01:00 UTC. A bucket of the new success taken in UTC would miss it.
    rule: '§3 cap: two successes on one New York day that straddle UTC midnight share the cap (the second is capped)',
    criteria: NY_CAP,
    steps: [press('2026-11-03T23:00:00Z'), closed('2026-11-03T23:30:00Z'), reopened('2026-11-03T23:31:00Z'), press('2026-11-04T00:30:00Z'), closed('2026-11-04T01:00:00Z')],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached', succeededAt: '2026-11-04T01:00:00.000Z' }],
  },
  {
    // 20:00 and 22:00 in New York, both on the next UTC day. A bucket of the earlier success taken in UTC would miss it.
    rule: '§3 cap: two successes on one New York day, both after UTC midnight, share the cap',
    criteria: NY_CAP,
    steps: [press('2026-11-04T00:30:00Z'), closed('2026-11-04T01:00:00Z'), reopened('2026-11-04T01:01:00Z'), press('2026-11-04T02:30:00Z'), closed('2026-11-04T03:00:00Z')],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }],
  },
];

const WHEN_GO = { trigger: { property: TRIGGER, when: `${TRIGGER} = 'go'` } };

const pressAfterChangeCases: Case[] = [
  {
    rule: '§3 press: when is read after the signal is applied (the value it sets counts; the one it replaces does not)',
    criteria: [WHEN_GO],
    steps: [press(0, '1', 'go'), press(10, '1', 'stop')],
    until: 11,
    expect: [{ outcomeId: `${K}#1`, openedAt: iso(0), tries: 1 }],
  },
  {
    rule: '§3 press: a signal that makes when false is not a press, even though when held before it',
    criteria: [WHEN_GO],
    records: [{ id: '1', properties: { [TRIGGER]: 'go' } }],
    steps: [press(0, '1', 'stop')],
    expect: [],
  },
];

const goneTieCases: Case[] = [
  {
    rule: '§3 a deletion and a restore at the same occurredAt: the later signal wins (restored: the success counts)',
    steps: [press(0), { at: 10, kind: 'deleted' }, { at: 10, kind: 'restored' }, closed(20)],
    expect: [{ status: 'billable', succeededAt: iso(20) }],
  },
  {
    rule: '§3 a restore and a deletion at the same occurredAt: the later signal wins (deleted: the success is not seen)',
    steps: [press(0), { at: 10, kind: 'restored' }, { at: 10, kind: 'deleted' }, closed(20)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: iso(60) }],
  },
  {
    rule: '§3 a merge and a restore at the same occurredAt: the later signal wins (restored)',
    steps: [press(0), { at: 10, mergedInto: '2' }, { at: 10, kind: 'restored' }, closed(20)],
    expect: [{ status: 'billable', succeededAt: iso(20) }],
  },
];

describe('planted: the cap period is the criteria time zone’s, for both successes', () => it.each(capInZoneCases)('$rule', checkCase));
describe('planted: trigger.when sees the record after the signal', () => it.each(pressAfterChangeCases)('$rule', checkCase));
describe('planted: ties between deletion and restore', () => it.each(goneTieCases)('$rule', checkCase));

const K1 = `${K}#1`;
const ANN: UserRef = { userId: 7, email: 'ann@example.com' };

/** A billable outcome (press at 0, success at 5), then `actions` through decide(): the last one's result. */
function act(...actions: DisputeAction[]) {
  const criteria = criteriaSet();
  const state = run([press(0), closed(5)], { criteria, until: 10 }).states.get('ticket:1')!;
  const trail = state.outcomes[0]!.trail.length;
  let last = null as ReturnType<typeof decide> | null;
  for (const a of actions) last = decide(state, a, criteria);
  return { last: last!, outcome: state.outcomes[0]!, trailBefore: trail };
}
const open = (o: Partial<Extract<DisputeAction, { type: 'open_dispute' }>> = {}): DisputeAction => ({
  type: 'open_dispute',
  at: at(20),
  outcomeId: K1,
  by: ANN,
  reason: 'The customer reopened it.',
  ...o,
});
const resolve = (o: Partial<Extract<DisputeAction, { type: 'resolve_dispute' }>> = {}): DisputeAction => ({
  type: 'resolve_dispute',
  at: at(30),
  outcomeId: K1,
  by: ANN,
  resolution: 'upheld',
  note: 'Checked with the customer.',
  ...o,
});

describe('planted: a blank reason, note or user is refused (§5, §7)', () => {
  it.each([
    { rule: 'a reason of spaces only', action: open({ reason: '   ' }), path: ['reason'], message: 'must say why the outcome is disputed' },
    { rule: 'a reason of tabs and newlines', action: open({ reason: '\t\n ' }), path: ['reason'], message: 'must say why the outcome is disputed' },
    { rule: 'an email of spaces only', action: open({ by: { userId: 7, email: '  ' } }), path: ['by', 'email'], message: 'must be the email of who acted' },
    { rule: 'no user id (0)', action: open({ by: { userId: 0, email: 'ann@example.com' } }), path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' },
    { rule: 'a negative user id', action: open({ by: { userId: -7, email: 'ann@example.com' } }), path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' },
    { rule: 'a fractional user id', action: open({ by: { userId: 7.5, email: 'ann@example.com' } }), path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' },
  ])('opening a dispute: $rule is refused and changes nothing', ({ action, path, message }) => {
    const { last, outcome, trailBefore } = act(action);
    expect(last).toMatchObject({ ok: false, error: { code: 'invalid_dispute', path, message } });
    expect(outcome.dispute).toBeNull();
    expect(outcome.trail).toHaveLength(trailBefore);
  });

  it.each([
    { rule: 'a note of spaces only', action: resolve({ note: '  ' }), path: ['note'], message: 'must say why the dispute is resolved so' },
    { rule: 'an email of spaces only', action: resolve({ by: { userId: 8, email: ' \t' } }), path: ['by', 'email'], message: 'must be the email of who acted' },
  ])('resolving a dispute: $rule is refused and leaves it open', ({ action, path, message }) => {
    const { last, outcome } = act(open(), action);
    expect(last).toMatchObject({ ok: false, error: { code: 'invalid_dispute', path, message } });
    expect(outcomeView(outcome)).toMatchObject({ status: 'billable', dispute: { state: 'open', resolvedBy: null, resolvedAt: null, note: null } });
  });

  it('a reason with text around spaces is kept as written', () => {
    const { last, outcome } = act(open({ reason: '  reopened  ' }));
    expect(last.ok).toBe(true);
    expect(outcome.dispute).toMatchObject({ state: 'open', reason: '  reopened  ', openedBy: ANN });
  });

  it.each([
    { rule: 'a note of spaces only', by: ANN, note: '   ', path: ['note'] },
    { rule: 'an email of spaces only', by: { userId: 7, email: '   ' }, note: 'Incident 42.', path: ['by', 'email'] },
    { rule: 'no user id', by: { userId: 0, email: 'ann@example.com' }, note: 'Incident 42.', path: ['by', 'userId'] },
  ])('pausing: $rule is refused and nothing is paused', ({ by, note, path }) => {
    const timeline = new PauseTimeline();
    const error = timeline.apply({ type: 'pause', at: at(0), by, criteriaId: 'resolve', note }, () => true);
    expect(error).toMatchObject({ code: 'invalid_action', path });
    expect(timeline.pausedNow('resolve')).toBe(false);
    expect(timeline.isPaused('resolve', at(1))).toBe(false);
  });
});
