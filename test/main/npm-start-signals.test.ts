// Issue 10: SIGTERM to `npm start` (and start:web, start:worker) stops the service: npm's shell must not keep node from the signal.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { connect, REDIS_URL, testPrefix } from '../support/redis.ts';
import { PROJECT_ROOT, deletePrefixKeys, freePort, sleep } from '../support/service.ts';

const CRITERIA = join(PROJECT_ROOT, 'examples', 'quick-demo', 'criteria.yaml');
const START_TIMEOUT_MS = 20_000;
/** What "stops" means here: npm and every process it started are gone within this. */
const STOP_WITHIN_MS = 5_000;

interface NpmRun {
  readonly child: ChildProcess;
  /** The process group npm leads (spawned detached): node runs in it too. */
  readonly group: number;
  output(): string;
}

/** Whether any process of the group is still there (kill 0 checks without signalling). */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start scripts stop on SIGTERM', () => {
  let redis: Redis;
  const prefix = testPrefix('npm-start');
  const runs: NpmRun[] = [];

  beforeAll(() => {
    redis = connect();
  });
  afterEach(() => {
    for (const run of runs.splice(0)) if (groupAlive(run.group)) process.kill(-run.group, 'SIGKILL');
  });
  afterAll(async () => {
    await deletePrefixKeys(redis, prefix);
    await redis.quit();
  });

  async function npmRun(script: string): Promise<NpmRun & { port: number }> {
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      HUBSPOT_CLIENT_SECRET: 'npm-start-test-secret',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      CRITERIA_PATH: CRITERIA,
      ADMIN_TOKEN: 'npm-start-test-admin-token',
      SHUTDOWN_TIMEOUT_MS: '3000',
    };
    const child = spawn('npm', ['run', '--silent', script], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout?.on('data', (c: Buffer) => (log += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (log += c.toString('utf8')));
    if (child.pid === undefined) throw new Error(`could not spawn npm run ${script}`);
    const run = { child, group: child.pid, output: () => log, port };
    runs.push(run);
    onTestFailed(() => {
      process.stderr.write(`----- npm run ${script} -----\n${log}\n`);
    });
    return run;
  }

  async function waitFor(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await sleep(100);
    }
  }

  const answers = (port: number, path: string) => async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1_000) })).status === 200;
    } catch {
      return false;
    }
  };

  /** SIGTERM to npm alone, as an orchestrator or `kill <pid>` sends it: npm, its shell and node must all be gone in time. */
  async function expectStopsOnSigterm(run: NpmRun): Promise<void> {
    const npmExited = new Promise((resolve) => run.child.once('exit', resolve));
    process.kill(run.child.pid!, 'SIGTERM');
    const started = Date.now();
    await Promise.race([npmExited, sleep(STOP_WITHIN_MS)]);
    while (groupAlive(run.group) && Date.now() - started < STOP_WITHIN_MS) await sleep(50);
    expect(groupAlive(run.group), 'a process of npm start is still running after SIGTERM').toBe(false);
  }

  it.each(['start', 'start:web'])('npm run %s: ready, then gone within seconds of a SIGTERM to npm', async (script) => {
    const run = await npmRun(script);
    await waitFor('/readyz answers 200', answers(run.port, '/readyz'));
    await expectStopsOnSigterm(run);
    expect(run.output()).toContain('"msg":"shut down"');
  }, 40_000);

  it('npm run start:worker: started, then gone within seconds of a SIGTERM to npm', async () => {
    const run = await npmRun('start:worker');
    await waitFor('the worker started', () => run.output().includes('"msg":"worker started"'));
    await expectStopsOnSigterm(run);
    expect(run.output()).toContain('"msg":"shut down"');
  }, 40_000);
});
