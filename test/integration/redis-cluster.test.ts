// The service on a Redis Cluster: a local 3-master cluster, the real receiver and two worker processes,
// signed deliveries shuffled and repeated; the ledger equals simulate()'s field by field, as on one Redis
// (test/e2e/live-vs-simulate.test.ts), `ledger` reads it through the cluster, and every key, BullMQ's
// too, sits on the one master of the prefix's hash slot. Skipped only without redis-server and redis-cli.
import type { Cluster } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { loadCriteriaFiles } from '../../src/adapters/files/criteria-files.ts';
import { hubSpotWebhookBatchSchema } from '../../src/adapters/hubspot/webhook-events.ts';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import { probeRedis } from '../../src/adapters/redis/connection.ts';
import { checkEvictionPolicy } from '../../src/adapters/redis/eviction-policy.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { invoiceOf, outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import { ledgerCommand } from '../../src/cli/commands/ledger.ts';
import { clusterToolsMissing, startLocalCluster } from '../support/redis-cluster.ts';
import type { LocalCluster } from '../support/redis-cluster.ts';
import { BASE_CRITERIA, criteriaSet, run } from '../support/scenario.ts';
import { describeProcesses, killAll, postAll, seededRandom, shuffle, startService, tempDir, waitReady, waitSettled, writeText } from '../support/service.ts';
import type { Service, ServiceProcess } from '../support/service.ts';

const HOLD_MS = 1_000;
const PORTAL = 61_530_447;
const CRITERIA = {
  ...BASE_CRITERIA,
  id: 'cluster-resolve',
  effective_from: '2020-01-01T00:00:00Z',
  success: "stage = 'closed'",
  within: '3s',
  fail_if: "agent_status = 'error'",
  failure_reasons: [{ if: "agent_error = 'policy'", reason: 'policy_block' }],
  retry_window: '2s',
  cooldown: '1s',
  review_window: '2s',
  on_timeout: 'confirm',
  approve_if: "billing_review = 'approved'",
  reject_if: "billing_review = 'rejected'",
  price: { currency: 'USD', model: 'flat', unit_amount: '0.99' },
};

/** Ticket stories, [ms after the record's start, property, value]; `press` is the trigger. */
const STORIES: Record<string, [number, string, string][]> = {
  success: [[0, 'press', ''], [600, 'stage', 'closed']],
  approved: [[0, 'press', ''], [400, 'stage', 'closed'], [900, 'billing_review', 'approved']],
  rejected: [[0, 'press', ''], [400, 'stage', 'closed'], [800, 'billing_review', 'rejected']],
  reversed_in_review: [[0, 'press', ''], [500, 'stage', 'closed'], [1500, 'stage', 'open']],
  latency_breach: [[0, 'press', ''], [500, 'agent_note', 'thinking']],
  policy_block: [[0, 'press', ''], [300, 'agent_error', 'policy'], [600, 'agent_status', 'error']],
  retry_then_success: [[0, 'press', ''], [400, 'agent_status', 'error'], [1200, 'agent_status', 'running'], [1500, 'press', ''], [2000, 'stage', 'closed']],
  double_click: [[0, 'press', ''], [300, 'press', ''], [1200, 'stage', 'closed']],
};

function workload(base: number, random: () => number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  let eventId = 7_300_000_000;
  let recordId = 9_100;
  for (let copy = 0; copy < 3; copy++) {
    for (const story of Object.values(STORIES)) {
      const objectId = recordId++;
      const start = base + Math.floor(random() * 100) * 10;
      for (const [dt, property, value] of story) {
        const at = start + dt;
        const propertyName = property === 'press' ? 'agent_started_at' : property;
        events.push({
          eventId: eventId++, subscriptionId: 4_400_001, portalId: PORTAL, appId: 3_140_727, attemptNumber: 0, occurredAt: at,
          subscriptionType: 'ticket.propertyChange', objectId, propertyName, propertyValue: property === 'press' ? String(at) : value,
        });
      }
    }
  }
  return events;
}

