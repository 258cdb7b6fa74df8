// Use case: the backtest over a portal's log: the window and its bound, the draft read as `validate` reads it, the view, and equality with simulate by hand.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createBacktest } from '../../src/app/backtest.ts';
import type { PortalLogEntry } from '../../src/app/ports.ts';
import { withDraft } from '../../src/core/backtest.ts';
import { lineMinor } from '../../src/core/invoice/adjustments.ts';
import { formatAmount } from '../../src/core/money.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { Signal } from '../../src/core/types.ts';
import { BASE_CRITERIA, criteriaSet } from '../support/scenario.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T00:00:00Z');
const RETENTION = 35 * DAY;
const prop = (at: number, recordId: string, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property, value });
const press = (at: number, r: string) => prop(at, r, 'agent_started_at', String(at));
const closed = (at: number, r: string) => prop(at, r, 'stage', 'closed');
const MIN = 60_000;

// Record 1 (2 days ago) closes in 30 min; record 2 (3 days ago) in 2 h; record 3 (40 days ago) is past the retention.
const LOG: PortalLogEntry[] = [
  { entry: 'signal', signal: press(NOW - 40 * DAY, '3') },
  { entry: 'signal', signal: closed(NOW - 40 * DAY + 2 * 60 * MIN, '3') },
  { entry: 'initial', objectType: 'ticket', recordId: '2', found: true, properties: { subject: 'hello' } },
  { entry: 'signal', signal: press(NOW - 3 * DAY, '2') },
  { entry: 'signal', signal: closed(NOW - 3 * DAY + 120 * MIN, '2') },
  { entry: 'signal', signal: press(NOW - 2 * DAY, '1') },
  { entry: 'signal', signal: closed(NOW - 2 * DAY + 30 * MIN, '1') },
];
const store = {
  async *portalLog() {
    yield* LOG;
  },
};
const criteria = criteriaSet({ effective_from: '2026-01-01T00:00:00Z' });
const service = createBacktest({ store, criteria: () => criteria, retentionMs: RETENTION, clock: () => NOW });
const draftYaml = (o: Record<string, unknown> = {}) => stringify({ ...BASE_CRITERIA, version: 2, change_notes: 'Looser.', effective_from: '2026-12-04T00:00:00Z', within: '3h', ...o });

