// Property-based tests of the ledger's invariants (issue 2): order and repeats do not matter, caps hold, one reason each.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import type { HubSpotWebhookEvent } from '../../src/adapters/hubspot/webhook-events.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { SimulationResult } from '../../src/core/simulate.ts';
import { bucketOf } from '../../src/core/time.ts';
import { REASONS } from '../../src/core/types.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const ACTIONS = {
  press: ['agent_started_at', 'x'],
  close: ['stage', 'closed'],
  reopen: ['stage', 'open'],
  handoff: ['agent_status', 'handed_off'],
  resume: ['agent_status', 'working'],
  policy: ['handoff_reason', 'policy'],
  spam: ['spam', 'true'],
  approve: ['billing_review', 'approved'],
  reject: ['billing_review', 'rejected'],
} as const;
type Action = keyof typeof ACTIONS;

const settingsArb = fc.record({
  cooldown: fc.constantFrom('0', '1m', '5m'),
  retry_window: fc.constantFrom('0', '10m', '2h'),
  within: fc.constantFrom('15m', '1h'),
  review_window: fc.constantFrom('0', '30m', '1d'),
  on_timeout: fc.constantFrom('confirm', 'reject'),
  idempotency_period: fc.constantFrom('day', 'hour', 'none'),
  cap: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
  timezone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'),
});
type Settings = typeof settingsArb extends fc.Arbitrary<infer S> ? S : never;

function criteriaFor(s: Settings) {
  return criteriaSet({
    ...s,
    cap: s.cap === undefined ? undefined : { max: s.cap, period: 'day' },
    fail_if: "agent_status = 'handed_off'",
    failure_reasons: [{ if: "handoff_reason = 'policy'", reason: 'policy_block' }],
    exclude: [{ if: 'spam', label: 'spam' }],
    approve_if: "billing_review = 'approved'",
    reject_if: "billing_review = 'rejected'",
  });
}

/** Events on up to 4 tickets over ~40 hours; every event has its own time so file order never decides a tie. */
const eventsArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 2400 }), { minLength: 1, maxLength: 40 })
  .chain((minutes) =>
    fc.tuple(
      fc.constant(minutes),
      fc.array(fc.constantFrom(...(Object.keys(ACTIONS) as Action[])), { minLength: minutes.length, maxLength: minutes.length }),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: minutes.length, maxLength: minutes.length }),
      fc.array(fc.boolean(), { minLength: minutes.length, maxLength: minutes.length }),
    ),
  )
  .map(([minutes, actions, records, generic]) =>
    minutes.map((m, i): HubSpotWebhookEvent => {
      const [propertyName, propertyValue] = ACTIONS[actions[i]!];
      return {
        eventId: 1000 + i,
        subscriptionId: 7,
        portalId: 42,
        occurredAt: T0 + m * 60_000,
        attemptNumber: 0,
        objectId: String(records[i]),
        propertyName,
        propertyValue,
        // Both payload forms HubSpot sends must read the same.
        ...(generic[i] ? { subscriptionType: 'object.propertyChange', objectTypeId: '0-5' } : { subscriptionType: 'ticket.propertyChange' }),
      };
    }),
  );

function run(s: Settings, events: readonly HubSpotWebhookEvent[]): SimulationResult {
  const mapped = toSignals(events);
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.problems));
  return simulate({ criteria: criteriaFor(s), records: [], signals: mapped.signals, until: null });
}

const ledgerOf = (r: SimulationResult) => ({ outcomes: r.outcomes.map((o) => outcomeView(o, true)), invoice: r.invoice });

describe('ledger invariants (fast-check)', () => {
  it('the ledger is the same for any arrival order and any number of repeated deliveries', () => {
    fc.assert(
      fc.property(
        settingsArb,
        eventsArb,
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.integer(),
        (s, events, repeats, seed) => {
          const delivered = [...events];
          // HubSpot's retries: the same event again with a higher attemptNumber.
          for (const r of repeats) {
            const e = events[r % events.length]!;
            delivered.push({ ...e, attemptNumber: (e.attemptNumber ?? 0) + 1 + (r % 9) });
          }
          const shuffled = fc.sample(fc.shuffledSubarray(delivered, { minLength: delivered.length }), { seed, numRuns: 1 })[0]!;
          expect(ledgerOf(run(s, shuffled))).toEqual(ledgerOf(run(s, events)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never more billable outcomes per record and cap period than the cap', () => {
    fc.assert(
      fc.property(settingsArb.filter((s) => s.cap !== undefined), eventsArb, (s, events) => {
        const counts = new Map<string, number>();
        for (const o of run(s, events).outcomes) {
          if (o.status !== 'billable' || o.succeededAt === null) continue;
          const key = `${o.recordId}:${bucketOf(o.succeededAt, 'day', s.timezone)}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const n of counts.values()) expect(n).toBeLessThanOrEqual(s.cap!);
      }),
      { numRuns: 300 },
    );
  });

  it('every not-billable outcome has exactly one reason from §4, and every outcome settles', () => {
    fc.assert(
      fc.property(settingsArb, eventsArb, (s, events) => {
        for (const o of run(s, events).outcomes) {
          expect(['billable', 'not_billable']).toContain(o.status);
          if (o.status === 'not_billable') {
            expect(REASONS).toContain(o.reason);
            expect(o.label !== null).toBe(o.reason === 'excluded');
          } else expect(o.reason).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});
