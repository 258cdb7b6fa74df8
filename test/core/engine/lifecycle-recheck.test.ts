// Lifecycle tables: the §3 re-check after every signal (exclusion, success, fail_if) and the cap; review is in lifecycle-review.
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { CAP1, checkCase, closed, EXCLUDE_TEST, FAIL_IF, failSignal, K, keyOf, NY, press, put, reopened, v2 } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const recheckCases: Case[] = [
  {
    rule: '§3 recheck 1: an exclusion settles an open attempt, with its label',
    criteria: [{ exclude: EXCLUDE_TEST }],
    steps: [press(0), put(5, { subject: 'A Test ticket' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(5), succeededAt: null }],
  },
  {
    rule: '§3 recheck 1: an exclusion settles a failed attempt (not its failure reason)',
    criteria: [{ exclude: EXCLUDE_TEST, retry_window: '2h' }],
    steps: [press(0), put(70, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(70) }],
  },
  {
    rule: '§3 recheck 1: an exclusion settles an in_review attempt, keeping succeededAt',
    criteria: [{ exclude: EXCLUDE_TEST, review_window: '1h' }],
    steps: [press(0), closed(5), put(10, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', succeededAt: iso(5), settledAt: iso(10), billingPeriod: null }],
  },
  {
    rule: '§3 recheck 1: an exclusion matching at the press settles the new attempt at once',
    criteria: [{ exclude: EXCLUDE_TEST }],
    records: [{ id: '1', properties: { subject: 'test', stage: 'closed' } }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'excluded', settledAt: iso(0), succeededAt: null }],
  },
  {
    rule: '§3 recheck 1: exclusion comes before success on the same signal',
    criteria: [{ exclude: [{ if: "stage = 'closed' AND priority = 'spam'", label: 'spam' }] }],
    records: [{ id: '1', properties: { priority: 'spam' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'spam', succeededAt: null }],
  },
  {
    rule: '§3 recheck 1: the first matching exclude rule gives the label',
    criteria: [{ exclude: [...EXCLUDE_TEST, { if: 'subject IS KNOWN', label: 'has_subject' }] }],
    steps: [press(0), put(5, { subject: 'test' })],
    expect: [{ reason: 'excluded', label: 'test_record' }],
  },
  {
    rule: '§3 recheck 1: an exclusion never touches a settled outcome',
    criteria: [{ exclude: EXCLUDE_TEST }],
    steps: [press(0), closed(5), put(10, { subject: 'test' })],
    expect: [{ status: 'billable', settledAt: iso(5) }],
  },
  {
    rule: '§3 recheck 2: success exactly at the deadline counts (t ≤ deadline)',
    steps: [press(0), closed(60)],
    expect: [{ status: 'billable', succeededAt: iso(60), settledAt: iso(60) }],
  },
  {
    rule: '§3 recheck 2: success after the deadline does not count',
    steps: [press(0), closed(61)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: iso(60) }],
  },
  {
    rule: '§3 recheck 2: success already holding at the press succeeds at once',
    records: [{ id: '1', properties: { stage: 'closed' } }],
    steps: [press(0)],
    expect: [{ status: 'billable', succeededAt: iso(0), settledAt: iso(0) }],
  },
  {
    rule: '§3 recheck 2: success holding wins over fail_if on the same signal',
    criteria: [{ fail_if: FAIL_IF }],
    records: [{ id: '1', properties: { stage: 'closed', agent_status: 'error' } }],
    steps: [press(0)],
    expect: [{ status: 'billable' }],
  },
  {
    rule: '§3 recheck 2: fail_if → failed, unclassified without failure_reasons',
    criteria: [{ fail_if: FAIL_IF, retry_window: '30m' }],
    steps: [press(0), failSignal(5)],
    until: 10,
    expect: [{ status: 'failed', reason: 'unclassified', settledAt: null, deadline: null }],
  },
  {
    rule: '§3 recheck 2: fail_if failure takes the first matching failure_reasons rule',
    criteria: [
      {
        fail_if: FAIL_IF,
        failure_reasons: [
          { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
          { if: 'agent_error IS KNOWN', reason: 'third_party_failure' },
        ],
      },
    ],
    steps: [press(0), put(5, { agent_error: 'crm_policy' }), failSignal(6)],
    expect: [{ status: 'not_billable', reason: 'policy_block', settledAt: iso(6) }],
  },
  {
    rule: '§3 recheck 2: fail_if failure takes a later failure_reasons rule when the first does not match',
    criteria: [
      {
        fail_if: FAIL_IF,
        failure_reasons: [
          { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
          { if: 'agent_error IS KNOWN', reason: 'third_party_failure' },
        ],
      },
    ],
    steps: [press(0), put(5, { agent_error: 'timeout' }), failSignal(6)],
    expect: [{ status: 'not_billable', reason: 'third_party_failure' }],
  },
  {
    rule: '§3 recheck 2: fail_if failure with no failure_reasons rule matching → unclassified',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: [{ if: "agent_error = 'crm_policy'", reason: 'policy_block' }] }],
    steps: [press(0), failSignal(6)],
    expect: [{ status: 'not_billable', reason: 'unclassified' }],
  },
  {
    rule: '§3 recheck 2: a failed attempt is not re-checked for success',
    // Failed by fail_if at 5, then closed at 10, well before the deadline at 60: only step 2's `open` guard keeps it failed.
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5), closed(10)],
    expect: [{ status: 'not_billable', reason: 'unclassified', succeededAt: null, settledAt: iso(120) }],
  },
  {
    rule: '§3 recheck: unsettled attempts are re-checked oldest first (cap 1: the older takes the slot)',
    criteria: [{ cap: { max: 1 } }],
    steps: [press(0), press(10), closed(20)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', succeededAt: iso(20) },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', succeededAt: iso(20) },
    ],
  },
];

