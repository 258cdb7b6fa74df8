// Contract §1: the criteria file. Every rule rejects the whole file, with each problem at its field path.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import { formatPath } from '../../../src/core/problems.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

const ok = (doc: object) => {
  const r = parseCriteriaText(stringify(doc));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.versions.map((v) => v.criteria);
};
/** Problems with their paths as printed (`criteria[1].within`). */
const problems = (text: string) => {
  const r = parseCriteriaText(text);
  return r.ok ? [] : r.problems.map((p) => ({ ...p, path: formatPath(p.path) }));
};
const without = (key: string) => Object.fromEntries(Object.entries(BASE_CRITERIA).filter(([k]) => k !== key));

describe('§1 criteria file: rejected with every problem at its path', () => {
  it.each([
    { rule: '§1 id is [a-z0-9-]+', doc: { ...BASE_CRITERIA, id: 'Enrich_Route' }, path: 'id' },
    { rule: '§1 version is a positive integer', doc: { ...BASE_CRITERIA, version: 0 }, path: 'version' },
    { rule: '§1 version is a positive integer (not 1.5)', doc: { ...BASE_CRITERIA, version: 1.5 }, path: 'version' },
    { rule: '§1 change_notes required when version > 1', doc: { ...BASE_CRITERIA, version: 2 }, path: 'change_notes' },
    { rule: '§1 timezone is an IANA name', doc: { ...BASE_CRITERIA, timezone: 'Mars/Olympus' }, path: 'timezone' },
    { rule: '§1 object is contact, deal or ticket', doc: { ...BASE_CRITERIA, object: 'company' }, path: 'object' },
    { rule: '§1 idempotency_period is day|hour|week|month|none', doc: { ...BASE_CRITERIA, idempotency_period: 'year' }, path: 'idempotency_period' },
    { rule: '§1 on_timeout is confirm|reject', doc: { ...BASE_CRITERIA, on_timeout: 'maybe' }, path: 'on_timeout' },
    { rule: '§1 cap.max is a positive integer', doc: { ...BASE_CRITERIA, cap: { max: 0, period: 'day' } }, path: 'cap.max' },
    { rule: '§1 cap.period is day|week|month', doc: { ...BASE_CRITERIA, cap: { max: 1, period: 'hour' } }, path: 'cap.period' },
    { rule: '§1 durations are an integer and a unit (not 1.5h)', doc: { ...BASE_CRITERIA, within: '1.5h' }, path: 'within' },
    { rule: '§1 durations are an integer and a unit (not "10 min")', doc: { ...BASE_CRITERIA, retry_window: '10 min' }, path: 'retry_window' },
    { rule: '§1 within must be more than 0', doc: { ...BASE_CRITERIA, within: '0' }, path: 'within' },
    { rule: '§1 effective_from needs an offset or Z', doc: { ...BASE_CRITERIA, effective_from: '2026-11-01T00:00:00' }, path: 'effective_from' },
    { rule: '§1 failure_reasons may use only the attempt taxonomy', doc: { ...BASE_CRITERIA, failure_reasons: [{ if: 'x', reason: 'reversed' }] }, path: 'failure_reasons[0].reason' },
    { rule: '§1 unknown fields are errors (top level)', doc: { ...BASE_CRITERIA, retry_windw: '1h' }, path: 'retry_windw' },
    { rule: '§1 unknown fields are errors (trigger)', doc: { ...BASE_CRITERIA, trigger: { property: 'p', whne: 'x' } }, path: 'trigger.whne' },
    { rule: '§1 unknown fields are errors (exclude)', doc: { ...BASE_CRITERIA, exclude: [{ if: 'x', label: 'l', lable: 'm' }] }, path: 'exclude[0].lable' },
    { rule: '§1 unknown fields are errors (cap)', doc: { ...BASE_CRITERIA, cap: { max: 1, per: 'record', perid: 'day' } }, path: 'cap.perid' },
    { rule: '§1 cost_centre_property is a property name', doc: { ...BASE_CRITERIA, cost_centre_property: 'team ids' }, path: 'cost_centre_property' },
    { rule: '§1 cost_centre_property is a property name (not a list)', doc: { ...BASE_CRITERIA, cost_centre_property: ['a'] }, path: 'cost_centre_property' },
    { rule: '§1 owner is required', doc: without('owner'), path: 'owner' },
    { rule: '§1 success is required', doc: without('success'), path: 'success' },
    { rule: '§1 within is required', doc: without('within'), path: 'within' },
    { rule: '§1 price is required', doc: without('price'), path: 'price' },
    { rule: '§1 trigger.property is required', doc: { ...BASE_CRITERIA, trigger: {} }, path: 'trigger.property' },
    { rule: '§2 a condition error names its column', doc: { ...BASE_CRITERIA, success: "stage = 'closed' AND " }, path: 'success', message: /at column 22/ },
  ])('$rule', ({ doc, path, message }) => {
    const found = problems(stringify(doc));
    expect(found.map((p) => p.path)).toContain(path);
    if (message) expect(found.find((p) => p.path === path)?.message).toMatch(message);
  });

  it('§1 a file with one bad version is rejected whole, the problem at criteria[i] (indexes from 0)', () => {
    const text = stringify({ criteria: [BASE_CRITERIA, { ...BASE_CRITERIA, version: 2, change_notes: 'x', within: 'soon' }] });
    expect(problems(text).map((p) => p.path)).toEqual(['criteria[1].within']);
  });

  it('§1 lists every problem, not only the first', () => {
    expect(problems(stringify({ ...BASE_CRITERIA, id: 'X', within: '0', object: 'lead' })).map((p) => p.path).sort()).toEqual(['id', 'object', 'within']);
  });

  it('§1 JSON is accepted as well as YAML', () => {
    expect(parseCriteriaText(JSON.stringify(BASE_CRITERIA)).ok).toBe(true);
  });

  it('§1 a bare effective_from date is midnight in the criteria time zone', () => {
    const [c] = ok({ ...BASE_CRITERIA, timezone: 'America/New_York', effective_from: '2026-11-01' });
    expect(new Date(c!.effectiveFrom).toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });

  it('§1 defaults: timezone UTC, retry_window/cooldown/review_window 0, idempotency_period day, on_timeout confirm, billing_period month', () => {
    const [c] = ok(BASE_CRITERIA);
    expect(c).toMatchObject({ timezone: 'UTC', retryWindowMs: 0, cooldownMs: 0, reviewWindowMs: 0, idempotencyPeriod: 'day', onTimeout: 'confirm', billingPeriod: 'month', cap: null });
  });

  it('§1 durations: s, m, h and d, where d is 24 h of elapsed time', () => {
    const [c] = ok({ ...BASE_CRITERIA, within: '3d', retry_window: '90s', cooldown: '2m', review_window: '24h' });
    expect(c).toMatchObject({ withinMs: 3 * 86_400_000, retryWindowMs: 90_000, cooldownMs: 120_000, reviewWindowMs: 86_400_000 });
  });

  it('YAML syntax errors name line and column', () => {
    const [p] = problems('id: x\nversion: [1\n');
    expect(p?.path).toBe('line 3, column 1');
    expect(p?.message).not.toMatch(/at line/);
  });
});