const views = (outcomes: readonly Outcome[]) => outcomes.map((o) => outcomeView(o));
// A delivery slowed past its hold (a busy machine) is replayed in event time and its outcomes get `corrected` entries: the live side's own account, unknown to simulate.
const trails = (outcomes: readonly Outcome[]) => outcomes.map((o) => ({ outcomeId: o.outcomeId, trail: outcomeView(o, true).trail!.filter((e) => e.type !== 'corrected') }));

const skip = clusterToolsMissing();
if (skip !== null) process.stderr.write(`redis-cluster test skipped: ${skip}\n`);

describe('a Redis Cluster that does not answer', () => {
  it('is a failed probe with the seed nodes\' own reason', async () => {
    expect(await probeRedis('redis://127.0.0.1:1', 1_000, ['redis://127.0.0.1:1', 'redis://127.0.0.1:2'])).toEqual({ ok: false, reason: 'connection refused' });
  });

  it('names the seed nodes without their passwords, and why', async () => {
    const err: string[] = [];
    const env = { REDIS_CLUSTER_NODES: 'redis://:hunter2@127.0.0.1:1,127.0.0.1:2', CRITERIA_PATH: 'criteria/' };
    const dir = await tempDir('ob-cluster-cli');
    await writeText(`${dir.path}/criteria.yaml`, stringify({ criteria: [CRITERIA] }));
    const code = await ledgerCommand([], { out: () => undefined, err: (t) => err.push(t) }, { ...env, CRITERIA_PATH: `${dir.path}/criteria.yaml` }, dir.path);
    await dir.remove();
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('cannot reach Redis Cluster at redis://127.0.0.1:1, redis://127.0.0.1:2 (connection refused)');
    expect(err.join('\n')).not.toContain('hunter2');
  });
});

