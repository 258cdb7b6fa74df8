// Test support for end-to-end tests: spawns the real receiver and worker processes, signs and posts
// webhook batches as HubSpot would, waits for settlement, reads the ledger from Redis, cleans up.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/adapters/redis/connection.ts';
import { seededRandom } from './seeded-random.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../src/adapters/http/hubspot-signature.ts';
import { WEBHOOK_PATH } from '../../src/adapters/http/webhook-receiver.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { deploymentKey, queuePrefix } from '../../src/adapters/redis/keys.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { compareOutcomes } from '../../src/core/ledger-view.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The Node that runs the services: this one when it can strip types (vitest started by npm or npx
 * runs on the pinned Node 24), else the project's pinned `node_modules/.bin/node`.
 */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return process.execPath;
  const pinned = join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
  if (existsSync(pinned)) return pinned;
  throw new Error(`Node ${process.versions.node} cannot run .ts files and ${pinned} is missing: run npm ci`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// -------------------------------------------------------------------------------------------------
// Child processes
// -------------------------------------------------------------------------------------------------

const MAX_LOG_CHARS = 400_000;

export interface ServiceProcess {
  readonly name: string;
  readonly role: 'server' | 'worker';
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout (pino JSON lines) and stderr, interleaved, the most recent MAX_LOG_CHARS. */
  output(): string;
  /** Resolves when the process has exited, with its code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  readonly hasExited: () => boolean;
}

export interface SpawnOptions {
  readonly name: string;
  readonly role: 'server' | 'worker';
  readonly env: Readonly<Record<string, string>>;
  /** The script to run instead of the role's (`src/main/dev.ts`). */
  readonly entry?: string;
  /** The folder it runs in (default: the checkout); `npm run dev` writes its session file there. */
  readonly cwd?: string;
}

/** Every child still running: killed if this process exits first (a crashed or interrupted test run). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function spawnService(o: SpawnOptions): ServiceProcess {
  const entry = o.entry ?? join(PROJECT_ROOT, 'src', 'main', o.role === 'server' ? 'server.ts' : 'worker.ts');
  // Only what the service needs from the parent's environment: no stray REDIS_PREFIX, PORT or secrets.
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  const child = spawn(nodeBinary(), [entry], {
    cwd: o.cwd ?? PROJECT_ROOT,
    env: { ...base, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer, stream: string) => {
    const text = chunk.toString('utf8');
    log += stream === 'stderr' ? text.replace(/^(?=.)/gm, '[stderr] ') : text;
    if (log.length > MAX_LOG_CHARS) log = log.slice(log.length - MAX_LOG_CHARS);
  };
  child.stdout?.on('data', (c: Buffer) => append(c, 'stdout'));
  child.stderr?.on('data', (c: Buffer) => append(c, 'stderr'));
  let done = false;
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      live.delete(child);
      resolve({ code, signal, at: Date.now() });
    });
    child.on('error', (err) => {
      append(Buffer.from(`spawn error: ${err.message}\n`), 'stderr');
      done = true;
      live.delete(child);
      resolve({ code: null, signal: null, at: Date.now() });
    });
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${o.name}`);
  return { name: o.name, role: o.role, child, pid: child.pid, output: () => log, exited, hasExited: () => done };
}

/** Kills every process still running (SIGKILL) and waits for them: for afterEach, also on failure. */
export async function killAll(procs: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.hasExited()) return;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await Promise.race([p.exited, sleep(5_000)]);
    }),
  );
}

/** The tail of every process's output, for a failure message. */
export function describeProcesses(procs: readonly ServiceProcess[], tailChars = 6_000): string {
  return procs
    .map((p) => {
      const out = p.output();
      const tail = out.length > tailChars ? `…${out.slice(out.length - tailChars)}` : out;
      return `----- ${p.name} (pid ${p.pid}${p.hasExited() ? ', exited' : ''}) -----\n${tail}`;
    })
    .join('\n');
}

