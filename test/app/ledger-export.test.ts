// Use case: a portal's log as the simulator's inputs, on the in-memory store: replay order, the window, the records' first snapshots.
import { describe, expect, it } from 'vitest';
import { exportLedger } from '../../src/app/ledger-export.ts';
import type { PortalLogEntry } from '../../src/app/ports.ts';
import type { Signal } from '../../src/core/types.ts';

const set = (at: number, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '5', at, property: 'stage', value });
const read = (at: number): Signal => ({ kind: 'crm_read', objectType: 'ticket', recordId: '5', at, ref: `crm-read:${at + 1}`, found: true, properties: { company: 'Acme' } });
const by = { userId: 7, email: 'ann@example.com' };
const pause = { type: 'pause' as const, at: 1_500, by, criteriaId: 'resolve', note: 'n' };
const dispute = { type: 'open_dispute' as const, at: 2_500, by, outcomeId: 'resolve:ticket:5:2026-11-03#1', reason: 'r' };

const LOG: PortalLogEntry[] = [
  { entry: 'signal', signal: set(2_000, 'first') },
  { entry: 'signal', signal: set(1_000, 'early') },
  { entry: 'action', action: pause },
  { entry: 'signal', signal: set(2_000, 'second') },
  // Logged at a later commit, applied before the signals of its instant.
  { entry: 'initial', objectType: 'ticket', recordId: '5', found: true, properties: { company: 'Acme' } },
  { entry: 'signal', signal: read(2_000) },
  { entry: 'action', action: dispute },
  { entry: 'refused', action: dispute, problem: { code: 'not_disputable', path: ['outcomeId'], message: 'no' } },
];
const store = {
  async *portalLog() {
    yield* LOG;
  },
};

describe('exportLedger', () => {
  it('orders signals by time, at one instant the CRM reads first and then as stored; actions as taken', async () => {
    const e = await exportLedger(store, 1, { since: null, until: null });
    expect(e.signals).toEqual([set(1_000, 'early'), read(2_000), set(2_000, 'first'), set(2_000, 'second')]);
    expect(e.actions).toEqual([pause, dispute]);
    expect(e.records).toEqual([{ objectType: 'ticket', recordId: '5', found: true, properties: { company: 'Acme' } }]);
    expect(e.refused).toBe(1);
  });

  it('keeps to the window, bounds included', async () => {
    const e = await exportLedger(store, 1, { since: 1_500, until: 2_000 });
    expect(e.signals.map((s) => s.at)).toEqual([2_000, 2_000, 2_000]);
    expect(e.actions).toEqual([pause]);
  });
});
