// A criteria version as the engine uses it: parsed, validated, conditions compiled, times in ms.
import type { Budget } from '../budget.ts';
import type { Price } from '../price.ts';
import type { BucketPeriod } from '../time.ts';
import type { AttemptReason, Condition, ObjectType } from '../types.ts';

export type CapPeriod = 'day' | 'week' | 'month';

export interface CriteriaVersion {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly description: string | null;
  readonly owner: string;
  /** Epoch ms from which this version is in force. */
  readonly effectiveFrom: number;
  readonly changeNotes: string | null;
  readonly object: ObjectType;
  readonly timezone: string;
  readonly trigger: { readonly property: string; readonly when: Condition | null };
  readonly success: Condition;
  readonly withinMs: number;
  readonly failIf: Condition | null;
  readonly failureReasons: readonly { readonly if: Condition; readonly reason: AttemptReason }[];
  readonly exclude: readonly { readonly if: Condition; readonly label: string }[];
  readonly retryWindowMs: number;
  readonly cooldownMs: number;
  readonly idempotencyPeriod: BucketPeriod;
  readonly reviewWindowMs: number;
  readonly onTimeout: 'confirm' | 'reject';
  readonly approveIf: Condition | null;
  readonly rejectIf: Condition | null;
  readonly cap: { readonly max: number; readonly per: 'record'; readonly period: CapPeriod } | null;
  readonly price: Price;
  readonly billingPeriod: 'month';
  /** Spend expectations and the limit per billing period (contract §8), or null without a `budget`. */
  readonly budget: Budget | null;
  /** The record property whose value at settlement allocates an outcome (contract §9), or null. */
  readonly costCentreProperty: string | null;
}

/** Every property a version reads: trigger, conditions, failure and exclusion rules, and the cost-centre property. */
export function propertiesRead(c: CriteriaVersion): string[] {
  const conditions = [
    c.trigger.when,
    c.success,
    c.failIf,
    c.approveIf,
    c.rejectIf,
    ...c.failureReasons.map((r) => r.if),
    ...c.exclude.map((r) => r.if),
  ];
  const names = new Set<string>([c.trigger.property]);
  for (const cond of conditions) for (const p of cond?.properties ?? []) names.add(p);
  if (c.costCentreProperty !== null) names.add(c.costCentreProperty);
  return [...names];
}
