// Issue 10: the portal log trimmed to SIGNAL_RETENTION_MS on real Redis: export keeps the pauses and first snapshots, and the backtest over the retention answers as before.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { createBacktest } from '../../src/app/backtest.ts';
import type { BacktestView } from '../../src/app/backtest.ts';
import { exportLedger } from '../../src/app/ledger-export.ts';
import type { LedgerExport } from '../../src/app/ledger-export.ts';
import { createLogRetention } from '../../src/app/log-retention.ts';
import type { PortalLogEntry, RecordRef } from '../../src/app/ports.ts';
import { buildCriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { PauseAction } from '../../src/core/engine/input.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import type { Signal } from '../../src/core/types.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const PORTAL = 62516;
const DAY = 86_400_000;
const MIN = 60_000;
const RETENTION = 35 * DAY;
const NOW = Date.parse('2026-12-03T00:00:00Z');
const CUTOFF = NOW - RETENTION;
const version = (v: number, from: string, within: string, extra = '') =>
  `  - { id: resolve, version: ${v}, name: Ticket resolved, owner: ops@example.com, effective_from: "${from}", object: ticket,${extra}
      trigger: { property: agent_started_at }, success: "stage = 'closed'", within: ${within}, exclude: [{ if: "subject CONTAINS 'test'", label: test_record }],
      price: { currency: USD, model: flat, unit_amount: "1.00" } }\n`;
const CRITERIA = `criteria:\n${version(1, '2026-01-01T00:00:00Z', '1h')}`;
const DRAFT = version(2, '2026-12-10T00:00:00Z', '3h', ' change_notes: Looser,').replace(/^ {2}- /, '').replace(/\n {6}/g, ' ');
const by = { userId: 7, email: 'ann@example.com' };
const pause = (at: number, type: 'pause' | 'resume'): PauseAction => ({ type, at, by, criteriaId: 'resolve', note: 'agent misbehaves' });
// Paused 40 days ago (before the retention), resumed 22 days ago (inside the backtest's window).
const PAUSES = [pause(NOW - 40 * DAY, 'pause'), pause(NOW - 22 * DAY, 'resume')];

// Fourteen tickets: a press every third day from 47 days ago (four before the retention), closed 30 min, 2 h or never after.
function signals(): Signal[] {
  const out: Signal[] = [];
  for (let r = 0; r < 14; r++) {
    const at = NOW - 47 * DAY + r * 3 * DAY + 3_600_000;
    const s = (dt: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: String(r + 1), at: at + dt, property, value, ref: `lr:${r}:${property}` });
    out.push(s(0, 'agent_started_at', String(at)));
    if (r % 3 !== 2) out.push(s((r % 3 === 0 ? 30 : 120) * MIN, 'stage', 'closed'));
  }
  return out.sort((a, b) => a.at - b.at);
}

// Ticket 10 started from a HubSpot snapshot that marks it a test: its signals are kept, its snapshot was logged long before them.
const SNAPSHOT: PortalLogEntry = { entry: 'initial', objectType: 'ticket', recordId: '10', found: true, properties: { subject: 'a test ticket' } };
const OLD_SNAPSHOT: PortalLogEntry = { entry: 'initial', objectType: 'ticket', recordId: '1', found: true, properties: { subject: 'printer' } };

let redis: Redis;
let prefix: string;
let criteria: CriteriaSet;
const store = () => createRedisSignalStore(redis, prefix);
const backtestView = async (): Promise<BacktestView> => {
  const answer = await createBacktest({ store: store(), criteria: () => criteria, retentionMs: RETENTION, clock: () => NOW }).run({ portalId: PORTAL, draftYaml: DRAFT });
  if (answer.kind !== 'ok') throw new Error(JSON.stringify(answer));
  return answer.view;
};
const exported = (): Promise<LedgerExport> => exportLedger(store(), PORTAL, { since: null, until: NOW });
const byRecord = (e: LedgerExport) => [...e.records].sort((a, b) => a.recordId.localeCompare(b.recordId));
let before: { view: BacktestView; export: LedgerExport };

beforeAll(async () => {
  redis = connect();
  prefix = testPrefix('log-retention');
  const parsed = parseCriteriaText(CRITERIA);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const set = buildCriteriaSet(parsed.versions.map((v) => ({ ...v, source: 'criteria.yaml' })));
  if (!set.ok) throw new Error(JSON.stringify(set.problems));
  criteria = set.set;
  const s = store();
  for (const [recordId, entry] of [['1', OLD_SNAPSHOT], ['10', SNAPSHOT]] as const) {
    const record: RecordRef = { portalId: PORTAL, objectType: 'ticket', recordId };
    await s.commit({ record, version: 0, state: newRecordState('ticket', recordId), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [], logged: [entry] });
  }
  // Stored in arrival order, the pauses among the signals of their time.
  const all = signals();
  for (const action of PAUSES) {
    const earlier = all.filter((x) => x.at < action.at);
    await s.ingest(PORTAL, earlier.map((signal) => ({ identity: signal.ref!, signal })));
    await s.storeAction({ kind: 'pause', portalId: PORTAL, requestId: `p${action.at}`, fingerprint: 'fp', answer: { action, outcome: null }, action, pauseCount: (await s.pauses(PORTAL)).length });
  }
  await s.ingest(PORTAL, all.map((signal) => ({ identity: signal.ref!, signal })));
  before = { view: await backtestView(), export: await exported() };
  const run = await createLogRetention({ store: s, clock: () => NOW, retentionMs: RETENTION, stepLimit: 5 }).run();
  // Two snapshots, seven signals (tickets 1 to 4) and the pause.
  expect(run).toEqual({ portals: 1, removed: 2 + 7 + 1 });
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('the portal log trimmed to the signal retention', () => {
  it('holds only the entries inside the retention, and counts what it removed', async () => {
    expect(await redis.llen(store().keys.log(PORTAL))).toBe(signals().filter((x) => x.at >= CUTOFF).length + 1);
    expect(await redis.hgetall(store().keys.logTrimmed(PORTAL))).toEqual({ entries: '10', pauses: '1' });
  });

  it('still exports every pause in the order taken, every first snapshot, and the signals inside the retention', async () => {
    const after = await exported();
    expect(after.actions).toEqual(PAUSES);
    expect(byRecord(after)).toEqual(byRecord(before.export));
    expect(after.records).toHaveLength(2);
    expect(after.signals).toEqual(before.export.signals.filter((x) => x.at >= CUTOFF));
    expect(after.signals.length).toBeLessThan(before.export.signals.length);
  });

  it('gives the backtest over the retention the same answer as before the trim', async () => {
    expect(await backtestView()).toEqual(before.view);
    // The window's outcomes saw both the pause taken before the retention and the test snapshot.
    expect(before.view.asIs.attempts).toBeGreaterThan(0);
  });
});
