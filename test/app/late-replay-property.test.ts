// Property: whatever order and however late (within the horizon) a record's signals arrive, the worker's ledger equals simulate's over the same signals (contract §7).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portalOutcomes } from '../../src/app/ledger-outcomes.ts';
import { processRecord } from '../../src/app/process-record.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { compareOutcomes, outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { Signal } from '../../src/core/types.ts';
import { T0, criteriaSet } from '../support/scenario.ts';

const MIN = 60_000;
const HOLD = 1_000;
const CHANGES = [
  ['agent_started_at', 'x'],
  ['stage', 'closed'],
  ['stage', 'open'],
  ['agent_status', 'handed_off'],
  ['agent_status', 'working'],
  ['spam', 'true'],
  ['billing_review', 'approved'],
  ['billing_review', 'rejected'],
] as const;

const settingsArb = fc.record({
  cooldown: fc.constantFrom('0', '5m'),
  retry_window: fc.constantFrom('0', '30m'),
  within: fc.constantFrom('15m', '1h'),
  review_window: fc.constantFrom('0', '30m', '2h'),
  on_timeout: fc.constantFrom('confirm', 'reject'),
  idempotency_period: fc.constantFrom('day', 'hour', 'none'),
  cap: fc.option(fc.constant({ max: 1, period: 'day' }), { nil: undefined }),
});

/** One ticket's signals over 10 hours, each with its own minute and an arrival delay of up to 8 hours. */
const eventsArb = fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 25 }).chain((minutes) =>
  fc.tuple(
    fc.constant(minutes),
    fc.array(fc.integer({ min: 0, max: CHANGES.length - 1 }), { minLength: minutes.length, maxLength: minutes.length }),
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 480 })), { minLength: minutes.length, maxLength: minutes.length }),
  ),
);

const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '1' };

describe('late replay, as a property', () => {
  it('leaves the ledger simulate computes, for any arrival order and delay within the horizon', async () => {
    await fc.assert(
      fc.asyncProperty(settingsArb, eventsArb, async (settings, [minutes, changes, delays]) => {
        const criteria = criteriaSet({ ...settings, fail_if: "agent_status = 'handed_off'", exclude: [{ if: 'spam', label: 'spam' }], approve_if: "billing_review = 'approved'", reject_if: "billing_review = 'rejected'" });
        const signals: Signal[] = minutes.map((m, i) => {
          const [property, value] = CHANGES[changes[i]!]!;
          return { kind: 'property', objectType: 'ticket', recordId: '1', at: T0 + m * MIN, property, value, ref: `e${i}` };
        });
        const arrivals = signals.map((s, i) => ({ s, arrives: s.at + HOLD + delays[i]! * MIN })).sort((a, b) => a.arrives - b.arrives);
        const store = createMemorySignalStore();
        const clock = { now: T0 };
        const deps = { store, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => clock.now, holdMs: HOLD };
        for (const [i, a] of arrivals.entries()) {
          await store.ingest(1, [{ identity: a.s.ref!, signal: a.s }]);
          clock.now = a.arrives + i;
          await processRecord(deps, record);
        }
        clock.now = T0 + 3 * 24 * 60 * MIN;
        await processRecord(deps, record);
        const live = await portalOutcomes(store, record.portalId);
        const sim = simulate({ criteria, records: [], signals, until: clock.now - HOLD }).outcomes;
        expect([...live].sort(compareOutcomes).map((o) => outcomeView(o))).toEqual(sim.map((o) => outcomeView(o)));
      }),
      { numRuns: 80 },
    );
  }, 60_000);
});
