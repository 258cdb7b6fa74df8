// `npm run bench:ingest`: the live pipeline over loopback (signed webhook batches → receiver → Redis → BullMQ → workers), measured against raw BullMQ on the same Redis.
// A benchmark, not a test: it asserts nothing and prints figures for docs/performance.md. All traffic goes to 127.0.0.1; the run
// starts its own service processes under a unique REDIS_PREFIX, stops them, and deletes only that prefix's keys (also on
// error or Ctrl-C). Choices, so the figures can be read:
// - The service runs as production deploys it: src/main/server.ts and src/main/worker.ts as separate processes
//   (BENCH_MODE=all runs src/main/all.ts instead). On 2 cores this lets the OS give the receiver and the worker a core
//   each when both are busy; all.ts caps the whole service at one event loop and makes ack latency depend on how long
//   the worker holds that loop.
// - Phase "live": receiver and worker run together while batches are posted (ack figures as HubSpot sees them under load),
//   then the run waits until every stored signal is applied. Phase "backlog": the worker is stopped, the receiver alone takes
//   a second workload (on other records), then the worker is started and drains it: processing on its own, comparable
//   with raw BullMQ's no-op worker draining a full queue.
// - Events occur when their batch is sent (HubSpot delivers within seconds); SIGNAL_HOLD_MS is 200 ms, not the default
//   10 s: the hold only delays each signal, it adds no work, and a non-zero hold keeps the production path (every wake is
//   a BullMQ delayed job, promoted when due) while the drain time measures work rather than waiting.
// Knobs (environment): BENCH_EVENTS, BENCH_RECORDS, BENCH_CONCURRENCY, BENCH_HOLD_MS, BENCH_WORKER_CONCURRENCY,
// BENCH_WORKERS, BENCH_RATE (events/s, paced), BENCH_MODE=all, BENCH_WARMUP_BATCHES, BENCH_CPU_PROF=<dir> (V8 profiles of
// the service's processes), BENCH_KEEP_LOGS=1, BENCH_DEBUG=1 (every Redis command by name), BENCH_TIME_LIMIT_MS.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { seededRandom } from '../test/support/seeded-random.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../src/adapters/http/hubspot-signature.ts';
import { RECORD_QUEUE } from '../src/adapters/queue/record-queue.ts';
import { deploymentKey, queuePrefix } from '../src/adapters/redis/keys.ts';
import { redisKeys } from '../src/adapters/redis/signal-store.ts';

// -------------------------------------------------------------------------------------------------
// Settings (environment overrides for exploring; the defaults are what docs/performance.md reports)
// -------------------------------------------------------------------------------------------------

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Events and records in all; the run has two phases (live, then backlog), each with half of them on its own records. */
const EVENTS = setting('BENCH_EVENTS', 100_000, 2_000, 400_000);
const RECORDS = setting('BENCH_RECORDS', 10_000, 20, 200_000);
const BATCH = 100; // HubSpot sends at most 100 events per request
const CONCURRENCY = setting('BENCH_CONCURRENCY', 10, 1, 100); // HubSpot's default concurrency per app
const HOLD_MS = setting('BENCH_HOLD_MS', 200, 0, 10_000);
const WORKER_CONCURRENCY = setting('BENCH_WORKER_CONCURRENCY', 16, 1, 1000); // the service's default WORKER_CONCURRENCY
/**
 * Scheduling niceness of the worker processes. On a host that runs receiver and workers together the
 * docs/running.md recommends nice workers: HubSpot's 5 s answer window is the hard limit, the ledger can wait a
 * moment. 0 runs them at the receiver's priority.
 */
const WORKER_NICE = setting('BENCH_WORKER_NICE', 10, 0, 19);
/** Worker processes (src/main/worker.ts) next to the one receiver. */
const WORKERS = setting('BENCH_WORKERS', 1, 1, 8);
/** The raw BullMQ worker runs as many jobs at once as the service's workers together. */
const RAW_CONCURRENCY = WORKER_CONCURRENCY * WORKERS;
/** Events per second to post at (open loop, still at most CONCURRENCY in flight); 0 posts as fast as answers come back. */
const RATE = setting('BENCH_RATE', 0, 0, 1_000_000);
const DEBUG = process.env['BENCH_DEBUG'] === '1';
const MODE = process.env['BENCH_MODE'] === 'all' ? 'all' : 'split';
const KEEP_LOGS = process.env['BENCH_KEEP_LOGS'] === '1';
/** Batches posted (on records of their own) and applied before anything is measured, so the JIT is warm as in a running service. */
const WARMUP_BATCHES = setting('BENCH_WARMUP_BATCHES', 30, 0, 1_000);
/** A folder: the service's processes then write V8 CPU profiles there (node --cpu-prof). */
const CPU_PROF_DIR = process.env['BENCH_CPU_PROF'];
/** The whole run is abandoned (and cleaned up) after this. */
const TIME_LIMIT_MS = setting('BENCH_TIME_LIMIT_MS', 240_000, 10_000, 1_800_000);

const REDIS_URL = 'redis://127.0.0.1:6379';
const REDIS_CONN = { host: '127.0.0.1', port: 6379 } as const;
const PORTAL_ID = 48213377;
const APP_ID = 3140727;
const SECRET = randomBytes(24).toString('base64url');
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const RUN_ID = randomBytes(4).toString('hex');
const PREFIX = `ob-bench-${RUN_ID}`;
const RAW_PREFIX = `${PREFIX}-raw`;
const RAW_QUEUE = 'raw-noop';
/** Same options as the service's record jobs (record-queue.ts), so the raw queue does the same bookkeeping per job. */
const RAW_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 }, attempts: 10, backoff: { type: 'exponential', delay: 500 } } as const;

const ROOT = new URL('..', import.meta.url).pathname;
const started = Date.now();
const deadline = started + TIME_LIMIT_MS;

// -------------------------------------------------------------------------------------------------
// Workload: HubSpot webhook events, as HubSpot sends them
// -------------------------------------------------------------------------------------------------


type ObjectType = 'contact' | 'deal' | 'ticket';
const TYPE_ID: Record<ObjectType, string> = { contact: '0-1', deal: '0-3', ticket: '0-5' };
/** The value of a trigger property is the press time (epoch ms), as the agents write it. */
const PRESS = '<press-time>';
type Step = readonly [minutes: number, property: string, value: string];

