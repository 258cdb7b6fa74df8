// Lifecycle tables: §3 steps 1 and 2 for a press on a key that has an attempt (cool-down, retry, duplicate).
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { checkCase, closed, FAIL_IF, failSignal, K, keyOf, press, put } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const COOL = { cooldown: '5m', retry_window: '30m' };

const cooldownCases: Case[] = [
  {
    rule: '§3 step 1: a press less than cooldown after the previous accepted press is suppressed',
    criteria: [COOL],
    steps: [press(0), press(4)],
    until: 10,
    expect: [{ status: 'open', tries: 1, suppressed: 1, duplicates: 0 }],
  },
  {
    rule: '§3 step 1: a press exactly cooldown later is not suppressed (boundary)',
    criteria: [COOL],
    steps: [press(0), press(5)],
    until: 10,
    expect: [{ status: 'open', tries: 2, suppressed: 0, deadline: iso(65) }],
  },
  {
    rule: '§3 step 1: a suppressed press does not extend the deadline',
    criteria: [COOL],
    steps: [press(0), press(4)],
    until: 10,
    expect: [{ status: 'open', deadline: iso(60), suppressed: 1 }],
  },
  {
    rule: '§3 step 1: a suppressed press changes nothing else: the attempt still fails at its first deadline',
    criteria: [COOL],
    steps: [press(0), press(4)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60), tries: 1, suppressed: 1 }],
  },
  {
    rule: '§3 step 1: cooldown counts from the previous accepted press, not from a suppressed one',
    criteria: [COOL],
    steps: [press(0), press(3), press(6)],
    until: 10,
    expect: [{ tries: 2, suppressed: 1, deadline: iso(66) }],
  },
  {
    rule: '§3 step 1: every suppressed press is counted on the attempt',
    criteria: [COOL],
    steps: [press(0), press(1), press(2), press(3)],
    until: 10,
    expect: [{ tries: 1, suppressed: 3 }],
  },
  {
    rule: '§3 step 1: cooldown applies before step 2: a press on a billable attempt is suppressed, not a duplicate',
    criteria: [{ cooldown: '10m', retry_window: '30m' }],
    steps: [press(0), closed(1), press(5)],
    expect: [{ status: 'billable', suppressed: 1, duplicates: 0, settledAt: iso(1) }],
  },
  {
    rule: '§3 step 1: a duplicate is an accepted press: cooldown counts from it',
    criteria: [{ ...COOL, review_window: '1h' }],
    steps: [press(0), closed(1), press(10), press(12)],
    until: 20,
    expect: [{ status: 'in_review', tries: 1, duplicates: 1, suppressed: 1 }],
  },
  {
    rule: '§3 step 1: a suppressed press on a not_billable attempt opens no new attempt',
    criteria: [{ cooldown: '10m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), press(5)],
    expect: [{ outcomeId: `${K}#1`, status: 'not_billable', reason: 'unclassified', settledAt: iso(1), suppressed: 1 }],
  },
  {
    rule: '§3 step 1: a suppressed press on a failed attempt is not a retry (tries unchanged, still failed)',
    criteria: [{ cooldown: '10m', retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), press(5)],
    until: 6,
    expect: [{ status: 'failed', reason: 'unclassified', tries: 1, suppressed: 1 }],
  },
  {
    rule: '§3 step 1: cooldown is per key: a press in the next day bucket is not suppressed',
    criteria: [{ cooldown: '10m', retry_window: '1h' }],
    steps: [press('2026-11-03T23:55:00Z'), press('2026-11-04T00:01:00Z')],
    until: '2026-11-04T00:02:00Z',
    expect: [
      { idempotencyKey: keyOf('2026-11-03'), suppressed: 0, tries: 1 },
      { idempotencyKey: keyOf('2026-11-04'), suppressed: 0, tries: 1 },
    ],
  },
];

describe('§3 step 1 cooldown', () => it.each(cooldownCases)('$rule', checkCase));

const retryCases: Case[] = [
  {
    rule: '§3 step 2: retry of an open attempt: tries grows, deadline = t + within',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(20)],
    until: 25,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, openedAt: iso(0), deadline: iso(80) }],
  },
  {
    rule: '§3 step 2: after a retry, success before the new deadline (after the first) counts',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(20), closed(70)],
    expect: [{ status: 'billable', tries: 2, succeededAt: iso(70), settledAt: iso(70) }],
  },
  {
    rule: '§3 step 2: retry_window is inclusive: a press exactly retry_window after the first is a retry',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(30)],
    until: 31,
    expect: [{ outcomeId: `${K}#1`, tries: 2, deadline: iso(90) }],
  },
  {
    rule: '§3 step 2: a press past the retry window is a new attempt #2',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(31)],
    until: 32,
    expect: [
      { outcomeId: `${K}#1`, status: 'open', tries: 1, deadline: iso(60) },
      { outcomeId: `${K}#2`, status: 'open', tries: 1, deadline: iso(91) },
    ],
  },
  {
    rule: '§3 step 2: the retry window counts from the attempt’s first press, not its latest retry',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(20), press(40)],
    until: 41,
    expect: [
      { outcomeId: `${K}#1`, tries: 2 },
      { outcomeId: `${K}#2`, tries: 1, openedAt: iso(40) },
    ],
  },
  {
    rule: '§3 step 2: retry of a failed attempt: open again, reason cleared, deadline = t + within',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0), press(90)],
    until: 100,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, reason: null, deadline: iso(150) }],
  },
  {
    rule: '§3 step 2: a retried failed (fail_if) attempt can still succeed',
    criteria: [{ retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5), put(8, { agent_status: 'ok' }), press(10), closed(15)],
    expect: [{ status: 'billable', tries: 2, reason: null, succeededAt: iso(15) }],
  },
  {
    rule: '§3 step 2: a retry while fail_if still holds fails again in the same re-check',
    criteria: [{ retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5), press(10)],
    until: 12,
    expect: [{ status: 'failed', reason: 'unclassified', tries: 2 }],
  },
  {
    rule: '§3 step 2: a press on an in_review attempt within the window is a duplicate (review end unchanged)',
    criteria: [{ retry_window: '30m', review_window: '1h' }],
    steps: [press(0), closed(5), press(10)],
    until: 20,
    expect: [{ status: 'in_review', tries: 1, duplicates: 1, reviewEndsAt: iso(65) }],
  },
  {
    rule: '§3 step 2: a press on a billable attempt within the window is a duplicate',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), closed(5), press(10)],
    expect: [{ outcomeId: `${K}#1`, status: 'billable', tries: 1, duplicates: 1, settledAt: iso(5) }],
  },
  {
    rule: '§3 step 2: a press on a not_billable attempt within the window goes to step 3: new attempt #2',
    criteria: [{ retry_window: '30m', review_window: '1h', reject_if: "billing_review = 'rejected'" }],
    steps: [press(0), closed(5), put(6, { billing_review: 'rejected' }), put(7, { billing_review: 'pending' }), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'human_review_fail', settledAt: iso(6), duplicates: 0 },
      { outcomeId: `${K}#2`, status: 'billable', tries: 1, succeededAt: iso(10), settledAt: iso(70) },
    ],
  },
  {
    rule: '§3 step 2: past the retry window an in_review attempt takes no duplicate: step 3 opens #2',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', duplicates: 0, settledAt: iso(65) },
      { outcomeId: `${K}#2`, status: 'billable', succeededAt: iso(10), settledAt: iso(70) },
    ],
  },
  {
    rule: '§3 step 3: past the retry window an open attempt stays open beside the new one',
    steps: [press(0), press(10), closed(20)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', tries: 1, settledAt: iso(20) },
      { outcomeId: `${K}#2`, status: 'billable', tries: 1, settledAt: iso(20) },
    ],
  },
];

describe('§3 step 2 retry and duplicate', () => it.each(retryCases)('$rule', checkCase));
