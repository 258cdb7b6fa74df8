// backtest(): what counts as a changed verdict (status or reason), how the list is ordered, and the order of reasons and currencies.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { backtest, withDraft } from '../../src/core/backtest.ts';
import type { BacktestResult } from '../../src/core/backtest.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { CriteriaVersion } from '../../src/core/criteria/types.ts';
import { at, BASE_CRITERIA, criteriaSet, signalsOf } from '../support/scenario.ts';
import type { Step } from '../support/scenario.ts';
import { closed, EXCLUDE_TEST, FAIL_IF, failSignal, press, put } from './engine/lifecycle-cases.ts';

function draftOf(o: Record<string, unknown>): CriteriaVersion {
  const parsed = parseCriteriaText(stringify({ ...BASE_CRITERIA, change_notes: 'Draft.', ...o }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.versions[0]!.criteria;
}

function run(steps: Step[], draft: CriteriaVersion, o: { criteria?: CriteriaSet; asOf?: number } = {}): BacktestResult {
  const r = backtest({ criteria: o.criteria ?? criteriaSet(), draft, from: at(0), to: at(24 * 60), asOf: at(o.asOf ?? 3 * 24 * 60), signals: signalsOf(steps), actions: [], records: [] });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.result;
}

const verdicts = (r: BacktestResult) => r.changes.map((c) => [c.recordId, c.before && [c.before.status, c.before.reason], c.after && [c.after.status, c.after.reason]]);
const RETRY = { fail_if: FAIL_IF, retry_window: '30m' };

describe('backtest(): a changed verdict', () => {
  it('a new reason alone is a change: not billable either way, latency breach before, excluded after', () => {
    const r = run([put(0, { subject: 'a test' }, '1'), press(1, '1')], draftOf({ version: 2, exclude: EXCLUDE_TEST }));
    expect(verdicts(r)).toEqual([['1', ['not_billable', 'latency_breach'], ['not_billable', 'excluded']]]);
  });

  it('a new status alone is a change: billable before, in review after', () => {
    const r = run([press(0, '1'), closed(5, '1')], draftOf({ version: 2, review_window: '1h' }), { asOf: 30 });
    expect(verdicts(r)).toEqual([['1', ['billable', null], ['in_review', null]]]);
  });

  it('a failed try waiting for its retry shows its reason', () => {
    const r = run([press(0, '1'), failSignal(5, '1')], draftOf({ version: 2, ...RETRY }), { asOf: 10 });
    expect(verdicts(r)).toEqual([['1', ['open', null], ['failed', 'unclassified']]]);
    const classified = run([press(0, '1'), put(2, { agent_error: 'crm_policy' }, '1'), failSignal(5, '1')], draftOf({ version: 2, ...RETRY, failure_reasons: [{ if: "agent_error = 'crm_policy'", reason: 'policy_block' }] }), {
      criteria: criteriaSet(RETRY),
      asOf: 10,
    });
    expect(verdicts(classified)).toEqual([['1', ['failed', 'unclassified'], ['failed', 'policy_block']]]);
  });

  it('lists changes in opening order, whichever side they are on', () => {
    // Keyed for ever instead of by day, every outcome gets another id: one change with nothing after and one with nothing before, per record.
    const r = run([press(0, '2'), closed(5, '2'), press(10, '10'), closed(15, '10')], draftOf({ version: 2, idempotency_period: 'none' }));
    expect(r.changes.map((c) => [c.recordId, c.before === null ? 'new' : 'gone'])).toEqual([
      ['2', 'gone'],
      ['2', 'new'],
      ['10', 'gone'],
      ['10', 'new'],
    ]);
  });
});

describe('backtest(): orders', () => {
  it('ties among not-billable reasons go by reason, whichever settled first', () => {
    const draft = draftOf({ version: 2, exclude: EXCLUDE_TEST });
    const excludedFirst = run([put(0, { subject: 'a test' }, '1'), press(1, '1'), closed(2, '1'), press(3, '2')], draft);
    const excludedLast = run([press(0, '1'), put(1, { subject: 'a test' }, '2'), press(2, '2'), closed(3, '2')], draft);
    for (const r of [excludedFirst, excludedLast]) expect(r.withDraft.notBillable.map((n) => n.reason)).toEqual(['excluded', 'latency_breach']);
  });

  it('currencies go in currency order, whichever id bills first', () => {
    const eur = (id: string) => draftOf({ id, price: { currency: 'EUR', model: 'flat', unit_amount: '2.50' } });
    for (const id of ['a-eur', 'z-eur']) {
      expect(run([press(0, '1'), closed(5, '1')], eur(id)).withDraft.charge.map((c) => c.currency)).toEqual(['EUR', 'USD']);
    }
  });

  it('the draft replaces every version scheduled in the window, even one numbered above it', () => {
    const v = (version: number, minute: number, within: string) => ({ version, change_notes: 'Later.', effective_from: new Date(at(minute)).toISOString(), within });
    const criteria = criteriaSet({}, v(2, 100, '3h'), v(3, 120, '4h'));
    const placed = withDraft(criteria, draftOf({ version: 2, within: '10m' }), at(60));
    expect(placed.ok && [placed.version, placed.set.versions().map((x) => x.version), placed.set.inForce('resolve', at(150))?.withinMs]).toEqual([2, [1, 2], 600_000]);
  });
});
