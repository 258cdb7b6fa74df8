// Issue 4 §4: HubSpot reads when a record is first seen and just before billing, on the in-memory stores (both pass the Redis stores' conformance suites).
import { describe, expect, it } from 'vitest';
import { processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps } from '../../src/app/process-record.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createMemoryCrmSnapshotStore } from '../../src/adapters/memory/crm-snapshots.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const HOLD = 1_000;
const criteria = criteriaSet({ success: "stage = 'closed' AND company IS KNOWN", review_window: '1m' });

describe('CRM reads before billing (issue 4 §4)', () => {
  const store = createMemorySignalStore();
  const crmSnapshots = createMemoryCrmSnapshotStore();
  let now = T0;
  let recordSeq = 0;
  const deps = (): ProcessDeps => ({
    store,
    scheduler: createMemoryScheduler(),
    criteria: () => criteria,
    clock: () => now,
    holdMs: HOLD,
    crm: { snapshots: crmSnapshots, maxWaitMs: 30_000 },
  });
  const ingest = (record: RecordRef, at: number, property: string, value: string) =>
    store.ingest(record.portalId, [{ identity: `${record.recordId}/${at}/${property}`, signal: { kind: 'property', objectType: 'ticket', recordId: record.recordId, at, property, value } }]);
  const newRecord = (): RecordRef => ({ portalId: 5, objectType: 'ticket', recordId: String(100 + recordSeq++) });
  const outcomesOf = async (record: RecordRef) => ((await store.load(record, Number.NEGATIVE_INFINITY)).state?.outcomes ?? []).map((o) => outcomeView(o, true));
  const snapshots = () => crmSnapshots;

  /** A record seen before (its snapshot read at T0), pressed at T0, closed at T0 + 1 s: in review until T0 + 61 s. */
  async function inReview(): Promise<RecordRef> {
    const record = newRecord();
    await snapshots().save(record, { readAt: T0, found: true, properties: { company: 'Acme' } });
    await ingest(record, T0, 'agent_started_at', 'x');
    await ingest(record, T0 + 1_000, 'stage', 'closed');
    now = T0 + 1_000 + HOLD;
    expect((await processRecord(deps(), record)).kind).toBe('processed');
    expect(await outcomesOf(record)).toMatchObject([{ status: 'in_review' }]);
    return record;
  }

  it('a record seen for the first time waits for its read, then starts from HubSpot’s values', async () => {
    const record = newRecord();
    now = T0;
    await ingest(record, T0, 'agent_started_at', 'x');
    now = T0 + HOLD;
    expect(await processRecord(deps(), record)).toEqual({ kind: 'waiting_for_crm' });
    expect((await snapshots().requested(10)).map((r) => r.record)).toContainEqual(record);
    // The reader answers: `company` was set long ago, so no webhook will ever mention it.
    await snapshots().save(record, { readAt: now, found: true, properties: { company: 'Acme', stage: 'new' } });
    await ingest(record, T0 + 5_000, 'stage', 'closed');
    now = T0 + 5_000 + HOLD;
    const r = await processRecord(deps(), record);
    expect(r.kind).toBe('processed');
    expect(await outcomesOf(record)).toMatchObject([{ status: 'in_review', succeededAt: new Date(T0 + 5_000).toISOString() }]);
  });

  it('settles billable only after a read made at or after the settlement instant, and says so', async () => {
    const record = await inReview();
    // The review ends at T0 + 61 s; the worker reaches it a hold later and needs a read newer than that.
    const reviewEnd = T0 + 61_000;
    now = reviewEnd + HOLD;
    expect(await processRecord(deps(), record)).toEqual({ kind: 'waiting_for_crm' });
    await snapshots().save(record, { readAt: now, found: true, properties: { company: 'Acme', stage: 'closed' } });
    expect((await processRecord(deps(), record)).kind).toBe('processed');
    const [o] = await outcomesOf(record);
    expect(o).toMatchObject({ status: 'billable', settledAt: new Date(reviewEnd).toISOString(), verification: 'signals + CRM read' });
    expect(o!.trail!.some((e) => e.type === 'signal' && e.kind === 'crm_read' && e.at === new Date(reviewEnd).toISOString())).toBe(true);
  });

  it('a missed webhook cannot bill: HubSpot says the ticket was reopened, so the outcome is reversed', async () => {
    const record = await inReview();
    now = T0 + 61_000 + HOLD;
    await snapshots().save(record, { readAt: now, found: true, properties: { company: 'Acme', stage: 'open' } });
    expect((await processRecord(deps(), record)).kind).toBe('processed');
    expect(await outcomesOf(record)).toMatchObject([{ status: 'not_billable', reason: 'reversed', billingPeriod: null }]);
  });

  it('a first-seen record that settles at once on its snapshot is verified by that read', async () => {
    const record = newRecord();
    const instant = criteriaSet({ success: "stage = 'closed' AND company IS KNOWN" });
    now = T0 + 2 * HOLD;
    await snapshots().save(record, { readAt: now, found: true, properties: { company: 'Acme' } });
    await ingest(record, T0, 'agent_started_at', 'x');
    await ingest(record, T0 + 500, 'stage', 'closed');
    expect((await processRecord({ ...deps(), criteria: () => instant }, record)).kind).toBe('processed');
    expect(await outcomesOf(record)).toMatchObject([{ status: 'billable', settledAt: new Date(T0 + 500).toISOString(), verification: 'signals + CRM read' }]);
  });

  it('settles on signals alone, and reports it, when no read comes within the wait limit', async () => {
    const record = await inReview();
    now = T0 + 61_000 + HOLD + 31_000;
    const r = await processRecord(deps(), record);
    const [outcome] = await outcomesOf(record);
    expect(outcome).toMatchObject({ status: 'billable', verification: 'signals' });
    // Which outcome and when (issue 10: each unverified settlement is logged and counted by the worker).
    expect(r).toMatchObject({ kind: 'processed', unverified: [{ outcomeId: outcome!.outcomeId, settledAt: T0 + 61_000 }] });
  });

  it('reports an unverified settlement once when its first commit lost to another worker', async () => {
    const record = await inReview();
    now = T0 + 61_000 + HOLD + 31_000;
    let conflicts = 1;
    const contended: ProcessDeps = {
      ...deps(),
      store: { ...store, commit: async (request) => (conflicts-- > 0 ? { ok: false } : store.commit(request)) } as typeof store,
    };
    const r = await processRecord(contended, record);
    expect(r).toMatchObject({ kind: 'processed', conflicts: 1 });
    expect(r.kind === 'processed' && r.unverified).toHaveLength(1);
  });
});
