// Contract §1: what a valid criteria file becomes, every field as the engine reads it, and the canonical text of a version.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import type { LocatedVersion } from '../../../src/core/criteria/parse-file.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

const parsed = (text: string): LocatedVersion[] => {
  const r = parseCriteriaText(text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.versions;
};
const only = (o: Record<string, unknown>) => parsed(stringify({ ...BASE_CRITERIA, ...o }))[0]!;
const source = (text: string) => expect.objectContaining({ source: text });

describe('§1 every field of a valid version, as the engine reads it', () => {
  it('a version that gives every field keeps each one', () => {
    const v = only({
      version: 4,
      name: 'Ticket resolved in time',
      description: 'Paid when the agent closes it.',
      change_notes: 'Review added.',
      object: 'deal',
      timezone: 'Europe/Berlin',
      effective_from: '2026-11-01',
      trigger: { property: 'agent_started_at', when: "agent_action = 'resolve'" },
      success: "stage = 'closed'",
      within: '2h',
      fail_if: "agent_status = 'error'",
      failure_reasons: [{ if: "agent_error = 'crm_policy'", reason: 'policy_block' }],
      exclude: [{ if: "email ENDS WITH '@test.example'", label: 'test_record' }],
      retry_window: '30m',
      cooldown: '45s',
      idempotency_period: 'week',
      review_window: '1d',
      on_timeout: 'reject',
      approve_if: "billing_review = 'approved'",
      reject_if: "billing_review = 'rejected'",
      cap: { max: 3, per: 'record', period: 'month' },
      billing_period: 'month',
      budget: { expected: '500.00', alerts: [90, 50], limit: '600.00' },
      cost_centre_property: 'hs_all_team_ids',
    });
    expect(v.criteria).toEqual({
      id: 'resolve',
      version: 4,
      name: 'Ticket resolved in time',
      description: 'Paid when the agent closes it.',
      owner: 'ops@example.com',
      effectiveFrom: Date.parse('2026-10-31T23:00:00Z'),
      changeNotes: 'Review added.',
      object: 'deal',
      timezone: 'Europe/Berlin',
      trigger: { property: 'agent_started_at', when: source("agent_action = 'resolve'") },
      success: source("stage = 'closed'"),
      withinMs: 7_200_000,
      failIf: source("agent_status = 'error'"),
      failureReasons: [{ if: source("agent_error = 'crm_policy'"), reason: 'policy_block' }],
      exclude: [{ if: source("email ENDS WITH '@test.example'"), label: 'test_record' }],
      retryWindowMs: 1_800_000,
      cooldownMs: 45_000,
      idempotencyPeriod: 'week',
      reviewWindowMs: 86_400_000,
      onTimeout: 'reject',
      approveIf: source("billing_review = 'approved'"),
      rejectIf: source("billing_review = 'rejected'"),
      cap: { max: 3, per: 'record', period: 'month' },
      price: { currency: 'USD', digits: 2, model: 'flat', unitMinor: 100n },
      billingPeriod: 'month',
      budget: { expectedMinor: 50_000n, alerts: [50, 90], limitMinor: 60_000n },
      costCentreProperty: 'hs_all_team_ids',
    });
  });

  it('names, owners and labels are kept without the spaces around them', () => {
    const v = only({ name: '  Ticket resolved ', owner: ' ops@example.com', change_notes: ' Fixed. ', exclude: [{ if: 'spam', label: ' spam ' }] });
    expect(v.criteria).toMatchObject({ name: 'Ticket resolved', owner: 'ops@example.com', changeNotes: 'Fixed.', exclude: [{ label: 'spam' }] });
  });

  it('an effective_from with an offset is that instant, whatever the time zone', () => {
    expect(only({ timezone: 'Asia/Tokyo', effective_from: '2026-11-01T00:00:00Z' }).criteria.effectiveFrom).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(only({ timezone: 'Asia/Tokyo', effective_from: '2026-11-01' }).criteria.effectiveFrom).toBe(Date.parse('2026-10-31T15:00:00Z'));
  });

  it('a version whose effective_from is not a real date is not compiled, even for the set-wide checks', () => {
    const r = parseCriteriaText(stringify({ criteria: [BASE_CRITERIA, { ...BASE_CRITERIA, id: 'other', effective_from: '2026-02-30' }] }));
    expect(!r.ok && r.compiled.map((v) => v.criteria.id)).toEqual(['resolve']);
  });

  it.each([
    ['a YAML syntax error', 'a: [1\n'],
    ['an alias with no anchor', 'a: *x\n'],
    ['a list at the top level', stringify([BASE_CRITERIA])],
    ['criteria: that is not a list', stringify({ criteria: BASE_CRITERIA })],
  ])('a file that is not criteria at all (%s) compiles nothing', (_what, text) => {
    const r = parseCriteriaText(text);
    expect(!r.ok && r.compiled).toEqual([]);
  });

  it('a file of one version is at the top level; a JSON file reads as YAML does', () => {
    const [v] = parsed(JSON.stringify(BASE_CRITERIA));
    expect(v!.path).toEqual([]);
    const yaml = only({});
    expect(v!.canonical).toBe(yaml.canonical);
    expect(v!.criteria).toMatchObject({ effectiveFrom: yaml.criteria.effectiveFrom, withinMs: 3_600_000, price: yaml.criteria.price, success: source("stage = 'closed'") });
  });
});

describe('§1 the canonical text of a version: equal texts mean an unchanged version', () => {
  it('is the version as written, keys sorted at every depth, lists in their order, no defaults filled in', () => {
    const v = only({ failure_reasons: [{ reason: 'policy_block', if: 'b' }, { reason: 'latency_breach', if: 'a' }], cap: { period: 'day', max: 1 } });
    expect(v.canonical).toBe(
      JSON.stringify({
        cap: { max: 1, period: 'day' },
        effective_from: '2026-01-01T00:00:00Z',
        failure_reasons: [
          { if: 'b', reason: 'policy_block' },
          { if: 'a', reason: 'latency_breach' },
        ],
        id: 'resolve',
        name: 'Ticket resolved',
        object: 'ticket',
        owner: 'ops@example.com',
        price: { currency: 'USD', model: 'flat', unit_amount: '1.00' },
        success: "stage = 'closed'",
        trigger: { property: 'agent_started_at' },
        version: 1,
        within: '1h',
      }),
    );
  });

  it('a default written out is a change of text, as a reordered list is', () => {
    const base = only({ exclude: [{ if: 'a', label: 'a' }, { if: 'b', label: 'b' }] }).canonical;
    expect(only({ exclude: [{ if: 'a', label: 'a' }, { if: 'b', label: 'b' }], cooldown: '0' }).canonical).not.toBe(base);
    expect(only({ exclude: [{ if: 'b', label: 'b' }, { if: 'a', label: 'a' }] }).canonical).not.toBe(base);
    expect(only({ exclude: [{ label: 'a', if: 'a' }, { label: 'b', if: 'b' }] }).canonical).toBe(base);
  });
});