describe('backtest use case', () => {
  it('replays the last 30 days by default, both sides and the change linking to its record', async () => {
    const a = await service.run({ portalId: 42, draftYaml: draftYaml() });
    if (a.kind !== 'ok') throw new Error(JSON.stringify(a));
    const v = a.view;
    expect(v.window).toEqual({ from: '2026-11-03T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z', asOf: '2026-12-03T00:00:00.000Z' });
    expect(v.draft).toEqual({ criteriaId: 'resolve', version: 2 });
    // Record 3's signals are older than the retention: dropped, not replayed.
    expect(v.signals).toBe(4);
    expect(v.asIs).toEqual({ presses: 2, attempts: 2, successes: 1, billable: 1, pending: 0, charge: [{ currency: 'USD', amount: '1.00' }], yield: 0.5, notBillable: [{ reason: 'latency_breach', count: 1 }] });
    expect(v.withDraft).toMatchObject({ billable: 2, charge: [{ currency: 'USD', amount: '2.00' }], yield: 1, notBillable: [] });
    expect(v.changedCount).toBe(1);
    expect(v.changes).toEqual([
      {
        outcomeId: 'resolve:ticket:2:2026-11-30#1',
        criteriaId: 'resolve',
        objectType: 'ticket',
        recordId: '2',
        openedAt: '2026-11-30T00:00:00.000Z',
        recordUrl: 'https://app.hubspot.com/contacts/42/record/0-5/2',
        before: { criteriaVersion: 1, status: 'not_billable', reason: 'latency_breach' },
        after: { criteriaVersion: 2, status: 'billable', reason: null },
      },
    ]);
  });

  it('its draft side is simulate run by hand on the same inputs with the draft from the window start', async () => {
    const from = NOW - 10 * DAY;
    const a = await service.run({ portalId: 42, draftYaml: draftYaml(), from, to: NOW });
    if (a.kind !== 'ok') throw new Error(a.kind);
    const parsed = parseCriteriaText(draftYaml());
    if (!parsed.ok) throw new Error('draft');
    const set = withDraft(criteria, parsed.versions[0]!.criteria, from);
    if (!set.ok) throw new Error('set');
    const signals = LOG.flatMap((e) => (e.entry === 'signal' && e.signal.at >= NOW - RETENTION ? [e.signal] : []));
    const byHand = simulate({ criteria: set.set, records: [{ objectType: 'ticket', id: '2', properties: new Map([['subject', 'hello']]) }], signals, actions: [], until: NOW });
    expect(a.view.withDraft.billable).toBe(byHand.summary.billable);
    expect(a.view.withDraft.attempts).toBe(byHand.summary.attempts);
    // Two periods' lines by hand (November and December), one charge in the backtest.
    const minor = byHand.invoice.reduce((sum, l) => sum + lineMinor(l.amount, l.currency), 0n);
    expect(byHand.invoice).toHaveLength(2);
    expect(a.view.withDraft.charge).toEqual([{ currency: 'USD', amount: formatAmount(minor, 'USD') }]);
  });

  it('takes a draft as the page’s editor holds it, without the publish fields: the next number, in force from the window', async () => {
    const text = stringify({ ...BASE_CRITERIA, within: '3h', version: undefined, effective_from: undefined });
    expect(text).not.toMatch(/version|effective_from|change_notes/);
    const a = await service.run({ portalId: 42, draftYaml: text });
    if (a.kind !== 'ok') throw new Error(JSON.stringify(a));
    expect(a.view.draft).toEqual({ criteriaId: 'resolve', version: 2 });
    expect(a.view.changedCount).toBe(1);
  });

  it('refuses a window that starts before the signals kept, and an empty one', async () => {
    const early = await service.run({ portalId: 42, draftYaml: draftYaml(), from: NOW - 36 * DAY });
    expect(early).toEqual({ kind: 'invalid_window', problems: [{ code: 'too_small', path: ['from'], message: expect.stringMatching(/^the window starts at 2026-10-28T00:00:00.000Z, before the oldest signals kept \(2026-10-29T00:00:00.000Z, 35 days ago: SIGNAL_RETENTION_MS\)$/) }] });
    const empty = await service.run({ portalId: 42, draftYaml: draftYaml(), from: NOW - DAY, to: NOW - DAY });
    expect(empty).toMatchObject({ kind: 'invalid_window', problems: [{ path: ['from'] }] });
    // The default window is 30 days before `to`, but never before what is kept: with `to` 10 days ago it starts 35 days ago.
    const defaulted = await service.run({ portalId: 42, draftYaml: draftYaml(), to: NOW - 10 * DAY });
    expect(defaulted).toMatchObject({ kind: 'ok', view: { window: { from: '2026-10-29T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' } } });
  });

  it('reads the draft as validate does: each problem at its field, a condition’s with its column', async () => {
    const a = await service.run({ portalId: 42, draftYaml: draftYaml({ success: "stage = 'closed' AND", within: 'soon' }) });
    expect(a.kind).toBe('invalid_draft');
    if (a.kind !== 'invalid_draft') return;
    const at = a.problems.map((p) => [p.path.join('.'), p.message]);
    expect(at).toEqual(expect.arrayContaining([['success', expect.stringMatching(/at column \d+$/)], ['within', expect.any(String)]]));
    const syntax = await service.run({ portalId: 42, draftYaml: 'id: [unclosed' });
    expect(syntax).toMatchObject({ kind: 'invalid_draft', problems: [{ code: 'syntax', path: [expect.stringMatching(/^line \d+, column \d+$/)] }] });
  });

  it('refuses a file of two versions, and a draft on another object', async () => {
    const two = stringify({ criteria: [{ ...BASE_CRITERIA }, { ...BASE_CRITERIA, id: 'other' }] });
    expect(await service.run({ portalId: 42, draftYaml: two })).toMatchObject({ kind: 'invalid_draft', problems: [{ path: ['criteria'], message: expect.stringContaining('a draft is one version') }] });
    expect(await service.run({ portalId: 42, draftYaml: draftYaml({ object: 'deal' }) })).toMatchObject({ kind: 'invalid_draft', problems: [{ code: 'conflict', path: ['object'] }] });
  });
});
