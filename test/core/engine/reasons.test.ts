// Lifecycle tables of §4: one reason per not-billable outcome, cli.md's reason and label fields, the taxonomy.
import { describe, expect, it } from 'vitest';
import type { OutcomeView } from '../../../src/core/ledger-view.ts';
import type { SimulationResult } from '../../../src/core/simulate.ts';
import { REASONS } from '../../../src/core/types.ts';
import type { Reason } from '../../../src/core/types.ts';
import { criteriaSet, iso } from '../../support/scenario.ts';
import { APPROVE_IF, checkedViews, closed, FAIL_IF, failSignal, press, put, REJECT_IF, reopened, REVIEW, review, simulateCase, transitions } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

/** cli.md: reason for not_billable (and failed), else null; label only with excluded. */
function assertReasonFields(r: SimulationResult, views: readonly OutcomeView[]): void {
  const byReason: Partial<Record<Reason, number>> = {};
  for (const v of views) {
    if (v.status === 'not_billable') {
      expect(REASONS, v.outcomeId).toContain(v.reason);
      byReason[v.reason!] = (byReason[v.reason!] ?? 0) + 1;
      if (v.reason === 'excluded') expect(v.label, v.outcomeId).toEqual(expect.any(String));
      else expect(v.label, v.outcomeId).toBeNull();
    } else if (v.status === 'failed') {
      expect(REASONS, v.outcomeId).toContain(v.reason);
      expect(v.label, v.outcomeId).toBeNull();
    } else {
      expect(v.reason, v.outcomeId).toBeNull();
      expect(v.label, v.outcomeId).toBeNull();
    }
  }
  expect(r.summary.byReason).toEqual(byReason);
}

