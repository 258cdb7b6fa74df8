// Lifecycle tables: the §1 defaults that shape the lifecycle (outcome-contract.md §1, §3).
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { checkCase, closed, K, keyOf, press, reopened } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const defaults: Case[] = [
  {
    rule: '§1 default review_window 0: success settles billable at once',
    steps: [press(0), closed(5)],
    expect: [
      {
        outcomeId: `${K}#1`,
        idempotencyKey: K,
        criteriaId: 'resolve',
        criteriaVersion: 1,
        objectType: 'ticket',
        recordId: '1',
        status: 'billable',
        reason: null,
        label: null,
        tries: 1,
        suppressed: 0,
        duplicates: 0,
        openedAt: iso(0),
        succeededAt: iso(5),
        settledAt: iso(5),
        billingPeriod: '2026-11',
      },
    ],
  },
  {
    rule: '§1 default retry_window 0: a later press the same day is a new attempt #2, not a retry',
    steps: [press(0), press(10)],
    expect: [
      { outcomeId: `${K}#1`, tries: 1, status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) },
      { outcomeId: `${K}#2`, tries: 1, status: 'not_billable', reason: 'latency_breach', settledAt: iso(70) },
    ],
  },
  {
    rule: '§1 default retry_window 0 ("no more than 0 ago"): a second press at the same instant is a retry',
    steps: [press(0), press(0)],
    until: 1,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, suppressed: 0, deadline: iso(60) }],
  },
  {
    rule: '§1 default cooldown 0: presses a minute apart are never suppressed',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(1), press(2)],
    until: 3,
    expect: [{ status: 'open', tries: 3, suppressed: 0 }],
  },
  {
    rule: '§1 default idempotency_period day in default timezone UTC: the key bucket is the UTC day',
    criteria: [{ retry_window: '1h' }],
    steps: [press('2026-11-03T23:59:00Z'), press('2026-11-04T00:00:00Z')],
    until: '2026-11-04T00:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§1 default on_timeout confirm: the review end settles billable',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(65), billingPeriod: '2026-11' }],
  },
  {
    rule: '§1 default cap period day (per record): a second success that day is capped, the next day is not',
    criteria: [{ cap: { max: 1 } }],
    steps: [press(0), closed(5), reopened(6), press(10), closed(11), reopened('2026-11-04T09:00:00Z'), press('2026-11-04T10:00:00Z'), closed('2026-11-04T10:05:00Z')],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable' },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', succeededAt: iso(11) },
      { outcomeId: `${keyOf('2026-11-04')}#1`, status: 'billable' },
    ],
  },
  {
    rule: '§1 no cap by default: any number of billable outcomes per record and day',
    steps: [press(0), closed(1), reopened(2), press(10), closed(11), reopened(12), press(20), closed(21)],
    expect: [{ status: 'billable' }, { status: 'billable' }, { status: 'billable' }],
  },
  {
    rule: '§1 default billing_period month in default timezone UTC',
    steps: [press('2026-11-30T23:50:00Z'), closed('2026-12-01T00:10:00Z')],
    expect: [{ idempotencyKey: keyOf('2026-11-30'), status: 'billable', billingPeriod: '2026-12' }],
  },
  {
    rule: '§1 billing_period is the calendar month in the criteria timezone (Asia/Tokyo)',
    criteria: [{ timezone: 'Asia/Tokyo' }],
    steps: [press('2026-11-30T14:50:00Z'), closed('2026-11-30T15:10:00Z')],
    expect: [{ idempotencyKey: keyOf('2026-11-30'), status: 'billable', billingPeriod: '2026-12' }],
  },
];

describe('§1 defaults', () => it.each(defaults)('$rule', checkCase));
