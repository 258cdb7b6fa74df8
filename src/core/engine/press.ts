// Presses (contract §3): detecting them, and cool-down, retry, duplicate or new attempt.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { CriteriaVersion } from '../criteria/types.ts';
import { bucketOf } from '../time.ts';
import type { Signal } from '../types.ts';
import { outcomeIdOf } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import type { PauseLookup } from './pauses.ts';
import type { RecordState } from './record-state.ts';
import { visibleProps } from './record-state.ts';
import { reopenForRetry } from './transitions.ts';

/**
 * The versions for which this signal is a press: it sets the trigger property to a non-empty
 * value (even its current one) and `when`, if any, holds after it. Call after the change is applied.
 * A press of a paused id is counted on the record and left out (contract §7).
 */
export function pressesOf(state: RecordState, signal: Signal, criteria: CriteriaSet, pauses: PauseLookup): CriteriaVersion[] {
  if (signal.kind !== 'property' || signal.value === '') return [];
  const found: CriteriaVersion[] = [];
  for (const id of criteria.idsFor(state.objectType)) {
    const c = criteria.inForce(id, signal.at);
    if (c === null || c.trigger.property !== signal.property) continue;
    if (c.trigger.when !== null && !c.trigger.when.evaluate(visibleProps(state))) continue;
    if (pauses.isPaused(id, signal.at)) {
      state.paused += 1;
      continue;
    }
    found.push(c);
  }
  return found;
}

export function idempotencyKeyOf(c: CriteriaVersion, state: RecordState, at: number): string {
  return `${c.id}:${state.objectType}:${state.recordId}:${bucketOf(at, c.idempotencyPeriod, c.timezone)}`;
}

export function latestWithKey(state: RecordState, key: string): Outcome | null {
  for (let i = state.outcomes.length - 1; i >= 0; i--) {
    const o = state.outcomes[i]!;
    if (o.idempotencyKey === key) return o;
  }
  return null;
}

/** Applies one press under `inForce` (the version in force at the press). */
export function applyPress(state: RecordState, inForce: CriteriaVersion, signal: Signal, criteria: CriteriaSet): void {
  const at = signal.at;
  const ref = signal.ref;
  const key = idempotencyKeyOf(inForce, state, at);
  const latest = latestWithKey(state, key);
  if (latest !== null) {
    // Steps 1 and 2 follow the settings of the version the key's latest attempt is pinned to.
    const pinned = criteria.get(latest.criteriaId, latest.criteriaVersion);
    const entry = { at, version: latest.criteriaVersion, ...(ref ? { ref } : {}) };
    if (at - latest.lastPressAt < pinned.cooldownMs) {
      latest.suppressed += 1;
      latest.trail.push({ ...entry, type: 'suppressed' });
      return;
    }
    if (at - latest.openedAt <= pinned.retryWindowMs) {
      if (latest.status === 'open' || latest.status === 'failed') {
        latest.trail.push({ ...entry, type: 'retry' });
        reopenForRetry(latest, pinned, at);
        return;
      }
      if (latest.status === 'in_review' || latest.status === 'billable') {
        latest.duplicates += 1;
        latest.lastPressAt = at;
        latest.trail.push({ ...entry, type: 'duplicate' });
        return;
      }
    }
  }
  const seq = latest === null ? 1 : latest.seq + 1;
  const outcome: Outcome = {
    outcomeId: outcomeIdOf(key, seq),
    idempotencyKey: key,
    seq,
    criteriaId: inForce.id,
    criteriaVersion: inForce.version,
    objectType: state.objectType,
    recordId: state.recordId,
    status: 'open',
    reason: null,
    label: null,
    tries: 1,
    suppressed: 0,
    duplicates: 0,
    openedAt: at,
    lastPressAt: at,
    deadline: at + inForce.withinMs,
    succeededAt: null,
    reviewEndsAt: null,
    settledAt: null,
    billingPeriod: null,
    dispute: null,
    agentId: signal.source ?? null,
    costCentre: null,
    overLimit: false,
    creditedAt: null,
    creditPeriod: null,
    trail: [{ at, version: inForce.version, type: 'opened', ...(ref ? { ref } : {}) }],
  };
  state.outcomes.push(outcome);
}