describe.skipIf(skip !== null)('the service on a local 3-master Redis Cluster', () => {
  let cluster: LocalCluster;
  let redis: Cluster;
  const running: ServiceProcess[] = [];
  let removeDir: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    cluster = await startLocalCluster(3);
    redis = cluster.connect();
  }, 30_000);

  afterAll(async () => {
    await killAll(running);
    await redis?.quit().catch(() => undefined);
    await cluster?.stop();
    await removeDir();
  });

  it('gives the ledger simulate() computes, with every key of the prefix on one master', async () => {
    const prefix = `{ob-cluster-${Math.random().toString(36).slice(2, 8)}}`;
    const dir = await tempDir('ob-cluster-criteria');
    removeDir = dir.remove;
    const criteriaPath = `${dir.path}/criteria.yaml`;
    await writeText(criteriaPath, stringify({ criteria: [CRITERIA] }));
    const loaded = await loadCriteriaFiles([criteriaPath]);
    if (!loaded.ok) throw new Error(`criteria invalid: ${JSON.stringify(loaded.problems)}`);

    const extraEnv = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), WORKER_LOCK_MS: '5000' };
    let svc: Service | undefined;
    onTestFailed(() => {
      process.stderr.write(`${svc ? describeProcesses(svc.all()) : '(no service started)'}\n`);
    });
    svc = await startService({ prefix, criteriaPath, workers: 2, redisUrl: '', holdMs: HOLD_MS, sweepMs: 500, shutdownTimeoutMs: 5_000, extraEnv }, (p) => running.push(p));
    await waitReady(svc, redis, prefix, 2, 30_000);

    const random = seededRandom(20_261_203);
    const events = workload(Date.now() + 1_000, random);
    const mapped = toSignals(hubSpotWebhookBatchSchema.parse(events));
    if (!mapped.ok) throw new Error(`workload invalid: ${JSON.stringify(mapped.problems)}`);
    const expected = simulate({ criteria: loaded.set, records: [], signals: mapped.signals, until: null });

    // Shuffled batches of up to 7 events, and a few of them delivered again (HubSpot's retries).
    const shuffled = shuffle(events, random);
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < shuffled.length; i += 7) batches.push(shuffled.slice(i, i + 7));
    const repeats = [batches[0]!, batches[3]!].map((b) => b.map((e) => ({ ...e, attemptNumber: 1 })));
    const results = await postAll(svc, [...batches, ...repeats], 4);
    expect(results.map((r) => r.status), 'every delivery is accepted').toEqual(results.map(() => 200));
    const stored = results.reduce((n, r) => n + ((r.body as Record<string, number>)['stored'] ?? 0), 0);
    expect(stored, 'every signal stored once, whatever the repeats').toBe(mapped.signals.length);

    const lastSettledAt = Math.max(...expected.outcomes.map((o) => o.settledAt ?? 0));
    const settled = await waitSettled(redis, prefix, { outcomes: expected.outcomes.length, records: expected.states.size, quietAfter: lastSettledAt + HOLD_MS + 3_000 }, 30_000);
    const live = settled.ledger;

    expect(views(live.outcomes), 'outcomes, field by field').toEqual(views(expected.outcomes));
    expect(trails(live.outcomes), 'audit trails').toEqual(trails(expected.outcomes));
    expect(invoiceOf(live.outcomes, loaded.set), 'invoice').toEqual(expected.invoice);
    expect(new Set(expected.outcomes.map((o) => o.reason)).size, 'the workload yields several kinds of outcome').toBeGreaterThanOrEqual(5);
    expect(live.pendingSignals, 'no signal left pending').toBe(0);
    const byStatus: Record<string, number> = {};
    for (const o of live.outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    const counted = Object.fromEntries(Object.entries(await createRedisSignalStore(redis, prefix).outcomeCounts()).filter(([, n]) => n !== 0));
    expect(counted, 'outcome counts by status').toEqual(byStatus);
    expect(settled.settled, 'settled within the time limit').toBe(true);

    // The command line reads the same ledger through the cluster (REDIS_CLUSTER_NODES, prefix given).
    const out: string[] = [];
    const err: string[] = [];
    const env = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), REDIS_PREFIX: prefix, CRITERIA_PATH: criteriaPath };
    expect(await ledgerCommand(['--format', 'json'], { out: (t) => out.push(t), err: (t) => err.push(t) }, env, dir.path), err.join('\n')).toBe(0);
    const doc = JSON.parse(out.join('\n')) as { outcomes: { outcomeId: string; status: string }[]; summary: { billable: number } };
    expect(doc.outcomes.map((o) => [o.outcomeId, o.status]), '`ledger` on the cluster').toEqual(expected.outcomes.map((o) => [o.outcomeId, o.status]));
    expect(doc.summary.billable).toBe(expected.summary.billable);

    // One hash tag: the ledger's keys and BullMQ's sit on the master that owns the prefix's slot, and nowhere else.
    const holders: { port: number | undefined; keys: number; queue: number }[] = [];
    for (const node of redis.nodes('master')) {
      const keys = await node.keys(`${prefix}:*`);
      holders.push({ port: node.options.port, keys: keys.length, queue: keys.filter((k) => k.startsWith(`${prefix}:outcome-records:`)).length });
    }
    expect(holders.filter((h) => h.keys > 0), 'masters holding the prefix').toHaveLength(1);
    expect(holders.find((h) => h.keys > 0)!.queue, "BullMQ's keys are there too").toBeGreaterThan(0);
  }, 90_000);

  it('answers a probe, and the eviction check asks every master: one that may evict is refused', async () => {
    expect(await probeRedis(cluster.nodes[0]!, 2_000, cluster.nodes)).toEqual({ ok: true });
    expect(await checkEvictionPolicy(redis)).toEqual({ ok: true });
    const last = redis.nodes('master').at(-1)!;
    await last.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      expect(await checkEvictionPolicy(redis)).toEqual({ ok: false, policy: 'allkeys-lru' });
    } finally {
      await last.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('needs the hash tag: without one, a commit\'s keys fall in several slots and the cluster refuses it', async () => {
    const state = run([{ at: 0, set: { agent_started_at: 'x' } }, { at: 5, set: { stage: 'closed' } }], { criteria: criteriaSet() }).states.get('ticket:1')!;
    const commit = (prefix: string) =>
      createRedisSignalStore(redis, prefix).commit({ record: { portalId: 11, objectType: 'ticket', recordId: '1' }, version: 0, state, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
    await expect(commit(`ob-untagged-${Date.now()}`)).rejects.toThrow(/CROSSSLOT/);
    await expect(commit(`{ob-tagged-${Date.now()}}`)).resolves.toMatchObject({ ok: true });
  });
});