/** Workflows the criteria in examples/ read (triggers, double clicks, retries, successes, failures, exclusions, reversals, reviews). */
const SCRIPTS: Record<ObjectType, readonly (readonly Step[])[]> = {
  contact: [
    [[0, 'agent_action', 'enrich_route'], [0, 'agent_enrich_requested_at', PRESS], [0.2, 'agent_enrich_requested_at', PRESS], [2, 'company', 'Acme'], [3, 'hubspot_owner_id', '7301'], [5, 'lifecyclestage', 'marketingqualifiedlead'], [40, 'billing_review', 'approved']],
    [[0, 'agent_action', 'enrich_route'], [0, 'agent_enrich_requested_at', PRESS], [2, 'agent_status', 'error'], [2, 'agent_error', 'crm_policy'], [10, 'agent_enrich_requested_at', PRESS], [12, 'agent_status', 'ok'], [14, 'hubspot_owner_id', '7302'], [15, 'lifecyclestage', 'marketingqualifiedlead']],
    [[0, 'email', 'lead@test.example'], [0, 'agent_action', 'enrich_route'], [1, 'agent_enrich_requested_at', PRESS], [5, 'lifecyclestage', 'lead']],
    [[0, 'agent_action', 'enrich_route'], [0, 'agent_enrich_requested_at', PRESS], [4, 'hubspot_owner_id', '7303'], [6, 'lifecyclestage', 'marketingqualifiedlead'], [30, 'lifecyclestage', 'lead']],
  ],
  deal: [
    [[0, 'agent_meeting_requested_at', PRESS], [0.1, 'agent_meeting_requested_at', PRESS], [1, 'agent_status', 'running'], [30, 'meeting_booked_at', '1795017600000'], [31, 'dealstage', 'appointmentscheduled'], [60, 'last_meeting_outcome', 'completed']],
    [[0, 'agent_meeting_requested_at', PRESS], [5, 'agent_status', 'failed'], [5, 'agent_error', 'calendar_unavailable'], [20, 'agent_meeting_requested_at', PRESS], [50, 'dealstage', 'qualifiedtobuy'], [51, 'meeting_booked_at', '1795028400000']],
    [[0, 'agent_meeting_requested_at', PRESS], [40, 'meeting_booked_at', '1795095000000'], [41, 'dealstage', 'appointmentscheduled'], [70, 'last_meeting_outcome', 'no_show']],
  ],
  ticket: [
    [[0, 'agent_resolution_started_at', PRESS], [30, 'hs_pipeline_stage', '4'], [35, 'subject', 'Resolved by the agent']],
    [[0, 'agent_resolution_started_at', PRESS], [20, 'hs_pipeline_stage', '4'], [60, 'hs_pipeline_stage', '2']],
    [[0, 'agent_resolution_started_at', PRESS], [20, 'agent_handoff_reason', 'policy'], [20, 'agent_status', 'handed_off']],
    [[0, 'agent_resolution_started_at', PRESS], [5, 'hs_is_spam', 'true']],
  ],
};
/** Other property changes the app is subscribed to: they are stored and applied like any signal. */
const NOISE: Record<ObjectType, readonly string[]> = {
  contact: ['jobtitle', 'phone', 'hs_analytics_num_page_views', 'num_notes', 'hs_last_sales_activity_timestamp'],
  deal: ['amount', 'closedate', 'hs_next_step', 'num_notes', 'hs_deal_stage_probability'],
  ticket: ['hs_ticket_priority', 'content', 'num_notes', 'hs_last_message_received_at', 'subject'],
};
const TYPES: readonly ObjectType[] = ['contact', 'deal', 'ticket'];

interface PlannedEvent {
  readonly eventId: number;
  readonly subscriptionId: number;
  readonly subscriptionType: string;
  readonly objectTypeId: string | undefined;
  readonly objectId: number;
  readonly propertyName: string | undefined;
  readonly propertyValue: string | undefined;
  readonly integration: boolean;
  /** Virtual time (minutes) that orders the stream; the real occurredAt is set when the batch is sent. */
  readonly v: number;
  /** A repeated delivery (HubSpot's retry: same event, attemptNumber 1) of this event. */
  readonly repeatOf?: PlannedEvent;
  /** The event as sent the first time (set at send time): a repeat sends it again. */
  sent?: Record<string, unknown>;
}

interface Workload {
  readonly batches: PlannedEvent[][];
  readonly records: number;
  readonly events: number;
  readonly repeats: number;
  readonly ignored: number;
}

/**
 * One phase's events: `records` records (a third each of contacts, deals and tickets, ids from
 * `firstRecord`) running scripted workflows padded with other property changes, interleaved in time
 * across the stream as a portal's live traffic is; about 1% company events (ignored by the service)
 * and 0.5% repeated deliveries, 30 batches after the first. Legacy (`contact.propertyChange`) and
 * generic (`object.propertyChange`) subscription types half each, as the examples have them.
 */
