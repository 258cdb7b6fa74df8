// `npm run bench:late`: what keeping inputs for late replay costs: time per on-time signal on a record with ~1,000 kept inputs, a late signal's replay, and Redis bytes per kept input.
// A benchmark, not a test: it asserts nothing and prints figures for docs/performance.md. It needs Redis; it writes under a
// unique prefix and deletes only that prefix's keys. BENCH_ROOT=<checkout> runs another checkout's code (e.g. /work/main, to
// compare with the code before late replay) over the same workload: only the modules both versions have are used.
// Knobs: BENCH_KEPT (inputs applied before measuring, default 1000), BENCH_SIGNALS (on-time signals measured, default 300),
// BENCH_LATE (late signals measured, default 30), BENCH_QUIET=1 (no presses: a small state, so the kept set's own cost shows).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';

const root = resolve(process.env.BENCH_ROOT ?? resolve(import.meta.dirname, '..'));
const from = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(root, path)).href)) as T;

type Signal = { kind: 'property'; objectType: 'ticket'; recordId: string; at: number; property: string; value: string; ref: string };
type Ref = { portalId: number; objectType: 'ticket'; recordId: string };
interface Store {
  ingest(portalId: number, items: { identity: string; signal: Signal }[]): Promise<unknown>;
}
type Process = (deps: object, record: Ref) => Promise<{ kind: string }>;

const KEPT = Number(process.env.BENCH_KEPT ?? 1_000);
const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 300);
const LATE = Number(process.env.BENCH_LATE ?? 30);
const QUIET = process.env.BENCH_QUIET === '1';
const HOLD = 1_000;
const STEP = 10_000;

const { processRecord } = await from<{ processRecord: Process }>('src/app/process-record.ts');
const { redisKeys } = await from<{ redisKeys: (prefix: string) => { state(r: Ref): string; kept(r: Ref): string } }>('src/adapters/redis/signal-store.ts');
const { createRedisSignalStore } = await from<{ createRedisSignalStore: (r: Redis, p: string) => Store }>('src/adapters/redis/signal-store.ts');
const { createMemoryScheduler } = await from<{ createMemoryScheduler: () => object }>('src/adapters/memory/scheduler.ts');
const { criteriaSet } = await from<{ criteriaSet: (...v: Record<string, unknown>[]) => unknown }>('test/support/scenario.ts');

const criteria = criteriaSet({ within: '1h', retry_window: '1h', review_window: '2h', cooldown: '1m', fail_if: "agent_status = 'error'" });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `ob-bench-late-${randomBytes(4).toString('hex')}`;
const store = createRedisSignalStore(redis, prefix);
const record: Ref = { portalId: 1, objectType: 'ticket', recordId: 'busy' };
const clock = { now: 0 };
const deps = { store, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => clock.now, holdMs: HOLD };

/** The record's n-th signal: a press every 60, a success 12 later, a reversal sometimes, noise otherwise. */
function signalAt(n: number, at: number): Signal {
  const base = { kind: 'property' as const, objectType: 'ticket' as const, recordId: record.recordId, at, ref: `s${n}` };
  if (!QUIET && n % 60 === 0) return { ...base, property: 'agent_started_at', value: `p${n}` };
  if (n % 60 === 12) return { ...base, property: 'stage', value: 'closed' };
  if (n % 60 === 40) return { ...base, property: 'stage', value: 'open' };
  return { ...base, property: 'agent_note', value: `note ${n} ${'x'.repeat(40)}` };
}

async function apply(n: number, at: number): Promise<number> {
  await store.ingest(1, [{ identity: `e${n}`, signal: signalAt(n, at) }]);
  clock.now = at + HOLD;
  const started = process.hrtime.bigint();
  const r = await processRecord(deps, record);
  if (r.kind !== 'processed') throw new Error(`unexpected ${r.kind}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `mean ${mean.toFixed(2)} ms, p50 ${sorted[Math.floor(ms.length / 2)]!.toFixed(2)} ms, p95 ${sorted[Math.floor(ms.length * 0.95)]!.toFixed(2)} ms`;
};

try {
  const t0 = Date.parse('2026-11-03T00:00:00Z');
  let n = 0;
  for (; n < KEPT; n++) await apply(n, t0 + n * STEP);
  // Named by the checkout under test (BENCH_ROOT): its key layout, whichever it is.
  const named = redisKeys(prefix);
  const keys = { state: named.state(record), kept: named.kept(record) };
  const onTime: number[] = [];
  for (let i = 0; i < SIGNALS; i++, n++) onTime.push(await apply(n, t0 + n * STEP));
  const late: number[] = [];
  // Late: an hour behind the record's clock, within the horizon: a replay of every kept input.
  for (let i = 0; i < LATE; i++, n++) late.push(await apply(n, t0 + (n - 360) * STEP + 1));
  const keptCount = await redis.zcard(keys.kept);
  const keptBytes = keptCount > 0 ? Number(await redis.call('MEMORY', 'USAGE', keys.kept, 'SAMPLES', '0')) : 0;
  const stateBytes = Number(await redis.call('MEMORY', 'USAGE', keys.state, 'SAMPLES', '0'));
  const [s, c] = await redis.hmget(keys.state, 's', 'c');
  console.log(`code: ${root}`);
  console.log(`record: ${KEPT + SIGNALS + LATE} signals applied, state ${s?.length ?? 0} bytes of JSON, checkpoint ${c?.length ?? 0}`);
  console.log(`on-time signal (${SIGNALS}, after ${KEPT} applied): ${stats(onTime)}`);
  console.log(`late signal, 1 h behind (${LATE}): ${stats(late)}`);
  console.log(`kept inputs: ${keptCount}, ${keptBytes} bytes in Redis (${keptCount > 0 ? (keptBytes / keptCount).toFixed(0) : '-'} per input); record hash ${stateBytes} bytes`);
} finally {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
  await redis.quit();
}
