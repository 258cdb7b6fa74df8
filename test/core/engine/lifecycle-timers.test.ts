// Lifecycle tables: §3 timers (deadlines, review ends, retry-window ends), `--until` and running to the end.
import { describe, expect, it } from 'vitest';
import { at, iso } from '../../support/scenario.ts';
import { checkCase, closed, EXCLUDE_TEST, FAIL_IF, failSignal, K, press, put, reopened, transitions } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const REASONS_RULES = [
  { if: 'company IS UNKNOWN', reason: 'insufficient_inputs' },
  { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
];

const timerCases: Case[] = [
  {
    rule: '§1 d is 24 h of elapsed time, even across a clock change in the criteria time zone',
    // New York falls back on 2026-11-01: a calendar day from 08:00 EDT would end at 13:00Z; 1d ends at 12:00Z.
    criteria: [{ timezone: 'America/New_York', within: '1d' }],
    steps: [press('2026-10-31T12:00:00Z'), closed('2026-11-01T12:30:00Z')],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: '2026-11-01T12:00:00.000Z' }],
  },
  {
    rule: '§3 timers: an open attempt’s deadline → failed, latency_breach',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'latency_breach', settledAt: null, deadline: null, succeededAt: null }],
  },
  {
    rule: '§3 timers: deadline → failed with the first failure_reasons rule matching the record then',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    records: [{ id: '1', properties: { agent_error: 'crm_policy' } }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'insufficient_inputs' }],
  },
  {
    rule: '§3 timers: failure_reasons read the record at the deadline, not at the press',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    steps: [press(0), put(30, { company: 'Acme' })],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(120) }],
  },
  {
    rule: '§3 timers: failure_reasons see a value set after the press, before the deadline',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    records: [{ id: '1', properties: { company: 'Acme' } }],
    steps: [press(0), put(30, { agent_error: 'crm_policy' })],
    expect: [{ status: 'not_billable', reason: 'policy_block', settledAt: iso(120) }],
  },
  {
    rule: '§3 timers: a failed attempt settles not_billable at its retry-window end, keeping its reason',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'insufficient_inputs', settledAt: iso(120) }],
  },
  {
    rule: '§3 timers: a fail_if failure settles at its retry-window end keeping unclassified',
    criteria: [{ retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5)],
    expect: [{ status: 'not_billable', reason: 'unclassified', settledAt: iso(30) }],
  },
  {
    rule: '§3 timers: the retry window runs from the first press, not from a retry',
    criteria: [{ retry_window: '90m' }],
    steps: [press(0), press(50)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 2, settledAt: iso(110) }],
  },
  {
    rule: '§3 timers: an attempt failing after its retry window ended settles at once',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0)],
    until: 60,
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }],
  },
  {
    rule: '§3 timers: retry_window 0: a fail_if failure settles at once',
    criteria: [{ fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5)],
    until: 5,
    expect: [{ status: 'not_billable', reason: 'unclassified', settledAt: iso(5) }],
  },
  {
    rule: '§3 timers: at one instant deadlines come before retry-window ends (fail, then settle, both at the deadline)',
    criteria: [{ retry_window: '1h' }],
    steps: [press(0)],
    until: 60,
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }],
    check: (r) => {
      const ts = transitions(r.outcomes[0]!).map((e) => ({ at: e.at, from: e.from, to: e.to, cause: e.cause, reason: e.reason }));
      expect(ts).toEqual([
        { at: at(60), from: 'open', to: 'failed', cause: 'deadline', reason: 'latency_breach' },
        { at: at(60), from: 'failed', to: 'not_billable', cause: 'retry_window_end', reason: 'latency_breach' },
      ]);
    },
  },
  {
    rule: '§3 timers: signals before timers at one instant: an exclusion at the deadline wins over latency_breach',
    criteria: [{ exclude: EXCLUDE_TEST }],
    steps: [press(0), put(60, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(60) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: a press at the deadline retries the still-open attempt',
    criteria: [{ retry_window: '1h' }],
    steps: [press(0), press(60)],
    until: 61,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, deadline: iso(120) }],
    check: (r) => expect(transitions(r.outcomes[0]!)).toEqual([]),
  },
  {
    rule: '§3 timers: signals before timers at one instant: a press at the retry-window end retries the failed attempt',
    criteria: [{ retry_window: '90m' }],
    steps: [press(0), press(90)],
    until: 95,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, reason: null, deadline: iso(150) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: a reversal then a press at the retry-window end is a retry',
    criteria: [{ review_window: '1h', retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(30), press(30)],
    until: 31,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, reason: null, succeededAt: iso(5), deadline: iso(90) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: an exclusion at the retry-window end wins over the failure reason',
    criteria: [{ retry_window: '90m', exclude: EXCLUDE_TEST }],
    steps: [press(0), put(90, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(90) }],
  },
  {
    rule: '§3 timers: a failed try at the very press instant (retry_window 0) still settles at that instant',
    criteria: [{ fail_if: FAIL_IF }],
    records: [{ id: '1', properties: { agent_status: 'error' } }],
    steps: [press(0)],
    until: 0,
    expect: [{ status: 'not_billable', reason: 'unclassified', settledAt: iso(0) }],
  },
  {
    rule: '§3 timers: a timer changes only its attempt: #1 fails at its deadline, #2 stays open',
    steps: [press(0), press(30)],
    until: 60,
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', settledAt: iso(60) },
      { outcomeId: `${K}#2`, status: 'open', deadline: iso(90) },
    ],
  },
];

describe('§3 timers', () => it.each(timerCases)('$rule', checkCase));

const untilCases: Case[] = [
  { rule: '--until is inclusive: a timer at exactly --until fires', steps: [press(0)], until: 60, expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }] },
  { rule: '--until: a millisecond before the deadline the attempt is still open', steps: [press(0)], until: '2026-11-03T10:59:59.999Z', expect: [{ status: 'open', deadline: iso(60), settledAt: null }] },
  { rule: '--until is inclusive: a signal at exactly --until applies', steps: [press(0), closed(30)], until: 30, expect: [{ status: 'billable', settledAt: iso(30) }] },
  { rule: '--until: signals after it are not applied', steps: [press(0), closed(31)], until: 30, expect: [{ status: 'open', succeededAt: null }] },
  { rule: '--until: a press after it opens nothing', steps: [press(31)], until: 30, expect: [] },
  {
    rule: '--until leaves a failed attempt failed, with the failed try’s reason',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    steps: [press(0)],
    until: 90,
    expect: [{ status: 'failed', reason: 'insufficient_inputs', label: null, settledAt: null, billingPeriod: null, deadline: null }],
  },
  {
    rule: 'default (no --until) runs until everything settles, however far away (30d review)',
    criteria: [{ review_window: '30d' }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'billable', settledAt: '2026-12-03T10:05:00.000Z', billingPeriod: '2026-12' }],
  },
  {
    rule: 'default (no --until): a failed attempt settles at the end of a 3d retry window',
    criteria: [{ retry_window: '3d' }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: '2026-11-06T10:00:00.000Z' }],
  },
];

describe('--until', () => it.each(untilCases)('$rule', checkCase));