function workload(seed: number, events: number, records: number, firstRecord: number): Workload {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const subscriptionIds = new Map<string, number>();
  const subscriptionId = (key: string) => {
    let id = subscriptionIds.get(key);
    if (id === undefined) subscriptionIds.set(key, (id = 2_210_000 + subscriptionIds.size));
    return id;
  };
  let nextEventId = 4_100_000_000 + seed * 10_000_000;
  const repeats = Math.floor(events * 0.005);
  const ignored = Math.floor(events * 0.01);
  // Every record gets its share of the events (its script, padded with other changes); company events make up the rest.
  const share = (events - repeats - ignored) / records;
  const stream: PlannedEvent[] = [];
  const spanMinutes = 360;

  const propertyChange = (objectType: ObjectType, objectId: number, v: number, property: string, value: string): PlannedEvent => {
    const generic = rand() < 0.5;
    const integration = property.startsWith('agent_') || value === PRESS;
    return {
      eventId: nextEventId++,
      subscriptionId: subscriptionId(`${generic ? 'object' : objectType}.propertyChange:${property}`),
      subscriptionType: generic ? 'object.propertyChange' : `${objectType}.propertyChange`,
      objectTypeId: generic ? TYPE_ID[objectType] : undefined,
      objectId,
      propertyName: property,
      propertyValue: value,
      integration,
      v,
    };
  };

  for (let r = 0; r < records; r++) {
    const objectType = TYPES[r % 3]!;
    const objectId = (objectType === 'contact' ? 100_000 : objectType === 'deal' ? 200_000 : 300_000) + firstRecord + r;
    const t0 = rand() * spanMinutes;
    const steps: Step[] = [...pick(SCRIPTS[objectType])];
    const mine: PlannedEvent[] = [];
    if (rand() < 0.3) {
      mine.push({
        eventId: nextEventId++,
        subscriptionId: subscriptionId(`${objectType}.creation`),
        subscriptionType: `${objectType}.creation`,
        objectTypeId: undefined,
        objectId,
        propertyName: undefined,
        propertyValue: undefined,
        integration: false,
        v: t0 - 0.01,
      });
    }
    const perRecord = Math.floor((r + 1) * share) - Math.floor(r * share);
    while (steps.length + mine.length < perRecord) steps.push([rand() * 60, pick(NOISE[objectType]), String(Math.floor(rand() * 1e6))]);
    for (const [minutes, property, value] of steps) mine.push(propertyChange(objectType, objectId, t0 + minutes, property, value));
    stream.push(...mine);
  }
  while (stream.length < events - repeats) {
    const company = 900_000 + Math.floor(rand() * 5_000);
    stream.push({
      eventId: nextEventId++,
      subscriptionId: subscriptionId('company.propertyChange'),
      subscriptionType: 'company.propertyChange',
      objectTypeId: undefined,
      objectId: company,
      propertyName: 'lifecyclestage',
      propertyValue: 'customer',
      integration: false,
      v: rand() * (spanMinutes + 60),
    });
  }
  stream.sort((a, b) => a.v - b.v);
  stream.length = Math.min(stream.length, events - repeats);

  // Repeats go 30 batches after their first delivery: far enough that the first is always sent already.
  const gap = 30 * BATCH;
  const withRepeats: PlannedEvent[] = [];
  const repeatAt = new Map<number, PlannedEvent[]>();
  for (let k = 0; k < repeats; k++) {
    const i = Math.floor(rand() * Math.max(1, stream.length - gap));
    const original = stream[i]!;
    const at = Math.min(i + gap, stream.length - 1);
    const list = repeatAt.get(at) ?? [];
    list.push({ ...original, repeatOf: original });
    repeatAt.set(at, list);
  }
  stream.forEach((e, i) => {
    withRepeats.push(e);
    withRepeats.push(...(repeatAt.get(i) ?? []));
  });
  const batches: PlannedEvent[][] = [];
  for (let i = 0; i < withRepeats.length; i += BATCH) batches.push(withRepeats.slice(i, i + BATCH));
  const ignoredCount = withRepeats.filter((e) => e.subscriptionType.startsWith('company.')).length;
  return { batches, records, events: withRepeats.length, repeats, ignored: ignoredCount };
}

/**
 * The JSON body of one batch, built when it is sent: events occurred in the last 100 ms, in stream
 * order (1 ms apart), and are delivered shuffled, since HubSpot does not order a batch.
 */
function body(batch: PlannedEvent[], now: number, rand: () => number): { text: string; maxAt: number } {
  const out: Record<string, unknown>[] = [];
  let maxAt = 0;
  batch.forEach((e, j) => {
    if (e.repeatOf) {
      const first = e.repeatOf.sent;
      if (first) out.push({ ...first, attemptNumber: 1 });
      return;
    }
    const at = now - BATCH + j;
    maxAt = Math.max(maxAt, at);
    const event: Record<string, unknown> = {
      eventId: e.eventId,
      subscriptionId: e.subscriptionId,
      portalId: PORTAL_ID,
      appId: APP_ID,
      occurredAt: at,
      subscriptionType: e.subscriptionType,
      attemptNumber: 0,
      objectId: e.objectId,
    };
    if (e.propertyName !== undefined) {
      event['propertyName'] = e.propertyName;
      event['propertyValue'] = e.propertyValue === PRESS ? String(at) : e.propertyValue;
    }
    event['changeSource'] = e.integration ? 'INTEGRATION' : 'CRM_UI';
    event['sourceId'] = e.integration ? String(APP_ID) : 'userId:7301';
    if (e.objectTypeId !== undefined) event['objectTypeId'] = e.objectTypeId;
    e.sent = event;
    out.push(event);
  });
  for (let i = out.length - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1));
    [out[i], out[k]] = [out[k]!, out[i]!];
  }
  return { text: JSON.stringify(out), maxAt };
}

// -------------------------------------------------------------------------------------------------
// Posting: signed batches, a fixed number in flight
// -------------------------------------------------------------------------------------------------

interface PostResult {
  readonly latenciesMs: number[];
  readonly wallMs: number;
  readonly events: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly ignored: number;
  readonly failures: Map<string, number>;
  readonly maxAt: number;
  /** Epoch ms of the first post. */
  readonly startedAt: number;
}

