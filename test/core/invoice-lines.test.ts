// A period's invoice lines with the outcomes behind each (cli.md `invoice`, contract §5, §6): which outcome is counted on which line.
import { describe, expect, it } from 'vitest';
import { lineKey, ratedLinesByPeriod } from '../../src/core/invoice/lines.ts';
import type { Action } from '../../src/core/engine/input.ts';
import { at, criteriaSet, run } from '../support/scenario.ts';
import { closed, keyOf, press } from './engine/lifecycle-cases.ts';

const BY = { userId: 7, email: 'ann@example.com' };
const DAY = 24 * 60;
const upheld = (minutes: number, outcomeId: string): Action[] => [
  { type: 'open_dispute', at: at(minutes), by: BY, outcomeId, reason: 'Not resolved.' },
  { type: 'resolve_dispute', at: at(minutes), by: BY, outcomeId, resolution: 'upheld', note: 'Agreed.' },
];
const id = (record: string, bucket = '2026-11-03') => `${keyOf(bucket, record)}#1`;

describe('ratedLinesByPeriod', () => {
  it('a charge line names the outcomes billed in its period, a credited one too; the credit line names it in the period upheld', () => {
    const criteria = criteriaSet();
    // Three tickets billed in November; ticket 2's dispute is upheld on 2 December, ticket 3 is never billed.
    const r = run([press(0, '1'), closed(5, '1'), press(0, '2'), closed(6, '2'), press(0, '3')], { criteria, actions: upheld(29 * DAY, id('2')) });
    const byPeriod = ratedLinesByPeriod(r.outcomes, criteria);
    expect([...byPeriod.keys()]).toEqual(['2026-11', '2026-12']);
    expect(byPeriod.get('2026-11')!.map((l) => [l.kind, l.quantity, l.amount, l.outcomeIds])).toEqual([['charge', 2, '2.00', [id('1'), id('2')]]]);
    expect(byPeriod.get('2026-12')).toEqual([
      { kind: 'credit', period: '2026-12', criteriaId: 'resolve', criteriaVersion: 1, currency: 'USD', quantity: -1, amount: '-1.00', creditFor: '2026-11', outcomeIds: [id('2')] },
    ]);
  });

  it('credits upheld in one period for two periods billed are two lines, each naming its own outcomes', () => {
    const criteria = criteriaSet();
    const nov = [press(0, '1'), closed(5, '1')];
    const dec = [press('2026-12-03T10:00:00Z', '2'), closed('2026-12-03T10:05:00Z', '2')];
    const actions = [...upheld(60 * DAY, id('1')), ...upheld(60 * DAY + 1, id('2', '2026-12-03'))];
    const jan = ratedLinesByPeriod(run([...nov, ...dec], { criteria, actions }).outcomes, criteria).get('2027-01')!;
    expect(jan.map((l) => [l.kind, l.kind === 'credit' ? l.creditFor : null, l.outcomeIds])).toEqual([
      ['credit', '2026-11', [id('1')]],
      ['credit', '2026-12', [id('2', '2026-12-03')]],
    ]);
  });

  it('an outcome not billed is named on no line, whatever billing period it still carries', () => {
    const criteria = criteriaSet();
    const r = run([press(0, '1'), closed(5, '1'), press(0, '2'), closed(5, '2')], { criteria });
    const [one, two] = r.outcomes;
    const reversed = { ...two!, status: 'not_billable' as const, reason: 'reversed' as const };
    expect(ratedLinesByPeriod([one!, reversed], criteria).get('2026-11')!.map((l) => l.outcomeIds)).toEqual([[id('1')]]);
  });

  it('a credit line names only outcomes credited, whatever credit period a stored outcome still carries', () => {
    const criteria = criteriaSet();
    const r = run([press(0, '1'), closed(5, '1'), press(0, '2'), closed(5, '2')], { criteria, actions: upheld(29 * DAY, id('2')) });
    const [one, two] = r.outcomes;
    const stale = { ...one!, creditPeriod: '2026-12' };
    const dec = ratedLinesByPeriod([stale, two!], criteria).get('2026-12')!;
    expect(dec.map((l) => [l.kind, l.quantity, l.outcomeIds])).toEqual([['credit', -1, [id('2')]]]);
  });

  it('outcomes not billed make no line and no period', () => {
    const criteria = criteriaSet({ review_window: '1h' });
    const r = run([press(0, '1'), closed(5, '1'), press(0, '2')], { criteria, until: 30 });
    expect(ratedLinesByPeriod(r.outcomes, criteria).size).toBe(0);
  });
});

describe('lineKey: one key per line of a period', () => {
  it('charge lines by id and version; credit lines also by the period billed', () => {
    const charge = { kind: 'charge', criteriaId: 'resolve', criteriaVersion: 1 };
    expect(lineKey(charge)).not.toBe(lineKey({ ...charge, criteriaVersion: 2 }));
    expect(lineKey(charge)).not.toBe(lineKey({ ...charge, criteriaId: 'other' }));
    expect(lineKey({ ...charge, kind: 'credit', creditFor: '2026-11' })).not.toBe(lineKey({ ...charge, kind: 'credit', creditFor: '2026-12' }));
    expect(lineKey({ ...charge, kind: 'credit', creditFor: '2026-11' })).not.toBe(lineKey(charge));
    // An adjustment of a charge line keys as that charge line, whatever creditFor it carries (null).
    expect(lineKey({ ...charge, creditFor: null })).toBe(lineKey(charge));
  });
});
