// `npm run bench:growth`: whether a record's per-signal work and Redis state grow with its history: Redis bytes per retained signal, per open record and per settled outcome, and the work per signal on a record with 0, 100 and 1,000 settled outcomes.
// A benchmark, not a test: it asserts nothing and prints figures for docs/performance.md. It needs Redis; it writes under a
// unique prefix and deletes only that prefix's keys. Knobs: BENCH_SIZES (settled outcomes before measuring, default
// "0,100,1000"), BENCH_SIGNALS (signals measured per size, default 200), BENCH_WARMUP (signals applied first, default 100:
// the first fold, which archives the history once, falls in them), BENCH_LATE_HORIZON_MS (default 10 minutes, so folds come
// often), BENCH_DISPUTE_HORIZON_MS (default 1 day: the history settled two days before).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryScheduler } from '../src/adapters/memory/scheduler.ts';
import { createRedisSignalStore } from '../src/adapters/redis/signal-store.ts';
import type { RecordRef } from '../src/app/ports.ts';
import { processRecord } from '../src/app/process-record.ts';
import { advance } from '../src/core/engine/advance.ts';
import { newRecordState } from '../src/core/engine/record-state.ts';
import type { Signal } from '../src/core/types.ts';
import { criteriaSet } from '../test/support/scenario.ts';

const SIZES = (process.env.BENCH_SIZES ?? '0,100,1000').split(',').map(Number);
const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
const LATE_HORIZON_MS = Number(process.env.BENCH_LATE_HORIZON_MS ?? 600_000);
const DISPUTE_HORIZON_MS = Number(process.env.BENCH_DISPUTE_HORIZON_MS ?? 24 * 3_600_000);
const HOLD = 1_000;
const STEP = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-05T00:00:00Z');

const criteria = criteriaSet({ within: '1h', retry_window: '1h', review_window: '2h', cooldown: '1m', idempotency_period: 'hour' });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `ob-bench-growth-${randomBytes(4).toString('hex')}`;
const store = createRedisSignalStore(redis, prefix);
const deps = { store, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => clock.now, holdMs: HOLD, lateHorizonMs: LATE_HORIZON_MS, disputeHorizonMs: DISPUTE_HORIZON_MS };
const clock = { now: 0 };

/** What the connection sends: every command (pipelined ones too) goes through sendCommand. */
const sent = { commands: 0 };
const send = redis.sendCommand.bind(redis);
redis.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
  sent.commands++;
  return send(...args);
}) as Redis['sendCommand'];
const socket = () => redis.stream as unknown as { bytesWritten: number; bytesRead: number };

const sig = (recordId: string, n: number, at: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property, value, ref: `s${n}` });

/** `settled` attempts a day apart (a busy record: an outcome a day for years; the hot state keeps about a month of them), each a press then its success 10 minutes later: all billable once the review ends. */
function history(recordId: string, settled: number) {
  const state = newRecordState('ticket', recordId);
  const inputs: Signal[] = [];
  for (let k = 0; k < settled; k++) {
    inputs.push(sig(recordId, 2 * k, T0 + k * DAY, 'agent_started_at', `p${k}`));
    inputs.push(sig(recordId, 2 * k + 1, T0 + k * DAY + 600_000, 'stage', 'closed'));
    inputs.push(sig(recordId, 2 * k + 1, T0 + k * DAY + 900_000, 'stage', 'open'));
  }
  const until = T0 + settled * DAY;
  advance(state, inputs, until, criteria);
  return { state, until };
}

/** The n-th measured signal: a press every 60, its success 12 later, its reopening at 40, noise otherwise. */
function measured(recordId: string, n: number, at: number): Signal {
  if (n % 60 === 0) return sig(recordId, n, at, 'agent_started_at', `m${n}`);
  if (n % 60 === 12) return sig(recordId, n, at, 'stage', 'closed');
  if (n % 60 === 40) return sig(recordId, n, at, 'stage', 'open');
  return sig(recordId, n, at, 'agent_note', `note ${n} ${'x'.repeat(40)}`);
}