describe('§3 re-check', () => it.each(recheckCases)('$rule', checkCase));

const capCases: Case[] = [
  {
    rule: '§3 cap: a success over cap.max billable outcomes in the period → cap_reached, succeededAt kept',
    criteria: [CAP1],
    steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable' },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', label: null, succeededAt: iso(15), settledAt: iso(15), billingPeriod: null },
    ],
  },
  {
    rule: '§3 cap: an in_review outcome holds a slot',
    criteria: [{ ...CAP1, review_window: '1h' }],
    steps: [press(0), closed(5), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', settledAt: iso(65) },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', succeededAt: iso(10), settledAt: iso(10) },
    ],
  },
  {
    rule: '§3 cap: a reversed in_review outcome frees its slot',
    criteria: [{ ...CAP1, review_window: '1h' }],
    steps: [press(0), closed(5), reopened(8), press(10), closed(15)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'reversed' },
      { outcomeId: `${K}#2`, status: 'billable', succeededAt: iso(15), settledAt: iso(75) },
    ],
  },
  {
    rule: '§3 cap: a rejected in_review outcome frees its slot',
    criteria: [{ ...CAP1, review_window: '1h', reject_if: "billing_review = 'rejected'" }],
    steps: [press(0), closed(5), put(6, { billing_review: 'rejected' }), put(7, { billing_review: 'ok' }), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'human_review_fail' },
      { outcomeId: `${K}#2`, status: 'billable', settledAt: iso(70) },
    ],
  },
  {
    rule: '§3 cap: cap.max 2 allows two, caps the third',
    criteria: [{ cap: { max: 2, period: 'day' } }],
    steps: [press(0), closed(1), reopened(2), press(10), closed(11), reopened(12), press(20), closed(21)],
    expect: [{ status: 'billable' }, { status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }],
  },
  {
    rule: '§3 cap: another cap period (next day) is not capped',
    criteria: [CAP1],
    steps: [press(0), closed(5), reopened(6), press('2026-11-04T10:00:00Z'), closed('2026-11-04T10:05:00Z')],
    expect: [{ status: 'billable' }, { status: 'billable', idempotencyKey: keyOf('2026-11-04') }],
  },
  {
    rule: '§3 cap: the cap period is in the criteria timezone (UTC: same day → capped)',
    criteria: [{ ...CAP1, idempotency_period: 'none' }],
    steps: [press('2026-11-04T02:55:00Z'), closed('2026-11-04T03:00:00Z'), reopened('2026-11-04T03:01:00Z'), press('2026-11-04T05:55:00Z'), closed('2026-11-04T06:00:00Z')],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }],
  },
  {
    rule: '§3 cap: the cap period is in the criteria timezone (America/New_York: two local days → both billable)',
    criteria: [{ ...CAP1, idempotency_period: 'none', timezone: NY }],
    steps: [press('2026-11-04T02:55:00Z'), closed('2026-11-04T03:00:00Z'), reopened('2026-11-04T03:01:00Z'), press('2026-11-04T05:55:00Z'), closed('2026-11-04T06:00:00Z')],
    expect: [{ status: 'billable' }, { status: 'billable' }],
  },
  {
    rule: '§3 cap: the cap period is judged by success time, not press time',
    criteria: [{ ...CAP1, idempotency_period: 'none', within: '3h' }],
    steps: [press('2026-11-03T23:00:00Z'), closed('2026-11-03T23:10:00Z'), reopened('2026-11-03T23:20:00Z'), press('2026-11-03T23:30:00Z'), closed('2026-11-04T00:30:00Z')],
    expect: [{ status: 'billable' }, { status: 'billable', succeededAt: '2026-11-04T00:30:00.000Z' }],
  },
  {
    rule: '§3 cap: period week (ISO): Tuesday and Sunday share a week, Monday does not',
    criteria: [{ cap: { max: 1, period: 'week' } }],
    steps: [
      press(0),
      closed(5),
      reopened(6),
      press('2026-11-08T10:00:00Z'),
      closed('2026-11-08T10:05:00Z'),
      reopened('2026-11-08T10:06:00Z'),
      press('2026-11-09T10:00:00Z'),
      closed('2026-11-09T10:05:00Z'),
    ],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }, { status: 'billable' }],
  },
  {
    rule: '§3 cap: period month',
    criteria: [{ cap: { max: 1, period: 'month' } }],
    steps: [press(0), closed(5), reopened(6), press('2026-11-30T10:00:00Z'), closed('2026-11-30T10:05:00Z'), reopened('2026-11-30T10:06:00Z'), press('2026-12-01T10:00:00Z'), closed('2026-12-01T10:05:00Z')],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }, { status: 'billable' }],
  },
  {
    rule: '§3 cap: only outcomes of the same criteria id count',
    criteria: [CAP1, { id: 'other' }],
    steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
    expect: [
      { criteriaId: 'other', status: 'billable' },
      { criteriaId: 'resolve', status: 'billable' },
      { criteriaId: 'other', status: 'billable' },
      { criteriaId: 'resolve', status: 'not_billable', reason: 'cap_reached' },
    ],
  },
  {
    rule: '§3 cap: outcomes of another version of the same id count',
    criteria: [CAP1, v2(7, CAP1)],
    steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
    expect: [
      { criteriaVersion: 1, status: 'billable' },
      { criteriaVersion: 2, status: 'not_billable', reason: 'cap_reached' },
    ],
  },
  {
    rule: '§3 cap: per record: another record is not capped',
    criteria: [CAP1],
    steps: [press(0, '1'), press(0, '2'), closed(5, '1'), closed(5, '2')],
    expect: [
      { recordId: '1', status: 'billable' },
      { recordId: '2', status: 'billable' },
    ],
  },
];

describe('§3 cap', () => it.each(capCases)('$rule', checkCase));
