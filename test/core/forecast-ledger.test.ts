// Contract §8 forecasts read from a ledger with two versions of an id, another id and a limit: which outcomes, lines and days each figure reads (days in New York, after daylight saving ended).
import { describe, expect, it } from 'vitest';
import type { Outcome, TrailEntry } from '../../src/core/engine/outcome.ts';
import { dailyBillable, forecastsAt, leftReview } from '../../src/core/forecast-inputs.ts';
import { invoiceOf } from '../../src/core/ledger-view.ts';
import type { Reason, Status } from '../../src/core/types.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const ZONE = 'America/New_York';
/** v1 5.00 each; v2 from 10 November: the first 5 of a line at 1.00, then 0.10. */
const CRITERIA = criteriaSet(
  { timezone: ZONE, price: { currency: 'USD', model: 'flat', unit_amount: '5.00' } },
  { version: 2, change_notes: 'Tiers.', effective_from: '2026-11-10T05:00:00Z', timezone: ZONE, price: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 5, unit_amount: '1.00' }, { up_to: null, unit_amount: '0.10' }] } },
  { id: 'other', timezone: ZONE, price: { currency: 'USD', model: 'flat', unit_amount: '7.00' } },
);
/** CRITERIA with v2 holding a budget limit. */
const withLimit = (limit: string) =>
  criteriaSet(
    { timezone: ZONE, price: { currency: 'USD', model: 'flat', unit_amount: '5.00' } },
    { version: 2, change_notes: 'Tiers.', effective_from: '2026-11-10T05:00:00Z', timezone: ZONE, price: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 5, unit_amount: '1.00' }, { up_to: null, unit_amount: '0.10' }] }, budget: { expected: '100.00', limit } },
    { id: 'other', timezone: ZONE, price: { currency: 'USD', model: 'flat', unit_amount: '7.00' } },
  );
/** Noon on 20 November in New York (EST): 10.5 days left, 469 of the month's 721 hours gone. */
const NOW = Date.parse('2026-11-20T17:00:00Z');
const DAY = 86_400_000;

let seq = 0;
function billed(at: string, version: number, over: Partial<Outcome> = {}): Outcome {
  seq += 1;
  const period = new Date(Date.parse(at) - 5 * 3_600_000).toISOString().slice(0, 7);
  return outcomeFixture({ recordId: String(seq), status: 'billable', criteriaVersion: version, settledAt: Date.parse(at), billingPeriod: period, ...over });
}

const LEDGER = [
  billed('2026-11-03T17:00:00Z', 1),
  billed('2026-11-04T17:00:00Z', 1),
  billed('2026-11-11T17:00:00Z', 2),
  billed('2026-11-12T17:00:00Z', 2),
  billed('2026-11-13T17:00:00Z', 2),
  // October's: not this period's charge or line; the first is 00:30 on 23 October in New York, the first trailing day.
  billed('2026-10-23T04:30:00Z', 1),
  billed('2026-10-10T16:00:00Z', 2),
  // Another id's outcomes read nothing of this one.
  billed('2026-11-05T17:00:00Z', 1, { criteriaId: 'other' }),
  outcomeFixture({ recordId: 'o2', criteriaId: 'other', status: 'in_review' }),
];

const figures = (f: ReturnType<typeof forecastsAt>[number]) => [f.mtdMinor, f.runRateMinor, f.accrualMinor, f.lowMinor, f.likelyMinor, f.highMinor];

