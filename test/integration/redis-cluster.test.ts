// The service on a Redis Cluster: a local 3-master cluster, the real receiver and two worker processes,
// signed deliveries of three portals shuffled and repeated; the ledger equals simulate()'s field by field,
// as on one Redis (test/e2e/live-vs-simulate.test.ts), `ledger` reads each portal through the cluster, and
// each portal's keys sit in its own slot, so the portals spread over the masters while the deployment's
// keys and BullMQ's share one slot. Skipped only without redis-server and redis-cli.
import type { Cluster } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { loadCriteriaFiles } from '../../src/adapters/files/criteria-files.ts';
import { hubSpotWebhookBatchSchema } from '../../src/adapters/hubspot/webhook-events.ts';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import { probeRedis } from '../../src/adapters/redis/connection.ts';
import { checkEvictionPolicy } from '../../src/adapters/redis/eviction-policy.ts';
import { deploymentTag, portalTag, queuePrefix } from '../../src/adapters/redis/keys.ts';
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
/** Three portals whose hash slots (4899, 8908, 13037) fall to the three masters of an evenly split cluster. */
const PORTALS = [61_530_447, 61_530_448, 61_530_449] as const;
/** The portal of each record: copy c of the stories goes to portal c. */
const portalOfRecord = new Map<string, number>();
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
      portalOfRecord.set(String(objectId), PORTALS[copy]!);
      const start = base + Math.floor(random() * 100) * 10;
      for (const [dt, property, value] of story) {
        const at = start + dt;
        const propertyName = property === 'press' ? 'agent_started_at' : property;
        events.push({
          eventId: eventId++, subscriptionId: 4_400_001, portalId: PORTALS[copy]!, appId: 3_140_727, attemptNumber: 0, occurredAt: at,
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

  it('gives the ledger simulate() computes, with the portals spread over the masters', async () => {
    const prefix = `ob-cluster-${Math.random().toString(36).slice(2, 8)}`;
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
    const ofPortal = (portal: number, from: readonly Record<string, unknown>[]) => from.filter((e) => e['portalId'] === portal);
    const signals = PORTALS.flatMap((portal) => {
      const mapped = toSignals(hubSpotWebhookBatchSchema.parse(ofPortal(portal, events)));
      if (!mapped.ok) throw new Error(`workload invalid: ${JSON.stringify(mapped.problems)}`);
      return mapped.signals;
    });
    const expected = simulate({ criteria: loaded.set, records: [], signals, until: null });

    // Shuffled batches of up to 7 events of one portal (a delivery is one portal's), the portals'
    // batches interleaved, and a few of them delivered again (HubSpot's retries).
    const shuffled = shuffle(events, random);
    const perPortal: Record<string, unknown>[][] = [];
    for (const portal of PORTALS) {
      const own = ofPortal(portal, shuffled);
      for (let i = 0; i < own.length; i += 7) perPortal.push(own.slice(i, i + 7));
    }
    const batches = shuffle(perPortal, random);
    const repeats = [batches[0]!, batches[3]!].map((b) => b.map((e) => ({ ...e, attemptNumber: 1 })));
    const results = await postAll(svc, [...batches, ...repeats], 4);
    expect(results.map((r) => r.status), 'every delivery is accepted').toEqual(results.map(() => 200));
    const stored = results.reduce((n, r) => n + ((r.body as Record<string, number>)['stored'] ?? 0), 0);
    expect(stored, 'every signal stored once, whatever the repeats').toBe(signals.length);

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

    // The command line reads each portal's ledger through the cluster (REDIS_CLUSTER_NODES, prefix given).
    const env = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), REDIS_PREFIX: prefix, CRITERIA_PATH: criteriaPath };
    for (const portal of PORTALS) {
      const out: string[] = [];
      const err: string[] = [];
      expect(await ledgerCommand(['--format', 'json', '--portal', String(portal)], { out: (t) => out.push(t), err: (t) => err.push(t) }, env, dir.path), err.join('\n')).toBe(0);
      const doc = JSON.parse(out.join('\n')) as { outcomes: { outcomeId: string; status: string }[] };
      const own = expected.outcomes.filter((o) => portalOfRecord.get(o.recordId) === portal);
      expect(own.length, `portal ${portal} has outcomes`).toBeGreaterThan(0);
      expect(doc.outcomes.map((o) => [o.outcomeId, o.status]), `\`ledger --portal ${portal}\` on the cluster`).toEqual(own.map((o) => [o.outcomeId, o.status]));
    }

    // One slot per portal, one for the deployment (BullMQ's queue included): each portal's keys are all
    // on the master that owns its slot, and the three portals' masters are the three masters.
    const masterOfSlot = await slotOwners(redis);
    const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
    const holders = new Map<string, { portals: Set<number>; deployment: number; queue: number }>();
    for (const node of redis.nodes('master')) {
      const id = `${node.options.host}:${node.options.port}`;
      const keys = await node.keys(`${prefix}:*`);
      const portals = new Set<number>();
      for (const portal of PORTALS) {
        const own = keys.filter((k) => k.startsWith(`${portalTag(prefix, portal)}:`));
        if (own.length === 0) continue;
        portals.add(portal);
        expect(masterOfSlot(await slotOf(`${portalTag(prefix, portal)}:x`)), `portal ${portal}'s keys are on its slot's master`).toBe(id);
        expect(Number(await node.cluster('COUNTKEYSINSLOT', await slotOf(`${portalTag(prefix, portal)}:x`))), `every key of portal ${portal} in one slot`).toBe(own.length);
      }
      const queue = keys.filter((k) => k.startsWith(`${queuePrefix(prefix)}:`)).length;
      const deployment = keys.filter((k) => k.startsWith(`${deploymentTag(prefix)}:`)).length;
      const strays = keys.filter((k) => !k.startsWith(`${deploymentTag(prefix)}:`) && !PORTALS.some((p) => k.startsWith(`${portalTag(prefix, p)}:`)));
      expect(strays, `${id} holds only the portals' and the deployment's keys`).toEqual([]);
      holders.set(id, { portals, deployment, queue });
    }
    const portalMasters = [...holders].filter(([, h]) => h.portals.size > 0);
    expect(portalMasters.length, 'masters holding portals').toBe(3);
    expect(portalMasters.every(([, h]) => h.portals.size === 1), 'one portal on each master').toBe(true);
    const deploymentMasters = [...holders].filter(([, h]) => h.deployment > 0);
    expect(deploymentMasters, "the deployment's keys on one master").toHaveLength(1);
    expect(deploymentMasters[0]![1].queue, "BullMQ's keys are there too").toBeGreaterThan(0);
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

  it("keeps a portal's commit in its slot, whichever master: a tag of the prefix's own would have been refused at start", async () => {
    const state = run([{ at: 0, set: { agent_started_at: 'x' } }, { at: 5, set: { stage: 'closed' } }], { criteria: criteriaSet() }).states.get('ticket:1')!;
    const store = createRedisSignalStore(redis, `ob-slots-${Date.now()}`);
    for (const portalId of PORTALS) {
      const commit = store.commit({ record: { portalId, objectType: 'ticket', recordId: '1' }, version: 0, state, applied: [], nextTimerAt: 7, writeDueAt: 7, statusesBefore: [] });
      await expect(commit).resolves.toMatchObject({ ok: true });
    }
    expect(await store.portals()).toEqual([...PORTALS]);
    expect((await store.dueRecords(10, 10)).map((d) => d.record.portalId)).toEqual([...PORTALS]);
  });
});

/** Which master (host:port) serves each slot, from CLUSTER SLOTS. */
async function slotOwners(redis: Cluster): Promise<(slot: number) => string> {
  const ranges = (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  return (slot) => {
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    return range === undefined ? '(none)' : `${range[2][0]}:${range[2][1]}`;
  };
}
