// Issue 10, fault injection with real processes: signed deliveries with repeats and shuffles, some hours behind in event
// time, sent with HubSpot-style retries (exponential backoff) while a worker is SIGKILLed mid-run and Redis is down for
// seconds; an operator pauses and resumes a criteria and disputes outcomes through the signed card meanwhile. Afterwards
// the live ledger equals `simulate` on `export`'s events and actions field for field, and no signal or action is lost.
// Runs its own redis-server (append-only file synced on every write, so a restart keeps what it acknowledged).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { WEBHOOK_PATH } from '../../src/adapters/http/paths.ts';
import type { HubSpotWebhookEvent } from '../../src/adapters/hubspot/webhook-events.ts';
import { sendDeliveries } from '../../src/adapters/hubspot/webhook-sender.ts';
import { cli } from '../support/cli.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import type { OwnRedis } from '../support/own-redis.ts';
import { connect, testPrefix } from '../support/redis.ts';
import { describeProcesses, freePort, killAll, logLines, readLedger, seededRandom, signalWhileHoldingAJob, sleep, spawnService, startService, tempDir, waitReady } from '../support/service.ts';
import type { LiveLedger, Service, ServiceProcess } from '../support/service.ts';
import { REX, operate } from './chaos-operator.ts';
import { CRITERIA_YAML, PORTAL, buildWorkload, deliveriesOf } from './chaos-workload.ts';
import type { Delivery } from './chaos-workload.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 20261203);
const HOLD_MS = 1_000;
/** A dead worker's jobs are handed over after this long (BullMQ's lock), instead of the default 30 s. */
const LOCK_MS = 2_000;
/** Past stories' deliveries are spread over this long after the start; live stories start within 6 s of it. */
const SPAN_MS = 12_000;
const KILL_WORKER_AT_MS = 3_000;
const REDIS_DOWN_AT_MS = 5_000;
const REDIS_DOWN_FOR_MS = 4_000;
const SEND_CONCURRENCY = 16;
/** The operator pauses a criteria before the outage, resumes it during it, and disputes outcomes after it. */
const PAUSE_AT_MS = 2_500;
const RESUME_AT_MS = 6_500;
const DISPUTE_AT_MS = 11_000;
const REPLAYED_MSG = 'late inputs replayed in event-time order';
const TOO_LATE_MSG = 'signals later than the late horizon: applied at the record checkpoint, not in their place';
/** HubSpot-style retries, compressed: 100 ms doubling to at most 1.6 s, for as long as the outage lasts. */
const RETRY = { maxTries: 40, backoffMs: 100, maxBackoffMs: 1_600, timeoutMs: 5_000 };

interface SendFigures {
  deliveries: number;
  repeats: number;
  retries: number;
  stored: number;
  duplicates: number;
  notAccepted: string[];
}

/** Posts each delivery at its time, signed, with at most SEND_CONCURRENCY in flight, each retried with backoff until accepted. */
async function sendAll(svc: Service, deliveries: readonly Delivery[]): Promise<SendFigures> {
  const figures: SendFigures = { deliveries: deliveries.length, repeats: deliveries.filter((d) => d.repeat).length, retries: 0, stored: 0, duplicates: 0, notAccepted: [] };
  const options = { url: svc.publicBaseUrl + WEBHOOK_PATH, secret: svc.secret, concurrency: 1, ...RETRY };
  const deps = { fetch, clock: Date.now, sleep };
  let inFlight = 0;
  const freed: (() => void)[] = [];
  const all: Promise<void>[] = [];
  for (const d of deliveries) {
    const wait = d.sendAt - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight >= SEND_CONCURRENCY) await new Promise<void>((r) => freed.push(r));
    inFlight++;
    const sent = sendDeliveries([{ events: d.events, from: [] }], options, deps).then((t) => {
      figures.retries += t.retries;
      figures.stored += t.stored;
      figures.duplicates += t.duplicates;
      for (const f of [...t.refused, ...t.gaveUp]) figures.notAccepted.push(`${f.status ?? 'no answer'} after ${f.tries} tries: ${f.reason}`);
      inFlight--;
      freed.shift()?.();
    });
    all.push(sent);
  }
  await Promise.all(all);
  return figures;
}

interface JsonLedger {
  outcomes: { outcomeId: string; trail?: { type: string }[] }[];
  invoice: unknown;
  summary: unknown;
}

