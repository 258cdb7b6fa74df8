// `npm run bench:backtest`: the settings page's backtest over 30 days of a busy portal (issue 8: 200,000 signals over 20,000 records), and the Redis bytes the portal log takes per signal.
// A benchmark, not a test: it asserts nothing and prints figures for docs/performance.md. It needs Redis; it writes under a
// unique prefix and deletes only that prefix's keys. Knobs: BENCH_RECORDS (default 20000), BENCH_PAIRS (press and close
// pairs per record, default 5: 10 signals a record), BENCH_RUNS (timed runs, default 3; the median is printed).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { encodeLogEntry } from '../src/adapters/redis/action-codec.ts';
import { createRedisSignalStore, redisKeys } from '../src/adapters/redis/signal-store.ts';
import { createBacktest } from '../src/app/backtest.ts';
import { exportLedger } from '../src/app/ledger-export.ts';
import type { PortalLogEntry } from '../src/app/ports.ts';
import { criteriaSet } from '../test/support/scenario.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 20_000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T00:00:00Z');
const PORTAL = 1;

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `ob-bench-backtest-${randomBytes(4).toString('hex')}`;
const random = seededRandom(20261203);

/** Presses over the last 30 days, each closed 5 min to 2 h later: about half inside `within: 1h`. */
function entries(): PortalLogEntry[] {
  const out: PortalLogEntry[] = [];
  for (let r = 0; r < RECORDS; r++) {
    for (let i = 0; i < PAIRS; i++) {
      const at = NOW - 30 * DAY + Math.floor(random() * 30 * DAY);
      const closeAt = at + 300_000 + Math.floor(random() * 6_900_000);
      out.push({ entry: 'signal', signal: { kind: 'property', objectType: 'ticket', recordId: String(r), at, property: 'agent_started_at', value: String(at) } });
      out.push({ entry: 'signal', signal: { kind: 'property', objectType: 'ticket', recordId: String(r), at: closeAt, property: 'stage', value: i % 2 === 0 ? 'closed' : 'open' } });
    }
  }
  // The log is in arrival order, about event time.
  return out.sort((a, b) => (a.entry === 'signal' ? a.signal.at : 0) - (b.entry === 'signal' ? b.signal.at : 0));
}

async function main(): Promise<void> {
  const log = entries();
  const key = redisKeys(prefix).log(PORTAL);
  for (let i = 0; i < log.length; i += 5_000) await redis.rpush(key, ...log.slice(i, i + 5_000).map(encodeLogEntry));
  const bytes = Number(await redis.memory('USAGE', key, 'SAMPLES', '0'));
  const criteria = criteriaSet({ effective_from: '2026-01-01T00:00:00Z' });
  const service = createBacktest({ store: createRedisSignalStore(redis, prefix), criteria: () => criteria, retentionMs: 35 * DAY, clock: () => NOW });
  const draftYaml = `id: resolve\nversion: 2\nchange_notes: Looser.\nname: Ticket resolved\nowner: ops@example.com\neffective_from: "2026-12-04T00:00:00Z"\nobject: ticket\ntrigger: { property: agent_started_at }\nsuccess: "stage = 'closed'"\nwithin: 2h\nprice: { currency: USD, model: flat, unit_amount: "1.00" }\n`;
  const times: number[] = [];
  // CPU time as well as wall time: on a shared machine the wall time is mostly other jobs' turn.
  const cpu: number[] = [];
  let summary = '';
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const answer = await service.run({ portalId: PORTAL, draftYaml });
    times.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
    if (answer.kind !== 'ok') throw new Error(JSON.stringify(answer));
    const v = answer.view;
    summary = `attempts ${v.asIs.attempts}, billable ${v.asIs.billable} -> ${v.withDraft.billable}, changed ${v.changedCount}`;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const readStart = performance.now();
  await exportLedger(createRedisSignalStore(redis, prefix), PORTAL, { since: null, until: NOW });
  const readMs = performance.now() - readStart;
  console.log(`backtest of 30 days: ${log.length} signals over ${RECORDS} records (${summary})`);
  const median = (xs: number[]) => (xs[Math.floor(xs.length / 2)]! / 1000).toFixed(2);
  console.log(`  time: median ${median(times)} s wall, ${median(cpu)} s CPU, of ${RUNS} runs (read of the log and two replays); the read alone ${(readMs / 1000).toFixed(2)} s`);
  console.log(`  Redis: the portal log takes ${(bytes / 1_048_576).toFixed(1)} MiB, ${Math.round(bytes / log.length)} B per signal`);
}

try {
  await main();
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