/** Log lines (pino JSON) of a process that match a predicate. */
export function logLines(p: ServiceProcess, match: (line: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const raw of p.output().split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      const line = JSON.parse(raw) as Record<string, unknown>;
      if (match(line)) out.push(line);
    } catch {
      // a line cut by the log cap
    }
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// A service: one receiver and N workers sharing a Redis prefix
// -------------------------------------------------------------------------------------------------

export interface ServiceSettings {
  readonly prefix: string;
  readonly criteriaPath: string;
  readonly workers: number;
  readonly redisUrl: string;
  readonly holdMs: number;
  readonly sweepMs: number;
  readonly shutdownTimeoutMs: number;
  readonly extraEnv?: Readonly<Record<string, string>>;
}

export interface Service {
  readonly baseUrl: string;
  readonly publicBaseUrl: string;
  readonly secret: string;
  readonly adminToken: string;
  readonly server: ServiceProcess;
  readonly workers: ServiceProcess[];
  readonly all: () => ServiceProcess[];
  readonly env: Readonly<Record<string, string>>;
}

export async function startService(s: ServiceSettings, track: (p: ServiceProcess) => void): Promise<Service> {
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  const secret = `e2e-secret-${Math.random().toString(36).slice(2)}`;
  const adminToken = `e2e-admin-token-${Math.random().toString(36).slice(2)}`;
  const env: Record<string, string> = {
    PORT: String(port),
    REDIS_URL: s.redisUrl,
    HUBSPOT_CLIENT_SECRET: secret,
    PUBLIC_BASE_URL: publicBaseUrl,
    CRITERIA_PATH: s.criteriaPath,
    ADMIN_TOKEN: adminToken,
    REDIS_PREFIX: s.prefix,
    SIGNAL_HOLD_MS: String(s.holdMs),
    SWEEP_INTERVAL_MS: String(s.sweepMs),
    SHUTDOWN_TIMEOUT_MS: String(s.shutdownTimeoutMs),
    LOG_LEVEL: 'info',
    ...s.extraEnv,
  };
  const server = spawnService({ name: 'server', role: 'server', env });
  track(server);
  const workers: ServiceProcess[] = [];
  for (let i = 0; i < s.workers; i++) {
    const w = spawnService({ name: `worker-${i + 1}`, role: 'worker', env });
    track(w);
    workers.push(w);
  }
  return { baseUrl: publicBaseUrl, publicBaseUrl, secret, adminToken, server, workers, all: () => [server, ...workers], env };
}

/**
 * Polls /readyz until it answers 200 (Redis up and a worker heartbeat), then until all `workers`
 * processes have beaten: /readyz needs only one, and a test with 4 workers wants all 4 running.
 */
export async function waitReady(svc: Service, redis: RedisClient, prefix: string, workers: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const dead = svc.all().find((p) => p.hasExited());
    if (dead) throw new Error(`${dead.name} exited while starting`);
    try {
      const res = await fetch(`${svc.baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200 && (await redis.zcard(deploymentKey(prefix, 'workers'))) >= workers) return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms: last /readyz answer: ${last}`);
    await sleep(100);
  }
}

/**
 * Signals the victim while it holds a record job: the other workers are frozen (SIGSTOP) for a
 * moment, so a record job that turns active meanwhile is the victim's, and the signal lands at once.
 * They are thawed (SIGCONT) right after. Without such a moment within 3 s, it is signalled anyway.
 */
export async function signalWhileHoldingAJob(
  redis: RedisClient,
  prefix: string,
  victim: ServiceProcess,
  others: readonly ServiceProcess[],
  signal: NodeJS.Signals,
): Promise<{ at: string; held: string[]; sentAt: number }> {
  const activeKey = `${queuePrefix(prefix)}:outcome-records:active`;
  const recordJobs = async () => (await redis.lrange(activeKey, 0, -1)).filter((id) => id.startsWith('r_'));
  for (const p of others) process.kill(p.pid, 'SIGSTOP');
  try {
    await sleep(100);
    // Jobs the frozen workers hold stay active; any other active job is the victim's.
    const heldByOthers = new Set(await recordJobs());
    const giveUpAt = Date.now() + 3_000;
    for (;;) {
      const victims = (await recordJobs()).filter((id) => !heldByOthers.has(id));
      if (victims.length > 0 || Date.now() > giveUpAt) {
        process.kill(victim.pid, signal);
        const sentAt = Date.now();
        const store = createRedisSignalStore(redis, prefix);
        let done = 0;
        for (const portalId of await store.portals()) done += await redis.scard(store.keys.records(portalId));
        return { at: `${signal} when ${done} records had state; ${victim.name} held ${victims.length} record job(s)`, held: victims, sentAt };
      }
      await sleep(1);
    }
  } finally {
    for (const p of others) process.kill(p.pid, 'SIGCONT');
  }
}

// -------------------------------------------------------------------------------------------------
// Signed webhook deliveries
// -------------------------------------------------------------------------------------------------

export interface PostResult {
  readonly status: number;
  readonly body: unknown;
  /** Deliveries that had to be repeated after a 5xx or a network error (as HubSpot would). */
  readonly retries: number;
}

/** POSTs one batch as HubSpot does: v3 signature over method + public URL + body + timestamp. */
export async function postBatch(svc: Service, batch: readonly unknown[], maxRetries = 3): Promise<PostResult> {
  const body = JSON.stringify(batch);
  let retries = 0;
  for (;;) {
    const timestamp = String(Date.now());
    const signature = signHubSpotV3({ method: 'POST', url: svc.publicBaseUrl + WEBHOOK_PATH, rawBody: body, timestamp, secret: svc.secret });
    try {
      const res = await fetch(svc.baseUrl + WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
      if (res.status < 500 || retries >= maxRetries) return { status: res.status, body: parsed, retries };
    } catch (e) {
      if (retries >= maxRetries) return { status: 0, body: e instanceof Error ? e.message : String(e), retries };
    }
    retries++;
    await sleep(200);
  }
}

/** Posts the batches with at most `concurrency` requests in flight, in the order given. */
export async function postAll(svc: Service, batches: readonly (readonly unknown[])[], concurrency: number): Promise<PostResult[]> {
  const results: PostResult[] = new Array<PostResult>(batches.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= batches.length) return;
      results[i] = await postBatch(svc, batches[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface ScheduledSend {
  /** Epoch ms at which to start the POST. */
  readonly sendAt: number;
  readonly batch: readonly unknown[];
}

export interface SendResult extends PostResult {
  readonly startedAt: number;
  readonly doneAt: number;
}

/**
 * Posts each batch at its time (sends sorted by `sendAt`), with at most `concurrency` requests in
 * flight: a late request starts as soon as a slot frees up. `onDone` sees each answer as it comes.
 */
export async function postScheduled(
  svc: Service,
  sends: readonly ScheduledSend[],
  concurrency: number,
  onDone?: (index: number, result: SendResult) => void,
): Promise<SendResult[]> {
  const results: SendResult[] = new Array<SendResult>(sends.length);
  let inFlight = 0;
  const freed: (() => void)[] = [];
  const all: Promise<void>[] = [];
  for (const [i, send] of sends.entries()) {
    const wait = send.sendAt - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight >= concurrency) await new Promise<void>((r) => freed.push(r));
    inFlight++;
    const startedAt = Date.now();
    all.push(
      postBatch(svc, send.batch)
        .catch((e: unknown): PostResult => ({ status: 0, body: e instanceof Error ? e.message : String(e), retries: 0 }))
        .then((r) => {
          results[i] = { ...r, startedAt, doneAt: Date.now() };
          inFlight--;
          freed.shift()?.();
          onDone?.(i, results[i]);
        }),
    );
  }
  await Promise.all(all);
  return results;
}

// -------------------------------------------------------------------------------------------------
// The ledger in Redis
// -------------------------------------------------------------------------------------------------

export interface LiveLedger {
  readonly outcomes: Outcome[];
  readonly states: Map<string, RecordState>;
  /** Signals stored but not applied yet, over every record. */
  readonly pendingSignals: number;
  /** The same by record (`objectType:recordId`), records with none left out. */
  readonly pendingByRecord: Map<string, number>;
  /** Records in the due index (pending signals or timers). */
  readonly due: number;
}

/** SCAN is per node: on a cluster, every master is scanned. */
async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys;
}

export async function readLedger(redis: RedisClient, prefix: string): Promise<LiveLedger> {
  const store = createRedisSignalStore(redis, prefix);
  const outcomes: Outcome[] = [];
  const states = new Map<string, RecordState>();
  for await (const ref of store.listRecords()) {
    const { state } = await store.load(ref, Number.NEGATIVE_INFINITY);
    if (state === null) continue;
    states.set(`${ref.objectType}:${ref.recordId}`, state);
    outcomes.push(...state.outcomes);
  }
  outcomes.sort(compareOutcomes);
  let pendingSignals = 0;
  const pendingByRecord = new Map<string, number>();
  // Pending keys are `<prefix>:{<portal>}:pending:<portal>:<type>:<id>` (src/adapters/redis/keys.ts).
  for (const key of await scanKeys(redis, `${prefix}:{*}:pending:*`)) {
    const n = await redis.zcard(key);
    if (n === 0) continue;
    pendingSignals += n;
    const [, objectType, recordId] = key.slice(key.indexOf(':pending:') + ':pending:'.length).split(':');
    pendingByRecord.set(`${objectType}:${recordId}`, n);
  }
  let due = 0;
  for (const portalId of await store.portals()) due += await redis.zcard(store.keys.due(portalId));
  return { outcomes, states, pendingSignals, pendingByRecord, due };
}

const FINAL = new Set(['billable', 'not_billable']);

/**
 * Polls the ledger until it has the expected numbers of outcomes and records, all outcomes billable
 * or not billable and no signal pending; or, from `quietAfter` on, until nothing is pending, due or
 * unsettled (the pipeline has stopped: a wrong ledger fails at once instead of at the timeout).
 * Returns the last reading either way: the caller compares and reports.
 */
export async function waitSettled(
  redis: RedisClient,
  prefix: string,
  expect: { outcomes: number; records: number; quietAfter: number },
  timeoutMs: number,
  onPoll?: (ledger: LiveLedger) => void,
): Promise<{ ledger: LiveLedger; settled: boolean; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const ledger = await readLedger(redis, prefix);
    onPoll?.(ledger);
    const final = ledger.pendingSignals === 0 && ledger.outcomes.every((o) => FINAL.has(o.status));
    const settled = final && ledger.outcomes.length === expect.outcomes && ledger.states.size === expect.records;
    const quiet = final && ledger.due === 0 && Date.now() >= expect.quietAfter;
    if (settled || quiet || Date.now() - started > timeoutMs) return { ledger, settled, waitedMs: Date.now() - started };
    await sleep(250);
  }
}

/** Deletes every key under the prefix (SCAN + DEL): this test's keys only, never FLUSHDB. */
export async function deletePrefixKeys(redis: RedisClient, prefix: string): Promise<number> {
  const keys = await scanKeys(redis, `${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  return keys.length;
}

// -------------------------------------------------------------------------------------------------
// Files
// -------------------------------------------------------------------------------------------------

export async function tempDir(name: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `${name}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeFile(path, text, 'utf8');
}

// -------------------------------------------------------------------------------------------------
// Randomness a failing run can repeat
// -------------------------------------------------------------------------------------------------

export { seededRandom };

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