/** The live trail keeps a `corrected` entry for each replay that changed an outcome: simulate, which applies every input in its place, has none. */
const withoutCorrections = (l: JsonLedger) => l.outcomes.map((o) => ({ ...o, trail: o.trail?.filter((e) => e.type !== 'corrected') }));
const withoutTrails = (l: JsonLedger) => l.outcomes.map(({ trail: _, ...o }) => o);

async function json(...args: string[]): Promise<JsonLedger> {
  const run = await cli(...args);
  expect(run.code, `${args[0]}: ${run.err}`).toBe(0);
  return JSON.parse(run.out) as JsonLedger;
}

/** Polls until nothing is pending or due and every outcome is settled, from `quietAfter` on; the last reading either way. */
async function drained(redis: Redis, prefix: string, quietAfter: number, timeoutMs: number): Promise<{ ledger: LiveLedger; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const ledger = await readLedger(redis, prefix);
    const settled = ledger.outcomes.every((o) => o.status === 'billable' || o.status === 'not_billable' || o.status === 'credited');
    if ((settled && ledger.pendingSignals === 0 && ledger.due === 0 && Date.now() >= quietAfter) || Date.now() - started > timeoutMs) return { ledger, waitedMs: Date.now() - started };
    await sleep(250);
  }
}

describe('fault injection: repeats, shuffles, late deliveries, a killed worker and a Redis outage', () => {
  const procs: ServiceProcess[] = [];
  const redises: OwnRedis[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await killAll(procs.splice(0));
    for (const r of redises.splice(0)) await r.kill();
    for (const c of cleanups.splice(0)) await c();
  });

  /** SIGKILLs a worker while it holds a record job and starts another; stops Redis (SIGKILL) and starts it again on its data. */
  async function injectFaults(svc: Service, reader: Redis, start: number, redisPort: number, dataDir: string): Promise<{ killed: ServiceProcess; kill: string; downMs: number }> {
    await sleep(start + KILL_WORKER_AT_MS - Date.now());
    const [killed, other] = [svc.workers[0]!, svc.workers[1]!];
    const kill = (await signalWhileHoldingAJob(reader, svc.env.REDIS_PREFIX!, killed, [other], 'SIGKILL')).at;
    const replacement = spawnService({ name: 'worker-3', role: 'worker', env: svc.env });
    procs.push(replacement);
    svc.workers.push(replacement);
    await sleep(start + REDIS_DOWN_AT_MS - Date.now());
    const downAt = Date.now();
    await redises.pop()!.kill();
    await sleep(REDIS_DOWN_FOR_MS);
    redises.push(await startOwnRedis(redisPort, { dataDir }));
    return { killed, kill, downMs: Date.now() - downAt };
  }

  it('ends with the ledger simulate computes from the exported events and actions, field for field, every signal stored once and every action kept', async () => {
    const began = Date.now();
    const random = seededRandom(SEED);
    const dir = await tempDir('ob-chaos');
    cleanups.push(dir.remove);
    const file = (name: string) => join(dir.path, name);
    const dataDir = file('redis');
    await mkdir(dataDir);
    await writeFile(file('criteria.yaml'), CRITERIA_YAML, 'utf8');
    const redisPort = await freePort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    redises.push(await startOwnRedis(redisPort, { dataDir }));
    const prefix = testPrefix('chaos');
    const svc = await startService(
      { prefix, criteriaPath: file('criteria.yaml'), workers: 2, redisUrl, holdMs: HOLD_MS, sweepMs: 500, shutdownTimeoutMs: 5_000, extraEnv: { WORKER_LOCK_MS: String(LOCK_MS), WORKER_CONCURRENCY: '4', DISPUTE_RESOLVERS: String(REX.userId) } },
      (p) => procs.push(p),
    );
    onTestFailed(() => {
      process.stderr.write(`chaos seed ${SEED} (CHAOS_SEED repeats it)\n${describeProcesses(procs)}\n`);
    });
    const reader: Redis = connect(redisUrl);
    reader.on('error', () => undefined);
    cleanups.push(async () => void reader.disconnect());
    await waitReady(svc, reader, prefix, 2, 30_000);

    const start = Date.now() + 500;
    const workload = buildWorkload(start, 14, 6, random);
    const deliveries = deliveriesOf(workload, start, SPAN_MS, random);
    const faults = injectFaults(svc, reader, start, redisPort, dataDir);
    const operator = operate(svc, reader, prefix, { pauseAt: start + PAUSE_AT_MS, resumeAt: start + RESUME_AT_MS, disputeAt: start + DISPUTE_AT_MS }, 'chaos-triage');
    const sent = await sendAll(svc, deliveries);
    const { killed, kill, downMs } = await faults;
    const actions = await operator;
    expect(sent.notAccepted, 'every delivery accepted in the end').toEqual([]);

    const settled = await drained(reader, prefix, workload.lastLiveAt + 8_000, 45_000);
    expect(settled.ledger.pendingSignals, 'no signal left pending').toBe(0);
    expect(settled.ledger.due, 'no record left due').toBe(0);
    expect(settled.ledger.states.size, 'records with state').toBe(workload.liveRecords + workload.pastRecords);

    await writeFile(file('sent.json'), JSON.stringify(workload.events), 'utf8');
    const exported = await cli('export', '--portal', String(PORTAL), '--events', file('events.json'), '--actions', file('actions.json'), '--criteria', file('exported-criteria.yaml'), '--records', file('records.json'), '--redis-url', redisUrl, '--prefix', prefix);
    expect(exported.code, exported.err).toBe(0);
    const stored = JSON.parse(await readFile(file('events.json'), 'utf8')) as HubSpotWebhookEvent[];
    // No signal lost, none stored twice: the stored events are the distinct events sent; and every action taken is kept.
    expect(stored.map((e) => e.eventId).sort(), 'stored event ids').toEqual(workload.events.map((e) => e.eventId).sort());
    const keptActions = JSON.parse(await readFile(file('actions.json'), 'utf8')) as unknown[];
    expect(keptActions.length, `actions kept (refused: ${actions.refused.join('; ')})`).toBe(actions.accepted);
    expect(actions.accepted, 'a pause, a resume and disputes taken').toBeGreaterThanOrEqual(3);

    const criteria = file('exported-criteria.yaml');
    const replayed = await json('simulate', '--criteria', criteria, '--events', file('events.json'), '--actions', file('actions.json'), '--records', file('records.json'), '--format', 'json', '--trail');
    const live = await json('ledger', '--portal', String(PORTAL), '--format', 'json', '--trail', '--redis-url', redisUrl, '--prefix', prefix, '--criteria', criteria);
    expect(withoutCorrections(live), 'outcomes with their trails').toEqual(withoutCorrections(replayed));
    expect(live.invoice, 'invoice').toEqual(replayed.invoice);
    expect(live.summary, 'summary').toEqual(replayed.summary);
    // And the same as simulate on what was sent, in case export left something out.
    const truth = await json('simulate', '--criteria', file('criteria.yaml'), '--events', file('sent.json'), '--actions', file('actions.json'), '--format', 'json');
    expect(withoutTrails(live), 'outcomes against simulate on the events sent').toEqual(truth.outcomes);

    // The faults did bite: the victim died of SIGKILL, deliveries were retried, late inputs were replayed.
    expect((await killed.exited).signal).toBe('SIGKILL');
    expect(sent.retries, 'deliveries retried through the outage').toBeGreaterThan(0);
    const corrected = live.outcomes.filter((o) => o.trail?.some((e) => e.type === 'corrected')).length;
    expect(corrected, 'outcomes corrected by late inputs').toBeGreaterThan(0);
    const logged = (msg: string) => procs.flatMap((p) => logLines(p, (l) => l['msg'] === msg));
    const replays = logged(REPLAYED_MSG).length;
    expect(replays, 'runs that replayed late inputs').toBeGreaterThan(0);
    expect(logged(TOO_LATE_MSG), 'no input beyond the late horizon').toEqual([]);
    // The survivors came through the outage in working order: each stops cleanly on SIGTERM.
    const survivors = procs.filter((p) => p !== killed);
    for (const p of survivors) process.kill(p.pid, 'SIGTERM');
    const exits = await Promise.all(survivors.map(async (p) => ({ name: p.name, ...(await Promise.race([p.exited, sleep(10_000).then(() => null)])) })));
    expect(exits.map((e) => ({ name: e.name, code: 'code' in e ? e.code : 'still running' }))).toEqual(survivors.map((p) => ({ name: p.name, code: 0 })));
    const figures = { ...sent, notAccepted: undefined, events: workload.events.length, outcomes: live.outcomes.length, corrected, replays, actions, kill, redisDownMs: downMs, settleMs: settled.waitedMs };
    process.stdout.write(`chaos (seed ${SEED}): ${JSON.stringify(figures)} (${Date.now() - began} ms)\n`);
  }, 150_000);
});