const usage = async (key: string): Promise<number> => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function run(settled: number) {
  const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: `r${settled}` };
  const { state, until } = history(record.recordId, settled);
  await store.commit({ record, version: 0, state, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
  // Two days on: the history is past every horizon (late replay, reviews); what it still costs is what grows.
  const start = until + 48 * HOUR;
  const ms: number[] = [];
  const commands: number[] = [];
  const bytes: number[] = [];
  let warmupMax = 0;
  for (let n = 0; n < WARMUP + SIGNALS; n++) {
    const at = start + n * STEP;
    await store.ingest(1, [{ identity: `${record.recordId}/${n}`, signal: measured(record.recordId, n, at) }]);
    clock.now = at + HOLD;
    const [c0, w0, r0] = [sent.commands, socket().bytesWritten, socket().bytesRead];
    const t = process.hrtime.bigint();
    const r = await processRecord(deps, record);
    const took = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.kind !== 'processed') throw new Error(`unexpected ${r.kind}`);
    if (n < WARMUP) {
      warmupMax = Math.max(warmupMax, took);
      continue;
    }
    ms.push(took);
    commands.push(sent.commands - c0);
    bytes.push(socket().bytesWritten - w0 + socket().bytesRead - r0);
  }
  const keys = store.keys;
  const [s, c] = await redis.hmget(keys.state(record), 's', 'c');
  const loaded = await store.load(record, Number.NEGATIVE_INFINITY);
  return {
    settled,
    hot: loaded.state?.outcomes.length ?? 0,
    archived: await redis.hlen(keys.archive(record)),
    archiveBytes: await usage(keys.archive(record)),
    warmupMax,
    stateBytes: await usage(keys.state(record)),
    stateJson: (s?.length ?? 0) + (c?.length ?? 0),
    keptBytes: await usage(keys.kept(record)),
    kept: await redis.zcard(keys.kept(record)),
    ms: { mean: mean(ms), p50: p50(ms) },
    commands: mean(commands),
    bytes: mean(bytes),
  };
}

try {
  const rows = [];
  for (const settled of SIZES) rows.push(await run(settled));
  const seen = [];
  for (let i = 0; i < 20; i++) {
    const [key] = await redis.scan('0', 'MATCH', `${prefix}:{*}:seen:*`, 'COUNT', 1000).then(([, k]) => k.slice(i, i + 1));
    if (key) seen.push(await usage(key));
  }
  console.log(`per signal measured: ${SIGNALS} signals 10 s apart (a press every 60) after ${WARMUP} more, each ingested then applied by one run, on a record with N settled outcomes`);
  console.log(`late horizon ${LATE_HORIZON_MS} ms, dispute horizon ${DISPUTE_HORIZON_MS} ms`);
  console.log('N settled | outcomes hot / archived | record hash (MEMORY USAGE) | state+checkpoint JSON | per signal: mean / p50 ms | commands | bytes moved | slowest warm-up run');
  for (const r of rows) {
    console.log(`${r.settled} | ${r.hot} / ${r.archived} | ${r.stateBytes} B | ${r.stateJson} B | ${r.ms.mean.toFixed(2)} / ${r.ms.p50.toFixed(2)} ms | ${r.commands.toFixed(1)} | ${r.bytes.toFixed(0)} B | ${r.warmupMax.toFixed(0)} ms`);
  }
  const base = rows.find((r) => r.settled === 0);
  const big = rows.at(-1)!;
  const perKept = big.kept > 0 ? big.keptBytes / big.kept : 0;
  console.log(`per retained signal: seen marker ${mean(seen).toFixed(0)} B + kept input ${perKept.toFixed(0)} B (kept set ${big.keptBytes} B / ${big.kept})`);
  if (base) console.log(`per open record (no settled history): record hash ${base.stateBytes} B`);
  if (base && big.settled > 0) console.log(`per settled outcome held in the record hash: ${((big.stateBytes - base.stateBytes) / big.settled).toFixed(0)} B`);
  const logLength = await redis.llen(store.keys.log(1));
  if (logLength > 0) console.log(`per signal in the portal's log (export and the backtest read it; trimmed to SIGNAL_RETENTION_MS by the sweeper): ${((await usage(store.keys.log(1))) / logLength).toFixed(0)} B (${logLength} entries)`);
  if (big.archived > 0) console.log(`per archived outcome: ${(big.archiveBytes / big.archived).toFixed(0)} B (arch: hash ${big.archiveBytes} B / ${big.archived})`);
} finally {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
  await redis.quit();
}
