// Test support: a local Redis Cluster of the test's own (3 masters, no replicas, no persistence) in a temp dir, and how to stop it.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { freePort, sleep } from './service.ts';

export interface LocalCluster {
  /** The seed nodes, as REDIS_CLUSTER_NODES takes them. */
  readonly nodes: readonly string[];
  /** A connection to it, as BullMQ wants one (maxRetriesPerRequest null). */
  connect(): Cluster;
  /** Stops every redis-server and removes the temp dir. */
  stop(): Promise<void>;
}

/** Why a cluster cannot be started here (redis-server or redis-cli missing), or null. */
export function clusterToolsMissing(): string | null {
  for (const tool of ['redis-server', 'redis-cli']) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (r.error !== undefined) return `${tool} is not installed (${r.error.message}): the Redis Cluster test needs redis-server and redis-cli on the PATH`;
  }
  return null;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Distinct free ports; each node's bus gets one of its own (cluster-port), as port + 10000 may be taken or beyond 65535. */
async function ports(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function ask<T>(port: number, call: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await call(r);
  } finally {
    r.disconnect();
  }
}

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${String(code)}:\n${out}`))));
  });
}

/** Starts `masters` redis-servers with cluster mode on, joins them with `redis-cli --cluster create`, and waits for cluster_state:ok on each. */
export async function startLocalCluster(masters = 3, timeoutMs = 15_000): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'ob-cluster-'));
  const [clientPorts, busPorts] = [await ports(masters), await ports(masters)];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode === null && c.signalCode === null) {
          const exited = new Promise((r) => c.once('exit', r));
          c.kill('SIGKILL');
          await exited;
        }
        live.delete(c);
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    clientPorts.forEach((port, i) => {
      const args = ['--port', String(port), '--cluster-port', String(busPorts[i]), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
      args.push('--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction');
      const child = spawn('redis-server', args, { stdio: 'ignore' });
      children.push(child);
      live.add(child);
    });
    for (const port of clientPorts) await until(`redis-server on ${port} answers`, timeoutMs, () => ask(port, async (r) => (await r.ping()) === 'PONG'));
    await run('redis-cli', ['--cluster', 'create', ...clientPorts.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of clientPorts) {
      await until(`node ${port} says cluster_state:ok`, timeoutMs, () => ask(port, async (r) => /cluster_state:ok/.test(await r.cluster('INFO'))));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const nodes = clientPorts.map((p) => `redis://127.0.0.1:${p}`);
  return { nodes, connect: () => new Cluster([...nodes], { redisOptions: { maxRetriesPerRequest: null } }), stop };
}