describe("forecastsAt: an id's figures read from the whole ledger", () => {
  const lines = invoiceOf(LEDGER, CRITERIA);

  it('lists the ids in order, each with the version in force now', () => {
    expect(forecastsAt(LEDGER, lines, CRITERIA, NOW).map((f) => `${f.criteriaId} v${f.version.version}`)).toEqual(['other v1', 'resolve v2']);
  });

  it("reads the period's lines and the version's own line, tiers continuing from its 3 outcomes", () => {
    const f = forecastsAt(LEDGER, lines, CRITERIA, NOW).find((x) => x.criteriaId === 'resolve')!;
    // Trailing days: 6 days with one (23 October, 3, 4, 11, 12, 13 November), 22 empty: mean 3/14, p90 1, p10 0.
    expect(f.trailing.filter((d) => d.count > 0).map((d) => d.date)).toEqual(['2026-10-23', '2026-11-03', '2026-11-04', '2026-11-11', '2026-11-12', '2026-11-13']);
    // mtd 10.00 + 3.00; run-rate 13.00 × 721 / 469; likely 2.25 more from position 3 (2 at 1.00, 0.25 at 0.10); high 10.5 more (2 at 1.00, 8.5 at 0.10).
    expect(figures(f)).toEqual([1300n, 1999n, 1300n, 1300n, 1503n, 1585n]);
  });

  it("holds the line to the limit less the id's other versions' lines this period", () => {
    const limited = withLimit('14.50');
    const f = forecastsAt(LEDGER, invoiceOf(LEDGER, limited), limited, NOW).find((x) => x.criteriaId === 'resolve')!;
    // 14.50 − 10.00 leaves 4.50 for v2's line: its 4th outcome (4.00) fits, the 5th (5.00) does not.
    expect(figures(f)).toEqual([1300n, 1450n, 1300n, 1300n, 1400n, 1400n]);
  });

  it("counts only the lines in the version's currency toward the charge so far", () => {
    const euros = { period: '2026-11', criteriaId: 'resolve', currency: 'EUR', amount: '9.00' };
    const f = forecastsAt(LEDGER, [...lines, euros], CRITERIA, NOW).find((x) => x.criteriaId === 'resolve')!;
    expect(f.mtdMinor).toBe(1300n);
  });

  it("takes the 90 days of review exits in the id's zone", () => {
    // 90 days before noon on 20 November in New York is noon on 22 August (EDT, 16:00 UTC): 16:30 UTC is inside.
    const exit: TrailEntry = { at: Date.parse('2026-08-22T16:30:00Z'), version: 1, type: 'transition', from: 'in_review', to: 'not_billable', cause: 'review_end', reason: 'reversed' };
    const [, f] = forecastsAt([outcomeFixture({ recordId: 'x', status: 'not_billable', trail: [exit] })], [], CRITERIA, NOW);
    expect(f!.approvalRate).toEqual({ num: 0n, den: 1n });
  });

  it('charges nothing more once an outcome of the period is over limit', () => {
    // A 12.50 limit: v1's 10.00, then v2's 11 and 12 November (1.00 each) fit; 13 November's would make 13.00.
    const limited = withLimit('12.50');
    const f = forecastsAt(LEDGER, invoiceOf(LEDGER, limited), limited, NOW).find((x) => x.criteriaId === 'resolve')!;
    expect(f.mtdMinor).toBe(1200n);
    expect([f.likelyMinor, f.highMinor]).toEqual([1200n, 1200n]);
  });
});

describe('dailyBillable: day bounds', () => {
  const from = Date.parse('2026-11-02T05:00:00Z');
  const at = (iso: string) => billed(iso, 1);

  it("counts an outcome settled at a day's first instant on that day, and none at the first instant after the last day", () => {
    const days = dailyBillable([at('2026-11-02T05:00:00Z'), at('2026-11-03T05:00:00Z'), at('2026-11-03T05:00:00Z'), at('2026-11-04T05:00:00Z'), at('2026-11-02T04:59:59Z')], ZONE, from, 2);
    expect(days).toEqual([
      { date: '2026-11-02', count: 1 },
      { date: '2026-11-03', count: 2 },
    ]);
  });

  it('a single day counts its outcomes; no days count nothing', () => {
    expect(dailyBillable([at('2026-11-02T12:00:00Z')], ZONE, from, 1)).toEqual([{ date: '2026-11-02', count: 1 }]);
    expect(dailyBillable([at('2026-11-02T12:00:00Z')], ZONE, from, 0)).toEqual([]);
  });
});

describe('leftReview: how the outcomes that left review within (since, until] ended', () => {
  const exit = (at: number, from: Status, to: Status, reason?: Reason): TrailEntry => ({ at, version: 1, type: 'transition', from, to, cause: 'review_end', ...(reason ? { reason } : {}) });
  const withTrail = (...trail: TrailEntry[]) => outcomeFixture({ recordId: String(++seq), trail });
  const SINCE = NOW - 90 * DAY;

  it('counts each kind of exit, by its last exit in the window, and nothing else', () => {
    const outcomes = [
      withTrail(exit(NOW - DAY, 'in_review', 'billable')),
      withTrail(exit(NOW - DAY, 'in_review', 'not_billable', 'reversed')),
      withTrail(exit(NOW - DAY, 'in_review', 'not_billable', 'reversed')),
      withTrail(exit(NOW - DAY, 'in_review', 'not_billable', 'human_review_fail')),
      withTrail(exit(NOW - 2 * DAY, 'in_review', 'not_billable', 'human_review_fail'), exit(NOW - DAY, 'in_review', 'billable')),
      // Not exits from review: a deadline missed, a signal in a trail.
      withTrail(exit(NOW - DAY, 'open', 'not_billable', 'reversed')),
      withTrail({ at: NOW - DAY, version: 1, type: 'opened' }),
    ];
    expect(leftReview(outcomes, SINCE, NOW)).toEqual({ billable: 2, reversed: 2, reviewFailed: 1 });
  });

  it('the window holds its end and not its start', () => {
    const outcomes = [withTrail(exit(SINCE, 'in_review', 'billable')), withTrail(exit(NOW, 'in_review', 'not_billable', 'reversed')), withTrail(exit(NOW + 1, 'in_review', 'billable'))];
    expect(leftReview(outcomes, SINCE, NOW)).toEqual({ billable: 0, reversed: 1, reviewFailed: 0 });
  });
});
