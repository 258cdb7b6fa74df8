// Lifecycle tables: §3 step 3, new attempts, their idempotency keys and period buckets, one record apart from another.
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { checkCase, K, keyOf, NY, press } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const bucketCases: Case[] = [
  {
    rule: '§3 step 3: a new attempt is open with deadline t + within and nothing else set',
    steps: [press(0)],
    until: 10,
    expect: [
      {
        outcomeId: `${K}#1`,
        idempotencyKey: K,
        criteriaVersion: 1,
        status: 'open',
        reason: null,
        label: null,
        tries: 1,
        suppressed: 0,
        duplicates: 0,
        openedAt: iso(0),
        succeededAt: null,
        settledAt: null,
        billingPeriod: null,
        deadline: iso(60),
        reviewEndsAt: null,
      },
    ],
  },
  {
    rule: '§3 buckets: day (UTC): a press on the next day is a separate outcome, never a retry',
    criteria: [{ retry_window: '2h' }],
    steps: [press('2026-11-03T23:30:00Z'), press('2026-11-04T00:10:00Z')],
    until: '2026-11-04T00:20:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: day in America/New_York: presses either side of local midnight are separate outcomes',
    criteria: [{ retry_window: '2h', timezone: NY }],
    steps: [press('2026-11-04T04:30:00Z'), press('2026-11-04T05:10:00Z')],
    until: '2026-11-04T05:20:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: day in America/New_York: presses either side of UTC midnight share the local day (retry)',
    criteria: [{ retry_window: '2h', timezone: NY }],
    steps: [press('2026-11-03T23:30:00Z'), press('2026-11-04T00:10:00Z')],
    until: '2026-11-04T00:20:00Z',
    expect: [{ outcomeId: `${keyOf('2026-11-03')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: hour: a press in the next hour is a separate outcome',
    criteria: [{ retry_window: '2h', idempotency_period: 'hour' }],
    steps: [press(50), press(65)],
    until: 66,
    expect: [
      { outcomeId: `${keyOf('2026-11-03T10')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-03T11')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: hour in Asia/Kolkata (+05:30): local hours split one UTC hour',
    criteria: [{ retry_window: '2h', idempotency_period: 'hour', timezone: 'Asia/Kolkata' }],
    steps: [press(20), press(40)],
    until: 41,
    expect: [
      { outcomeId: `${keyOf('2026-11-03T15')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-03T16')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: hour in America/New_York on the DST fall-back: the repeated 01 hour is one key (documented reading)',
    criteria: [{ retry_window: '2h', idempotency_period: 'hour', timezone: NY }],
    steps: [press('2026-11-01T05:30:00Z'), press('2026-11-01T06:30:00Z')],
    until: '2026-11-01T06:31:00Z',
    expect: [{ outcomeId: `${keyOf('2026-11-01T01')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: week (ISO, Monday first): Sunday and Monday are separate outcomes',
    criteria: [{ retry_window: '3d', idempotency_period: 'week' }],
    steps: [press('2026-11-08T23:00:00Z'), press('2026-11-09T01:00:00Z')],
    until: '2026-11-09T01:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-W45')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-W46')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: week in America/New_York: both presses fall on local Sunday (retry)',
    criteria: [{ retry_window: '3d', idempotency_period: 'week', timezone: NY }],
    steps: [press('2026-11-08T23:00:00Z'), press('2026-11-09T01:00:00Z')],
    until: '2026-11-09T01:01:00Z',
    expect: [{ outcomeId: `${keyOf('2026-W45')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: week across the new year uses the ISO week-year (2026-W53)',
    criteria: [{ retry_window: '3d', idempotency_period: 'week' }],
    steps: [press('2026-12-31T12:00:00Z'), press('2027-01-01T12:00:00Z')],
    until: '2027-01-01T12:01:00Z',
    expect: [{ outcomeId: `${keyOf('2026-W53')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: month: a press in the next month is a separate outcome',
    criteria: [{ retry_window: '2d', idempotency_period: 'month' }],
    steps: [press('2026-10-31T23:00:00Z'), press('2026-11-01T01:00:00Z')],
    until: '2026-11-01T01:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-10')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: month in America/New_York: both presses are still local October (retry)',
    criteria: [{ retry_window: '2d', idempotency_period: 'month', timezone: NY }],
    steps: [press('2026-10-31T23:00:00Z'), press('2026-11-01T01:00:00Z')],
    until: '2026-11-01T01:01:00Z',
    expect: [{ outcomeId: `${keyOf('2026-10')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: none: one key for ever; past the retry window the sequence number grows',
    criteria: [{ idempotency_period: 'none' }],
    steps: [press(0), press('2026-11-05T10:00:00Z')],
    until: '2026-11-05T10:01:00Z',
    expect: [
      { outcomeId: `${keyOf('all')}#1`, idempotencyKey: keyOf('all'), status: 'not_billable' },
      { outcomeId: `${keyOf('all')}#2`, idempotencyKey: keyOf('all'), status: 'open' },
    ],
  },
  {
    rule: '§3 buckets: none: a press on the next day within the retry window is a retry',
    criteria: [{ idempotency_period: 'none', retry_window: '3d' }],
    steps: [press(0), press('2026-11-04T10:00:00Z')],
    until: '2026-11-04T10:01:00Z',
    expect: [{ outcomeId: `${keyOf('all')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: day: the same presses (next day, within a 3d retry window) are separate outcomes',
    criteria: [{ retry_window: '3d' }],
    steps: [press(0), press('2026-11-04T10:00:00Z')],
    until: '2026-11-04T10:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 records: a press on another record is a separate outcome, never a retry',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0, '1'), press(5, '2')],
    until: 6,
    expect: [
      { outcomeId: `${keyOf('2026-11-03', '1')}#1`, recordId: '1', tries: 1 },
      { outcomeId: `${keyOf('2026-11-03', '2')}#1`, recordId: '2', tries: 1 },
    ],
  },
];

describe('§3 step 3 and period buckets', () => it.each(bucketCases)('$rule', checkCase));
