// Test support: a redis-server of the test's own on a given port, for tests that stop Redis (never the shared one).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

export interface OwnRedis {
  readonly url: string;
  /** Kills it at once (SIGKILL): to the service, an outage. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface OwnRedisOptions {
  /**
   * A folder for an append-only file synced on every write: what Redis acknowledged survives a kill, and a
   * server started again on the same folder has it all. Without one, nothing is kept.
   */
  readonly dataDir?: string;
  readonly timeoutMs?: number;
}

/** Starts redis-server on `port` (without persistence unless `dataDir` is given) and waits until it answers PING. */
export async function startOwnRedis(port: number, options: OwnRedisOptions = {}): Promise<OwnRedis> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const persistence = options.dataDir === undefined ? ['--appendonly', 'no', '--dir', '/tmp'] : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.dataDir];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  return {
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      live.delete(child);
    },
  };
}