async function postAll(baseUrl: string, w: Workload, seed: number): Promise<PostResult> {
  const url = `${baseUrl}/webhooks/hubspot`;
  const rand = seededRandom(seed);
  const latenciesMs: number[] = [];
  const failures = new Map<string, number>();
  let next = 0;
  let events = 0;
  let stored = 0;
  let duplicates = 0;
  let ignored = 0;
  let maxAt = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  const sender = async () => {
    for (let b = next++; b < w.batches.length; b = next++) {
      if (Date.now() > deadline) throw new Error('time limit reached while posting');
      const wait = RATE > 0 ? t0 + (b * BATCH * 1000) / RATE - performance.now() : 0;
      if (wait > 0) await sleep(wait);
      const batch = w.batches[b]!;
      const built = body(batch, Date.now(), rand);
      maxAt = Math.max(maxAt, built.maxAt);
      const timestamp = String(Date.now());
      const signature = signHubSpotV3({ method: 'POST', url, rawBody: built.text, timestamp, secret: SECRET });
      const sentAt = performance.now();
      let status: number;
      let answer: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp },
          body: built.text,
        });
        status = res.status;
        answer = await res.text();
      } catch (e) {
        status = 0;
        answer = e instanceof Error ? e.message : String(e);
      }
      latenciesMs.push(performance.now() - sentAt);
      events += batch.length;
      if (status === 200) {
        const a = JSON.parse(answer) as { stored: number; duplicates: number; ignored: number };
        stored += a.stored;
        duplicates += a.duplicates;
        ignored += a.ignored;
      } else {
        const key = `${status} ${answer.slice(0, 120)}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  return { latenciesMs, wallMs: performance.now() - t0, events, stored, duplicates, ignored, failures, maxAt, startedAt };
}

// -------------------------------------------------------------------------------------------------
// The service's processes, Redis probes, CPU accounting
// -------------------------------------------------------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), 'ob-ingest-bench-'));
const children = new Set<ChildProcess>();
const probe = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
/** Commands this script sends itself (probes): subtracted from Redis' command counts. */
let probeCommands = 0;
const keys = redisKeys(PREFIX);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function startService(script: 'server' | 'worker' | 'all', env: NodeJS.ProcessEnv, logName: string): ChildProcess {
  const log = openSync(join(tmp, logName), 'a');
  const profile = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${logName.replace(/\.log$/, '')}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, `src/main/${script}.ts`)], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  closeSync(log);
  if (script === 'worker' && WORKER_NICE > 0 && child.pid !== undefined) setPriority(child.pid, WORKER_NICE);
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping.has(child)) crashed ??= `${script}.ts (${logName}) exited by itself (${signal ?? `code ${code}`}): ${lastLines(logName)}`;
  });
  return child;
}

const stopping = new WeakSet<ChildProcess>();
/** Set when a service process exits without being asked: every wait then gives up at once. */
let crashed: string | null = null;

function lastLines(logName: string): string {
  try {
    return readFileSync(join(tmp, logName), 'utf8').trim().split('\n').slice(-3).join('\n');
  } catch {
    return '(no log)';
  }
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  stopping.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntil<T>(what: string, check: () => Promise<T | null>, everyMs: number, limitMs: number): Promise<T> {
  const until = Math.min(Date.now() + limitMs, deadline);
  for (;;) {
    if (crashed !== null) throw new Error(crashed);
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function cmd<T>(work: Promise<T>): Promise<T> {
  probeCommands++;
  return work;
}

/** CPU seconds (user + system) of a process, from /proc; 0 where /proc is unavailable. */
function cpuOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface Snapshot {
  readonly at: number;
  readonly commands: Map<string, number>;
  readonly probes: number;
  readonly cpu: Record<string, number>;
  /** CPU seconds the whole machine was busy since boot: what is not ours is other load, which skews the figures. */
  readonly machine: number;
}

function machineBusy(): number {
  try {
    const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return 0;
  }
}

async function snapshot(procs: Record<string, ChildProcess | undefined>): Promise<Snapshot> {
  // INFO is left out of the counts altogether (usage() skips it), so it is not counted as a probe.
  const [stats, cpuInfo] = await Promise.all([probe.info('commandstats'), probe.info('cpu')]);
  const commands = new Map<string, number>();
  for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) commands.set(m[1]!, Number(m[2]));
  const redisCpu = ['used_cpu_sys', 'used_cpu_user'].reduce((sum, k) => sum + Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(cpuInfo)?.[1] ?? 0), 0);
  const cpu: Record<string, number> = { redis: redisCpu, bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 };
  for (const [name, child] of Object.entries(procs)) cpu[name] = cpuOf(child?.pid);
  return { at: performance.now(), commands, probes: probeCommands, cpu, machine: machineBusy() };
}

interface Usage {
  readonly seconds: number;
  /** Every Redis command, those run inside Lua scripts included, less this script's own probes. */
  readonly commands: number;
  readonly scripts: number;
  readonly top: [string, number][];
  readonly all: [string, number][];
  readonly cpu: Record<string, number>;
}

function usage(a: Snapshot, b: Snapshot): Usage {
  const diff = new Map<string, number>();
  for (const [name, calls] of b.commands) {
    const d = calls - (a.commands.get(name) ?? 0);
    if (d > 0 && name !== 'info') diff.set(name, d);
  }
  const total = [...diff.values()].reduce((x, y) => x + y, 0) - (b.probes - a.probes);
  const scripts = (diff.get('evalsha') ?? 0) + (diff.get('eval') ?? 0);
  const cpu: Record<string, number> = {};
  for (const k of Object.keys(b.cpu)) cpu[k] = (b.cpu[k] ?? 0) - (a.cpu[k] ?? 0);
  const ours = Object.values(cpu).reduce((x, y) => x + y, 0);
  if (b.machine > 0) cpu['other processes'] = Math.max(0, b.machine - a.machine - ours);
  return { seconds: (b.at - a.at) / 1000, commands: total, scripts, top: [...diff].sort((x, y) => y[1] - x[1]).slice(0, 6), all: [...diff].sort((x, y) => y[1] - x[1]), cpu };
}

/** Records whose stored signals are due by `at` and not yet applied (the due index); 0 once drained. */
async function dueBy(at: number): Promise<number> {
  return cmd(probe.zcount(keys.due(PORTAL_ID), '-inf', String(at)));
}

/** Waits until every signal stored up to event time `maxAt` is applied; returns the epoch ms it was seen. */
async function drained(maxAt: number, limitMs: number): Promise<number> {
  let checked = Date.now();
  return waitUntil(
    'the workers to apply every stored signal',
    async () => {
      if (Date.now() - checked > 1_000) {
        checked = Date.now();
        const failed = failedJobs();
        if (failed.count >= FAILED_JOBS_LIMIT) throw new Error(`the workers failed ${failed.count} jobs, e.g. ${failed.first}: the service is broken, not slow`);
      }
      return Date.now() - HOLD_MS >= maxAt && (await dueBy(maxAt)) === 0 ? Date.now() : null;
    },
    20,
    limitMs,
  );
}

/** Record jobs that could run now: waiting, active, prioritized, or delayed until a time already past. */
async function dueJobs(): Promise<number> {
  const k = (s: string) => `${PREFIX}:${RECORD_QUEUE}:${s}`;
  // BullMQ scores a delayed job (time in ms) × 4096 + a sequence number.
  const [wait, active, prioritized, delayed] = await Promise.all([
    cmd(probe.llen(k('wait'))),
    cmd(probe.llen(k('active'))),
    cmd(probe.zcard(k('prioritized'))),
    cmd(probe.zcount(k('delayed'), '0', String((Date.now() + 1) * 4096 - 1))),
  ]);
  return wait + active + prioritized + delayed;
}

/** Waits until no record job can run (all applied, and the jobs that had nothing left to apply are done too); returns the epoch ms. */
async function idle(limitMs: number): Promise<number> {
  return waitUntil('the record queue to empty', async () => ((await dueJobs()) === 0 ? Date.now() : null), 20, limitMs);
}

const FAILED_JOBS_LIMIT = 100;
const logOffsets = new Map<string, number>();
const failures = { count: 0, first: '' };

/** Jobs the workers logged as failed so far (reads only what the logs gained since the last call). */
function failedJobs(): { count: number; first: string } {
  for (const name of readdirSync(tmp).filter((n) => n.startsWith('worker') || n.startsWith('all'))) {
    const text = readFileSync(join(tmp, name));
    const from = logOffsets.get(name) ?? 0;
    logOffsets.set(name, text.length);
    for (const line of text.subarray(from).toString('utf8').split('\n')) {
      if (!line.includes('"job failed"')) continue;
      failures.count++;
      if (failures.first === '') failures.first = JSON.stringify((JSON.parse(line) as { err?: unknown }).err ?? line);
    }
  }
  return failures;
}

async function queueCounts(prefix: string, queue: string): Promise<{ wait: number; delayed: number; active: number; added: number }> {
  const k = (s: string) => `${prefix}:${queue}:${s}`;
  const [wait, delayed, active, id] = await Promise.all([
    cmd(probe.llen(k('wait'))),
    cmd(probe.zcard(k('delayed'))),
    cmd(probe.llen(k('active'))),
    cmd(probe.get(k('id'))),
  ]);
  return { wait, delayed, active, added: Number(id ?? 0) };
}

async function workerBeats(): Promise<Map<string, number>> {
  const raw = await cmd(probe.zrange(deploymentKey(PREFIX, 'workers'), '0', '-1', 'WITHSCORES'));
  const beats = new Map<string, number>();
  for (let i = 0; i < raw.length; i += 2) beats.set(raw[i]!, Number(raw[i + 1]));
  return beats;
}

/** Deletes this run's keys only: SCAN by prefix, then UNLINK. */
async function deleteOwnKeys(): Promise<number> {
  let deleted = 0;
  for (const pattern of [`${PREFIX}:*`, `${RAW_PREFIX}:*`]) {
    let cursor = '0';
    do {
      const [next, found] = await probe.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) deleted += await probe.unlink(...found);
    } while (cursor !== '0');
  }
  return deleted;
}

async function unappliedSignals(): Promise<{ records: number; signals: number }> {
  let cursor = '0';
  let records = 0;
  let signals = 0;
  do {
    const [next, found] = await cmd(probe.scan(cursor, 'MATCH', `${PREFIX}:{*}:pending:*`, 'COUNT', 1000));
    cursor = next;
    for (const key of found) {
      records++;
      signals += await cmd(probe.zcard(key));
    }
  } while (cursor !== '0');
  return { records, signals };
}

/** What the service logged, from its log files: late signals, outcome changes, failures. */
function serviceLog(): { late: number; outcomeChanges: number; errors: number; lines: number; failedJobs: number } {
  let late = 0;
  let outcomeChanges = 0;
  let errors = 0;
  let lines = 0;
  for (const name of readdirSync(tmp).filter((n) => n.endsWith('.log'))) {
    for (const line of readFileSync(join(tmp, name), 'utf8').split('\n')) {
      if (line === '') continue;
      lines++;
      if (line.includes('"late signals recorded')) late += (JSON.parse(line) as { late?: unknown[] }).late?.length ?? 0;
      else if (line.includes('"outcome changed"')) outcomeChanges++;
      else if (line.includes('"level":50') || line.includes('"level":60')) errors++;
    }
  }
  return { late, outcomeChanges, errors, lines, failedJobs: failedJobs().count };
}

// -------------------------------------------------------------------------------------------------
// Raw BullMQ on the same Redis: addBulk in chunks of 100, then a no-op worker
// -------------------------------------------------------------------------------------------------

interface RawResult {
  readonly jobs: number;
  readonly addMs: number;
  readonly processMs: number;
  readonly add: Usage;
  readonly process: Usage;
}

async function rawBullMq(jobs: number): Promise<RawResult> {
  const queue = new Queue(RAW_QUEUE, { connection: REDIS_CONN, prefix: RAW_PREFIX, defaultJobOptions: RAW_JOB_OPTIONS });
  await queue.waitUntilReady();
  const chunks: { name: string; data: Record<string, unknown>; opts: { jobId: string } }[][] = [];
  const at = Date.now();
  for (let i = 0; i < jobs; i += BATCH) {
    const chunk = [];
    for (let j = i; j < Math.min(jobs, i + BATCH); j++) {
      const recordId = String(100_000 + j);
      chunk.push({ name: 'record', data: { v: 1, portalId: PORTAL_ID, objectType: 'contact', recordId, at }, opts: { jobId: `r_${PORTAL_ID}_contact_${recordId}_${at}` } });
    }
    chunks.push(chunk);
  }
  // Chunks go out as the receiver sends them: one addBulk per batch, CONCURRENCY at once.
  const s0 = await snapshot({});
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let c = next++; c < chunks.length; c = next++) await queue.addBulk(chunks[c]!);
    }),
  );
  const addMs = performance.now() - t0;
  const s1 = await snapshot({});

  let done = 0;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const t1 = performance.now();
  const worker = new Worker(RAW_QUEUE, async () => null, { connection: REDIS_CONN, prefix: RAW_PREFIX, concurrency: RAW_CONCURRENCY });
  worker.on('completed', () => {
    if (++done === jobs) finish();
  });
  const limit = setTimeout(finish, Math.max(1_000, deadline - Date.now()));
  await all;
  clearTimeout(limit);
  const processMs = performance.now() - t1;
  const s2 = await snapshot({});
  await worker.close();
  await queue.close();
  if (done < jobs) throw new Error(`raw BullMQ: only ${done} of ${jobs} jobs completed in time`);
  return { jobs, addMs, processMs, add: usage(s0, s1), process: usage(s1, s2) };
}

// -------------------------------------------------------------------------------------------------
// Report helpers
// -------------------------------------------------------------------------------------------------

const n0 = (x: number) => Math.round(x).toLocaleString('en');
const n1 = (x: number) => x.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const n2 = (x: number) => x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function latency(ms: readonly number[]): { p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN };
}

function cpuLine(u: Usage): string {
  const parts = Object.entries(u.cpu)
    .filter(([, s]) => s > 0.005)
    .map(([name, s]) => `${name} ${n1(s)} s (${Math.round((100 * s) / u.seconds)}%)`);
  return `${parts.join(', ')} over ${n1(u.seconds)} s wall`;
}

const topLine = (u: Usage, per: number) => u.top.map(([name, calls]) => `${name} ${n1(calls / per)}`).join(', ');

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

function printFailures(label: string, r: PostResult): void {
  for (const [what, count] of r.failures) console.log(`  ${label}: ${count} batch(es) answered ${what}`);
}

// -------------------------------------------------------------------------------------------------
// The run
// -------------------------------------------------------------------------------------------------

let cleaning: Promise<void> | null = null;
/** Stops the service, deletes this run's keys, removes the temp folder (kept, with the service's logs, on failure or BENCH_KEEP_LOGS=1). */
function cleanup(keepLogs = KEEP_LOGS): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled([...children].map((c) => stopChild(c, 5_000)));
    try {
      if (probe.status === 'wait') await probe.connect();
      const deleted = await deleteOwnKeys();
      console.log(`cleanup: ${deleted.toLocaleString('en')} keys under ${PREFIX}: and ${RAW_PREFIX}: deleted`);
    } catch (e) {
      console.error(`cleanup: could not delete the keys under ${PREFIX}: (${e instanceof Error ? e.message : String(e)})`);
    }
    probe.disconnect();
    if (keepLogs) console.log(`service logs kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the service and deleting this run's keys`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`time limit of ${TIME_LIMIT_MS / 1000} s reached: stopping`);
  void cleanup().finally(() => process.exit(1));
}, TIME_LIMIT_MS + 30_000);
watchdog.unref();

