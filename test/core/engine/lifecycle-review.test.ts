// Lifecycle tables: review (§3 re-check step 3, approve_if / reject_if, review ends and on_timeout).
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { APPROVE_IF, checkCase, closed, FAIL_IF, failSignal, press, put, REJECT_IF, reopened, REVIEW, review } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const reviewCases: Case[] = [
  {
    rule: '§3 recheck 2→3 in one pass: success and approve_if true on the same signal → billable at once',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF }],
    records: [{ id: '1', properties: { billing_review: 'approved' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(5), billingPeriod: '2026-11' }],
  },
  {
    rule: '§3 recheck 2→3 in one pass: success and reject_if true on the same signal → human_review_fail at once',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    records: [{ id: '1', properties: { billing_review: 'rejected' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null, succeededAt: iso(5), settledAt: iso(5), billingPeriod: null }],
  },
  {
    rule: '§3 recheck 2→3 in one pass: success holding at the press with approve_if → billable at the press',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF }],
    records: [{ id: '1', properties: { stage: 'closed', billing_review: 'approved' } }],
    steps: [press(0)],
    expect: [{ status: 'billable', succeededAt: iso(0), settledAt: iso(0) }],
  },
  {
    rule: '§3 recheck 3: success no longer holding is checked before reject_if (reversed, not human_review_fail)',
    criteria: [{ ...REVIEW, reject_if: "stage = 'spam'" }],
    steps: [press(0), closed(5), put(10, { stage: 'spam' })],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5) }],
  },
  {
    rule: '§3 recheck 3: success no longer holding is checked before approve_if (reversed, not billable)',
    criteria: [{ ...REVIEW, approve_if: "stage = 'approved'" }],
    steps: [press(0), closed(5), put(10, { stage: 'approved' })],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5) }],
  },
  {
    rule: '§3 recheck 3: reject_if is checked before approve_if',
    criteria: [{ ...REVIEW, approve_if: 'reviewer IS KNOWN', reject_if: REJECT_IF }],
    records: [{ id: '1', properties: { reviewer: 'ann', billing_review: 'rejected' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail' }],
  },
  {
    rule: '§3 recheck 2: success with review_window > 0 → in_review until t + review_window',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF, reject_if: REJECT_IF }],
    steps: [press(0), closed(5)],
    until: 10,
    expect: [{ status: 'in_review', succeededAt: iso(5), reviewEndsAt: iso(65), deadline: null, settledAt: null, billingPeriod: null, reason: null, label: null }],
  },
  {
    rule: '§3 recheck 3: success no longer holds → failed, reason reversed (pending while the retry window runs)',
    criteria: [{ ...REVIEW, retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(10)],
    until: 20,
    expect: [{ status: 'failed', reason: 'reversed', succeededAt: iso(5), settledAt: null, reviewEndsAt: null, billingPeriod: null }],
  },
  {
    rule: '§3 recheck 3: a reversal is reason reversed even when a failure_reasons rule matches (documented reading)',
    criteria: [{ ...REVIEW, failure_reasons: [{ if: 'company IS UNKNOWN', reason: 'insufficient_inputs' }] }],
    steps: [press(0), closed(5), reopened(10)],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(10) }],
  },
  {
    rule: '§3 recheck 3: a reversal settles at the retry-window end keeping reason reversed',
    criteria: [{ ...REVIEW, retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(10)],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(30) }],
  },
  {
    rule: '§3 recheck 3: a reversal after the retry window ended settles at once (retry_window 0)',
    criteria: [REVIEW],
    steps: [press(0), closed(5), reopened(10)],
    until: 10,
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(10) }],
  },
  {
    rule: '§3 recheck 3: reversed, retried, succeeds again → succeededAt is the latest success, a new review',
    criteria: [{ ...REVIEW, retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(10), press(15), closed(20)],
    expect: [{ status: 'billable', tries: 2, reason: null, succeededAt: iso(20), settledAt: iso(80) }],
  },
  {
    rule: '§3 recheck 3: a reversed (failed) attempt is not approved by approve_if',
    criteria: [{ ...REVIEW, retry_window: '30m', approve_if: APPROVE_IF }],
    steps: [press(0), closed(5), reopened(10), closed(11), review(12, 'approved')],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(30) }],
  },
  {
    rule: '§3 recheck 3: reject_if during review → not_billable human_review_fail, succeededAt kept',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review(10, 'rejected')],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', succeededAt: iso(5), settledAt: iso(10) }],
  },
  {
    rule: '§3 recheck 3: approve_if during review → billable at once',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF }],
    steps: [press(0), closed(5), review(10, 'approved')],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(10), billingPeriod: '2026-11' }],
  },
  {
    rule: '§3 recheck 3: a signal during review that keeps success holding changes nothing',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review(10, 'pending'), put(20, { subject: 'x' })],
    until: 30,
    expect: [{ status: 'in_review', reviewEndsAt: iso(65) }],
  },
  {
    rule: '§3 recheck 2: fail_if is not checked during review',
    criteria: [{ ...REVIEW, fail_if: FAIL_IF }],
    steps: [press(0), closed(5), failSignal(10)],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: review end with on_timeout confirm → billable, billed in the period of the review end',
    criteria: [REVIEW],
    steps: [press('2026-11-30T23:20:00Z'), closed('2026-11-30T23:30:00Z')],
    expect: [{ status: 'billable', succeededAt: '2026-11-30T23:30:00.000Z', settledAt: '2026-12-01T00:30:00.000Z', billingPeriod: '2026-12' }],
  },
  {
    rule: '§3 timers: review end with on_timeout reject → not_billable human_review_fail',
    criteria: [{ ...REVIEW, on_timeout: 'reject' }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', succeededAt: iso(5), settledAt: iso(65), billingPeriod: null }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: a reversal at the review end wins over confirm',
    criteria: [REVIEW],
    steps: [press(0), closed(5), reopened(65)],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: reject_if at the review end wins over confirm',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review(65, 'rejected')],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: approve_if at the review end wins over on_timeout reject',
    criteria: [{ ...REVIEW, on_timeout: 'reject', approve_if: APPROVE_IF }],
    steps: [press(0), closed(5), review(65, 'approved')],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: a signal just after the review end comes too late',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review('2026-11-03T11:05:00.001Z', 'rejected')],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '--until is inclusive for review ends: confirmed at exactly --until',
    criteria: [REVIEW],
    steps: [press(0), closed(5)],
    until: 65,
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
];

describe('§3 review (re-check step 3, review timers)', () => it.each(reviewCases)('$rule', checkCase));