const DEADLINE_RULES = [{ if: 'company IS UNKNOWN', reason: 'insufficient_inputs' }];
const FAIL_RULES = [
  { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
  { if: "agent_error = 'api_down'", reason: 'third_party_failure' },
  { if: "agent_error = 'needs_human'", reason: 'human_review_fail' },
];

const reasonCases: Case[] = [
  {
    rule: '§4 one reason per not-billable outcome: insufficient_inputs (failure_reasons at the deadline)',
    criteria: [{ failure_reasons: DEADLINE_RULES }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'insufficient_inputs', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: policy_block (failure_reasons on fail_if)',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'crm_policy', agent_status: 'error' })],
    expect: [{ status: 'not_billable', reason: 'policy_block', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: third_party_failure',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'api_down', agent_status: 'error' })],
    expect: [{ status: 'not_billable', reason: 'third_party_failure', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: human_review_fail named by a failure_reasons rule',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'needs_human', agent_status: 'error' })],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: duplicate_or_merge_required (merged away)',
    criteria: [{ failure_reasons: [{ if: 'hs_object_id IS UNKNOWN', reason: 'duplicate_or_merge_required' }] }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), { at: 5, mergedInto: '2' }],
    expect: [{ status: 'not_billable', reason: 'duplicate_or_merge_required', label: null }],
  },
  { rule: '§4 one reason per not-billable outcome: latency_breach', steps: [press(0)], expect: [{ status: 'not_billable', reason: 'latency_breach', label: null }] },
  {
    rule: '§4 one reason per not-billable outcome: human_review_fail (reject_if)',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(1), review(2, 'rejected')],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: human_review_fail (on_timeout reject)',
    criteria: [{ ...REVIEW, on_timeout: 'reject' }],
    steps: [press(0), closed(1)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: reversed',
    criteria: [REVIEW],
    steps: [press(0), closed(1), reopened(2)],
    expect: [{ status: 'not_billable', reason: 'reversed', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: excluded, with its label',
    criteria: [{ exclude: [{ if: "email ENDS WITH '@test.example'", label: 'test_record' }] }],
    steps: [press(0), put(1, { email: 'a@TEST.example' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record' }],
  },
  {
    rule: '§4 one reason per not-billable outcome: cap_reached',
    criteria: [{ cap: { max: 1, per: 'record', period: 'day' } }],
    steps: [press(0), closed(1), reopened(2), press(10), closed(11)],
    expect: [{ status: 'billable', reason: null }, { status: 'not_billable', reason: 'cap_reached', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: unclassified (fail_if, no rule matched)',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), failSignal(1)],
    expect: [{ status: 'not_billable', reason: 'unclassified', label: null }],
  },
  {
    rule: '§4 label only for excluded: a human_review_fail after an exclusion rule existed has no label',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF, exclude: [{ if: "subject = 'spam'", label: 'spam' }] }],
    steps: [press(0, '1'), closed(1, '1'), review(2, 'rejected', '1'), press(0, '2'), put(1, { subject: 'spam' }, '2')],
    expect: [
      { recordId: '1', reason: 'human_review_fail', label: null },
      { recordId: '2', reason: 'excluded', label: 'spam' },
    ],
  },
  {
    rule: '§4 reasons: billable, open and in_review outcomes carry no reason and no label',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF, exclude: [{ if: "subject = 'spam'", label: 'spam' }] }],
    steps: [press(0, '1'), closed(1, '1'), press(0, '2'), press(0, '3'), closed(1, '3'), put(2, { subject: 'ok' }, '3'), review(3, 'approved', '3')],
    until: 30,
    expect: [
      { recordId: '1', status: 'in_review', reason: null, label: null },
      { recordId: '2', status: 'open', reason: null, label: null },
      { recordId: '3', status: 'billable', reason: null, label: null },
    ],
  },
];

const failedReasonCases: Case[] = [
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: latency_breach',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'latency_breach', label: null, settledAt: null }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: classified at the deadline',
    criteria: [{ retry_window: '2h', failure_reasons: DEADLINE_RULES }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'insufficient_inputs' }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: classified fail_if',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'crm_policy', agent_status: 'error' })],
    until: 2,
    expect: [{ status: 'failed', reason: 'policy_block' }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: unclassified',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1)],
    until: 2,
    expect: [{ status: 'failed', reason: 'unclassified' }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: reversed',
    criteria: [{ ...REVIEW, retry_window: '2h' }],
    steps: [press(0), closed(1), reopened(2)],
    until: 3,
    expect: [{ status: 'failed', reason: 'reversed', succeededAt: iso(1) }],
  },
  {
    // The view shows no reason for an open outcome anyway: the rule is on the outcome as stored and logged.
    rule: '§4 a retry clears the failed try’s reason (open again, reason null)',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), put(2, { agent_status: 'ok' }), press(3)],
    until: 4,
    expect: [{ status: 'open', tries: 2 }],
    check: (r) => {
      const o = r.outcomes[0]!;
      expect(o.reason).toBeNull();
      expect(transitions(o).map((t) => [t.from, t.to, t.reason])).toEqual([
        ['open', 'failed', 'unclassified'],
        ['failed', 'open', undefined],
      ]);
    },
  },
  {
    rule: '§4 the settled reason is the latest failed try’s (first try fail_if, second try latency)',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), put(2, { agent_status: 'ok' }), press(3)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 2, settledAt: iso(120) }],
  },
];

const ALL_REASONS: readonly string[] = REASONS;
const onlyTaxonomy = [
  ...['insufficient_inputs', 'policy_block', 'third_party_failure', 'duplicate_or_merge_required', 'latency_breach', 'human_review_fail'].map((reason) => ({
    rule: `§4 failure_reasons may use the attempt taxonomy: ${reason}`,
    reason,
    ok: true,
  })),
  ...['reversed', 'excluded', 'cap_reached', 'unclassified'].map((reason) => ({
    rule: `§4 failure_reasons may use only the first six codes: ${reason} is refused`,
    reason,
    ok: false,
  })),
];

describe('§4 reasons', () => {
  it.each([...reasonCases, ...failedReasonCases])('$rule', (c) => {
    const views = checkedViews(c);
    assertReasonFields(simulateCase(c), views);
  });
  it('§4 the reason list is the contract’s ten codes', () => {
    expect([...ALL_REASONS].sort()).toEqual(
      [
        'insufficient_inputs',
        'policy_block',
        'third_party_failure',
        'duplicate_or_merge_required',
        'latency_breach',
        'human_review_fail',
        'reversed',
        'excluded',
        'cap_reached',
        'unclassified',
      ].sort(),
    );
  });
  it.each(onlyTaxonomy)('$rule', ({ reason, ok }) => {
    const build = () => criteriaSet({ fail_if: FAIL_IF, failure_reasons: [{ if: 'agent_error IS KNOWN', reason }] });
    if (ok) expect(build).not.toThrow();
    else expect(build).toThrow(/failure_reasons/);
  });
});