async function main(): Promise<void> {
  await probe.connect();
  const redisVersion = /^redis_version:(.+)$/m.exec(await cmd(probe.info('server')))?.[1]?.trim() ?? '?';

  // The worked examples' criteria, one file each: the service reads one folder, and examples/ holds folders.
  const criteriaDir = join(tmp, 'criteria');
  mkdirSync(criteriaDir);
  for (const name of ['enrich-and-route', 'meeting-booked', 'ticket-resolved']) {
    writeFileSync(join(criteriaDir, `${name}.yaml`), readFileSync(join(ROOT, 'examples', name, 'criteria.yaml')));
  }

  const g0 = performance.now();
  const live = workload(1, Math.floor(EVENTS / 2), Math.floor(RECORDS / 2), 0);
  const backlog = workload(2, EVENTS - Math.floor(EVENTS / 2), RECORDS - Math.floor(RECORDS / 2), Math.floor(RECORDS / 2));
  const genMs = performance.now() - g0;

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    PORT: String(port),
    REDIS_URL,
    HUBSPOT_CLIENT_SECRET: SECRET,
    PUBLIC_BASE_URL: baseUrl,
    CRITERIA_PATH: criteriaDir,
    ADMIN_TOKEN,
    REDIS_PREFIX: PREFIX,
    SIGNAL_HOLD_MS: String(HOLD_MS),
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    LOG_LEVEL: 'info',
  };
  let revision = '?';
  try {
    revision = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a checkout: the figures are still printed
  }
  const bullmqVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/bullmq/package.json'), 'utf8')) as { version: string }).version;
  const processes = MODE === 'split' ? `src/main/server.ts + ${WORKERS} × src/main/worker.ts` : 'src/main/all.ts (one process)';
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), node ${process.version}, redis ${redisVersion} on 127.0.0.1, bullmq ${bullmqVersion}; code at commit ${revision} (plus any uncommitted changes)`);
  console.log(`service: ${processes}${MODE === 'split' && WORKER_NICE > 0 ? ` (workers at nice ${WORKER_NICE})` : ''}, WORKER_CONCURRENCY=${WORKER_CONCURRENCY}, SIGNAL_HOLD_MS=${HOLD_MS}, LOG_LEVEL=info (to a file), criteria: examples/*/criteria.yaml, REDIS_PREFIX=${PREFIX}`);
  const pacing = RATE > 0 ? `paced at ${n0(RATE)} events/s, at most ${CONCURRENCY} in flight` : `${CONCURRENCY} in flight (closed loop: the next batch leaves when one is answered)`;
  console.log(`load: ${BATCH}-event batches, ${pacing}, signed v3, fetch over loopback; ${WARMUP_BATCHES} warm-up batches first, not counted`);
  console.log(`workload per phase: ${n0(live.events)} events (${n0(live.repeats)} repeated deliveries, ${n0(live.ignored)} company events) over ${n0(live.records)} records; generated in ${n1(genMs / 1000)} s, not counted\n`);

  // ---- Phase A: live. Receiver and workers both running, as in production.
  const web = startService(MODE === 'split' ? 'server' : 'all', env, MODE === 'split' ? 'server.log' : 'all.log');
  let workers: ChildProcess[] = MODE === 'split' ? Array.from({ length: WORKERS }, (_, i) => startService('worker', env, `worker-a${i + 1}.log`)) : [];
  await waitUntil(
    '/readyz',
    async () => {
      const res = await fetch(`${baseUrl}/readyz`).catch(() => null);
      return res?.status === 200 ? true : null;
    },
    100,
    30_000,
  );
  if (WARMUP_BATCHES > 0) {
    const warm = workload(3, WARMUP_BATCHES * BATCH, WARMUP_BATCHES * 10, RECORDS);
    const posted = await postAll(baseUrl, warm, 13);
    await drained(posted.maxAt, 60_000);
  }
  const procs = (): Record<string, ChildProcess | undefined> =>
    MODE === 'split' ? { receiver: web, ...Object.fromEntries(workers.map((w, i) => [`worker${WORKERS > 1 ? i + 1 : ''}`, w])) } : { service: web };
  const a0 = await snapshot(procs());
  const qa0 = await queueCounts(queuePrefix(PREFIX), RECORD_QUEUE);
  const postedA = await postAll(baseUrl, live, 11);
  const a1 = await snapshot(procs());
  const drainedA = await drained(postedA.maxAt, 120_000);
  const jobsLeftA = await dueJobs();
  const idleA = await idle(120_000);
  const a2 = await snapshot(procs());
  const qa2 = await queueCounts(queuePrefix(PREFIX), RECORD_QUEUE);
  const latA = latency(postedA.latenciesMs);
  const ackedA = usage(a0, a1);
  const endToEndA = usage(a0, a2);
  const secondsA = (drainedA - postedA.startedAt) / 1000;

  // ---- Phase B: backlog. The receiver alone takes a second workload; then the workers drain it.
  let phaseB:
    | {
        posted: PostResult;
        ingest: Usage;
        drain: Usage;
        /** Worker start → every signal applied. */
        drainSeconds: number;
        /** Worker start → no record job left to run (the jobs that found nothing to apply included). */
        idleSeconds: number;
        jobs: number;
        jobsLeft: number;
        addsDuringDrain: number;
        addsDuringIngest: number;
      }
    | null = null;
  if (MODE === 'split') {
    await Promise.all(workers.map((w) => stopChild(w)));
    const qb0 = await queueCounts(queuePrefix(PREFIX), RECORD_QUEUE);
    const b0 = await snapshot({ receiver: web });
    const postedB = await postAll(baseUrl, backlog, 12);
    const b1 = await snapshot({ receiver: web });
    const qb1 = await queueCounts(queuePrefix(PREFIX), RECORD_QUEUE);
    // Wait until every batch's events are past the hold: then every record job is due at once.
    await sleep(Math.max(0, postedB.maxAt + HOLD_MS - Date.now()));
    const before = await workerBeats();
    workers = Array.from({ length: WORKERS }, (_, i) => startService('worker', env, `worker-b${i + 1}.log`));
    const startedAt = await waitUntil(
      'the workers to start',
      async () => {
        const fresh = [...(await workerBeats())].filter(([id]) => !before.has(id)).map(([, at]) => at);
        return fresh.length === WORKERS ? Math.min(...fresh) : null;
      },
      10,
      30_000,
    );
    // Taken once the workers run: their start-up (loading modules, parsing criteria) is not counted.
    const b2 = await snapshot(procs());
    const doneAt = await drained(postedB.maxAt, 120_000);
    const jobsLeft = await dueJobs();
    const idleAt = await idle(120_000);
    const b3 = await snapshot(procs());
    const qb3 = await queueCounts(queuePrefix(PREFIX), RECORD_QUEUE);
    phaseB = {
      posted: postedB,
      ingest: usage(b0, b1),
      drain: usage(b2, b3),
      drainSeconds: (doneAt - startedAt) / 1000,
      idleSeconds: (idleAt - startedAt) / 1000,
      jobsLeft,
      jobs: qb1.wait + qb1.delayed - qb0.wait - qb0.delayed,
      addsDuringIngest: qb1.added - qb0.added,
      addsDuringDrain: qb3.added - qb1.added,
    };
  }

  const unapplied = await unappliedSignals();
  const outcomes = await cmd(probe.hgetall(keys.statusCounts(PORTAL_ID)));
  await Promise.allSettled([...children].map((c) => stopChild(c)));
  const logs = serviceLog();

  // ---- Raw BullMQ, same Redis, own prefix, with the service stopped.
  const rawJobs = phaseB?.posted.stored ?? postedA.stored;
  const raw = await rawBullMq(rawJobs);
  const rawAddRate = raw.jobs / (raw.addMs / 1000);
  const rawProcessRate = raw.jobs / (raw.processMs / 1000);

  // ---- Report
  const ackRateA = postedA.events / (postedA.wallMs / 1000);
  const processedA = postedA.stored / secondsA;
  const workerCpu = (u: Usage) => Object.entries(u.cpu).reduce((sum, [name, sec]) => (name.startsWith('worker') ? sum + sec : sum), 0);
  const rows: string[][] = [['figure', 'live (receiver + workers)', ...(phaseB ? ['backlog (one at a time)'] : []), 'target']];
  const b = phaseB;
  const latB = b ? latency(b.posted.latenciesMs) : null;
  rows.push(['acknowledged events/s', n0(ackRateA), ...(b ? [`${n0(b.posted.events / (b.posted.wallMs / 1000))} (receiver alone)`] : []), '']);
  rows.push(['ack latency per batch p50', `${n1(latA.p50)} ms`, ...(latB ? [`${n1(latB.p50)} ms`] : []), '']);
  rows.push(['ack latency per batch p99', `${n1(latA.p99)} ms`, ...(latB ? [`${n1(latB.p99)} ms`] : []), '< 100 ms']);
  rows.push(['ack latency per batch max', `${n1(latA.max)} ms`, ...(latB ? [`${n1(latB.max)} ms`] : []), '']);
  rows.push([
    'processed signals/s',
    `${n0(processedA)} (first post → all applied)`,
    ...(b ? [`${n0(b.posted.stored / b.drainSeconds)} (workers alone, draining)`] : []),
    `≥ ${n0(rawProcessRate / 2)} (½ raw)`,
  ]);
  if (b) rows.push(['processed record jobs/s', '', `${n0(b.jobs / b.idleSeconds)} (${n2(b.posted.stored / b.jobs)} signals/job)`, '']);
  rows.push([
    'Redis commands per signal',
    n1(endToEndA.commands / postedA.stored),
    ...(b ? [`${n1((b.ingest.commands + b.drain.commands) / b.posted.stored)} (ingest ${n1(b.ingest.commands / b.posted.stored)} + apply ${n1(b.drain.commands / b.posted.stored)})`] : []),
    '',
  ]);
  rows.push(['raw BullMQ addBulk jobs/s', n0(rawAddRate), ...(b ? [''] : []), '']);
  rows.push([`raw BullMQ no-op worker jobs/s (concurrency ${RAW_CONCURRENCY})`, n0(rawProcessRate), ...(b ? [''] : []), '']);
  rows.push([
    'processed ÷ raw no-op',
    `${n2(processedA / rawProcessRate)} (signals/s ÷ jobs/s)`,
    ...(b ? [`${n2(b.posted.stored / b.drainSeconds / rawProcessRate)} signals, ${n2(b.jobs / b.idleSeconds / rawProcessRate)} jobs`] : []),
    '≥ 0.50',
  ]);
  console.log(table(rows));
  const busy: [string, Usage][] = [['live', endToEndA], ...(b ? ([['backlog ingest', b.ingest], ['backlog drain', b.drain]] as [string, Usage][]) : []), ['raw add', raw.add], ['raw process', raw.process]];
  for (const [phase, u] of busy) {
    const other = u.cpu['other processes'] ?? 0;
    if (other > 0.1 * u.seconds) console.log(`warning: other processes used ${Math.round((100 * other) / u.seconds)}% of a core during ${phase}: this run's figures are skewed by load that is not the benchmark's`);
  }

  const allTop = (u: Usage, per: number) => (DEBUG ? ` [all: ${u.all.map(([name, calls]) => `${name} ${n2(calls / per)}`).join(', ')}]` : '');
  console.log('\ndetails');
  console.log(`  live: ${n0(postedA.events)} events posted in ${n1(postedA.wallMs / 1000)} s, ${n0(postedA.stored)} signals stored, ${n0(postedA.duplicates)} duplicates, ${n0(postedA.ignored)} ignored; all applied ${n1(secondsA)} s after the first post (${n1(secondsA - postedA.wallMs / 1000)} s after the last ack; ${n0(jobsLeftA)} record jobs still to run then, queue empty after ${n1((idleA - postedA.startedAt) / 1000)} s)`);
  printFailures('live', postedA);
  console.log(`  live: BullMQ adds ${n0(qa2.added - qa0.added)} (${n2((qa2.added - qa0.added) / postedA.stored)} per signal: wakes from the receiver and from the workers, repeats of an existing job id included)`);
  console.log(`  live: CPU while posting: ${cpuLine(ackedA)}`);
  console.log(`  live: CPU first post → queue empty: ${cpuLine(endToEndA)}`);
  console.log(`  live: Redis commands per signal by name: ${topLine(endToEndA, postedA.stored)}; scripts ${n1(endToEndA.scripts / postedA.stored)}${allTop(endToEndA, postedA.stored)}`);
  if (b) {
    console.log(`  backlog: ${n0(b.posted.events)} events posted in ${n1(b.posted.wallMs / 1000)} s, ${n0(b.posted.stored)} signals stored → ${n0(b.jobs)} record jobs (${n0(b.addsDuringIngest)} BullMQ adds by the receiver); every signal applied ${n1(b.drainSeconds)} s after the worker started (${n0(b.jobsLeft)} record jobs still to run then), queue empty after ${n1(b.idleSeconds)} s; the workers added ${n0(b.addsDuringDrain)} wake jobs meanwhile`);
    printFailures('backlog', b.posted);
    console.log(`  backlog ingest: CPU ${cpuLine(b.ingest)}; ${n1((1000 * (b.ingest.cpu['receiver'] ?? 0)) / (b.posted.events / BATCH))} ms receiver CPU per batch`);
    console.log(`  backlog ingest: Redis commands per event by name: ${topLine(b.ingest, b.posted.events)}; scripts ${n2(b.ingest.scripts / b.posted.events)}; ${n1(b.ingest.commands / b.posted.events)} in all${allTop(b.ingest, b.posted.events)}`);
    console.log(`  backlog drain: CPU ${cpuLine(b.drain)}; ${n2((1000 * workerCpu(b.drain)) / b.jobs)} ms worker CPU and ${n2((1000 * (b.drain.cpu['redis'] ?? 0)) / b.jobs)} ms Redis CPU per job`);
    console.log(`  backlog drain: Redis commands per job by name: ${topLine(b.drain, b.jobs)}; scripts ${n2(b.drain.scripts / b.jobs)}; ${n1(b.drain.commands / b.jobs)} in all${allTop(b.drain, b.jobs)}`);
  }
  console.log(`  raw BullMQ: ${n0(raw.jobs)} jobs (same job options and id shape as the service's), added in ${n1(raw.addMs / 1000)} s, processed in ${n1(raw.processMs / 1000)} s (one worker, in this process)`);
  console.log(`  raw BullMQ add: Redis commands per job ${n1(raw.add.commands / raw.jobs)}; CPU ${cpuLine(raw.add)}`);
  console.log(`  raw BullMQ process: Redis commands per job ${n1(raw.process.commands / raw.jobs)} (${topLine(raw.process, raw.jobs)}); CPU ${cpuLine(raw.process)}; ${n2((1000 * (raw.process.cpu['bench'] ?? 0)) / raw.jobs)} ms worker CPU and ${n2((1000 * (raw.process.cpu['redis'] ?? 0)) / raw.jobs)} ms Redis CPU per job`);
  console.log(`  after the run: ${unapplied.signals} unapplied signals on ${unapplied.records} records; late signals ${logs.late}; outcome changes logged ${n0(logs.outcomeChanges)}; failed jobs ${logs.failedJobs}; error lines ${logs.errors}; outcomes ${JSON.stringify(outcomes)}`);
  console.log(`  Redis command counts include those run inside Lua scripts and BullMQ's own (blocking fetches, markers, events), less this script's ${n0(probeCommands)} probes; "other processes" is CPU used by anything else on the machine meanwhile`);
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  exitCode = 1;
  console.error(`ingest bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
} finally {
  clearTimeout(watchdog);
  await cleanup(KEEP_LOGS || exitCode !== 0);
  console.log(`total ${n1((Date.now() - started) / 1000)} s`);
}
process.exit(exitCode);
