// Property: with settled outcomes moving to the archive as the record's history grows, the ledger (hot state and archive) still equals simulate's over the same signals (docs/decisions.md, "Bounded state").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portalOutcomes } from '../../src/app/ledger-outcomes.ts';
import { processRecord } from '../../src/app/process-record.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { Signal } from '../../src/core/types.ts';
import { T0, criteriaSet } from '../support/scenario.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const HOLD = 1_000;
const CHANGES = [
  ['agent_started_at', 'x'],
  ['agent_started_at', 'x'],
  ['stage', 'closed'],
  ['stage', 'open'],
  ['agent_status', 'handed_off'],
  ['spam', 'true'],
  ['spam', ''],
  ['billing_review', 'approved'],
] as const;

const settingsArb = fc.record({
  cooldown: fc.constantFrom('0', '5m'),
  retry_window: fc.constantFrom('0', '30m'),
  within: fc.constantFrom('15m', '1h'),
  review_window: fc.constantFrom('0', '30m'),
  idempotency_period: fc.constantFrom('day', 'hour', 'none'),
  cap: fc.option(fc.constantFrom({ max: 1, period: 'day' }, { max: 2, period: 'week' }), { nil: undefined }),
});

/** One ticket's signals over 45 days (past a month's end, so outcomes reach the archive), each with its own minute and an arrival delay of up to an hour. */
const eventsArb = fc.uniqueArray(fc.integer({ min: 0, max: 45 * 24 * 60 }), { minLength: 1, maxLength: 40 }).chain((minutes) =>
  fc.tuple(
    fc.constant(minutes.sort((a, b) => a - b)),
    fc.array(fc.integer({ min: 0, max: CHANGES.length - 1 }), { minLength: minutes.length, maxLength: minutes.length }),
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })), { minLength: minutes.length, maxLength: minutes.length }),
  ),
);

const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '1' };

async function live(criteria: ReturnType<typeof criteriaSet>, signals: Signal[], delays: number[], disputeHorizonMs: number, end = T0 + 50 * 24 * HOUR) {
  const arrivals = signals.map((s, i) => ({ s, arrives: s.at + HOLD + delays[i]! * MIN })).sort((a, b) => a.arrives - b.arrives);
  const store = createMemorySignalStore();
  const clock = { now: T0 };
  // A 3 h late horizon: longer than any delay here, short enough that the history folds and archives many times.
  const deps = { store, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => clock.now, holdMs: HOLD, lateHorizonMs: 3 * HOUR, disputeHorizonMs };
  for (const [i, a] of arrivals.entries()) {
    await store.ingest(1, [{ identity: a.s.ref!, signal: a.s }]);
    clock.now = a.arrives + i;
    await processRecord(deps, record);
  }
  clock.now = end;
  await processRecord(deps, record);
  return { store, until: clock.now - HOLD };
}

describe('the archive, as a property', () => {
  it('leaves the ledger simulate computes however many outcomes moved to the archive', async () => {
    let archivedRuns = 0;
    await fc.assert(
      fc.asyncProperty(settingsArb, eventsArb, fc.constantFrom(0, 24 * HOUR), async (settings, [minutes, changes, delays], disputeHorizonMs) => {
        const criteria = criteriaSet({ ...settings, fail_if: "agent_status = 'handed_off'", exclude: [{ if: 'spam', label: 'spam' }], approve_if: "billing_review = 'approved'" });
        const signals: Signal[] = minutes.map((m, i) => {
          const [property, value] = CHANGES[changes[i]!]!;
          return { kind: 'property', objectType: 'ticket', recordId: '1', at: T0 + m * MIN, property, value, ref: `e${i}` };
        });
        const { store, until } = await live(criteria, signals, delays, disputeHorizonMs);
        const sim = simulate({ criteria, records: [], signals, until }).outcomes;
        const ledger = await portalOutcomes(store, 1);
        if ((await store.archived(record)).length > 0) archivedRuns++;
        expect(ledger.map((o) => outcomeView(o))).toEqual(sim.map((o) => outcomeView(o)));
        const counts: Record<string, number> = {};
        for (const o of sim) counts[o.status] = (counts[o.status] ?? 0) + 1;
        expect(Object.fromEntries(Object.entries(await store.outcomeCounts()).filter(([, n]) => n !== 0))).toEqual(counts);
      }),
      { numRuns: 60 },
    );
    // The property says something about the archive only if outcomes reached it.
    expect(archivedRuns).toBeGreaterThan(20);
  }, 120_000);

  it('keeps the hot state to what can still change: a press a day for 30 days leaves the settled ones archived', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day', cap: { max: 1, period: 'week' } });
    const signals: Signal[] = [];
    for (let d = 0; d < 30; d++) {
      signals.push({ kind: 'property', objectType: 'ticket', recordId: '1', at: T0 + d * 24 * HOUR, property: 'agent_started_at', value: `p${d}`, ref: `p${d}` });
      signals.push({ kind: 'property', objectType: 'ticket', recordId: '1', at: T0 + d * 24 * HOUR + 10 * MIN, property: 'stage', value: d % 3 === 0 ? 'open' : 'closed', ref: `s${d}` });
    }
    const { store, until } = await live(criteria, signals, signals.map(() => 0), 0, T0 + 40 * 24 * HOUR);
    const hot = (await store.load(record, Number.NEGATIVE_INFINITY)).state!.outcomes;
    const archived = await store.archived(record);
    expect(hot.length + archived.length).toBe(30);
    expect(hot.length).toBeLessThanOrEqual(8);
    const sim = simulate({ criteria, records: [], signals, until }).outcomes;
    expect((await portalOutcomes(store, 1)).map((o) => outcomeView(o, true))).toEqual(sim.map((o) => outcomeView(o, true)));
  });
});
