// Test support: build criteria from a few overrides and replay a compact list of signals through simulate().
import { stringify } from 'yaml';
import { buildCriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../src/core/ledger-view.ts';
import type { Action } from '../../src/core/engine/input.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { SimulationResult } from '../../src/core/simulate.ts';
import type { ObjectType, Signal } from '../../src/core/types.ts';

/** A small valid criteria version on tickets: press `agent_started_at`, success `stage = 'closed'` within 1h. */
export const BASE_CRITERIA: Record<string, unknown> = {
  id: 'resolve',
  version: 1,
  name: 'Ticket resolved',
  owner: 'ops@example.com',
  effective_from: '2026-01-01T00:00:00Z',
  object: 'ticket',
  trigger: { property: 'agent_started_at' },
  success: "stage = 'closed'",
  within: '1h',
  price: { currency: 'USD', model: 'flat', unit_amount: '1.00' },
};

/** Criteria versions from overrides of BASE_CRITERIA (a key set to undefined is removed). */
export function criteriaSet(...versions: Record<string, unknown>[]): CriteriaSet {
  const list = (versions.length === 0 ? [{}] : versions).map((o) => {
    const merged: Record<string, unknown> = { ...BASE_CRITERIA, ...o };
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
    return merged;
  });
  const parsed = parseCriteriaText(stringify({ criteria: list }));
  if (!parsed.ok) throw new Error(`test criteria invalid: ${JSON.stringify(parsed.problems)}`);
  const set = buildCriteriaSet(parsed.versions.map((v) => ({ ...v, source: 'test' })));
  if (!set.ok) throw new Error(`test criteria set invalid: ${JSON.stringify(set.problems)}`);
  return set.set;
}

/** A compact signal: `at` as ISO or minutes after 2026-11-03T10:00Z; `set` one or more property values. */
export interface Step {
  at: string | number;
  record?: string;
  objectType?: ObjectType;
  set?: Record<string, string>;
  kind?: 'created' | 'deleted' | 'restored' | 'merged';
  mergedInto?: string;
}

export const T0 = Date.parse('2026-11-03T10:00:00Z');
export const at = (t: string | number): number => (typeof t === 'number' ? T0 + t * 60_000 : Date.parse(t));

export function signalsOf(steps: readonly Step[]): Signal[] {
  const out: Signal[] = [];
  steps.forEach((s, i) => {
    const base = { objectType: s.objectType ?? 'ticket', recordId: s.record ?? '1', at: at(s.at), ref: `step:${i}` };
    if (s.mergedInto !== undefined) out.push({ ...base, kind: 'merged_away', into: s.mergedInto });
    else if (s.kind !== undefined) out.push({ ...base, kind: s.kind });
    for (const [property, value] of Object.entries(s.set ?? {})) out.push({ ...base, kind: 'property', property, value });
  });
  return out;
}

export interface ScenarioOptions {
  criteria?: CriteriaSet;
  records?: { id: string; objectType?: ObjectType; properties: Record<string, string> }[];
  until?: string | number;
  /** Operator actions, in the order taken. */
  actions?: Action[];
}

export function run(steps: readonly Step[], opts: ScenarioOptions = {}): SimulationResult {
  return simulate({
    criteria: opts.criteria ?? criteriaSet(),
    records: (opts.records ?? []).map((r) => ({ objectType: r.objectType ?? 'ticket', id: r.id, properties: new Map(Object.entries(r.properties)) })),
    signals: signalsOf(steps),
    actions: opts.actions ?? [],
    until: opts.until === undefined ? null : at(opts.until),
  });
}

export function outcomes(steps: readonly Step[], opts: ScenarioOptions = {}): OutcomeView[] {
  return run(steps, opts).outcomes.map((o) => outcomeView(o));
}

export const iso = (t: string | number): string => new Date(at(t)).toISOString();
