// `npm run dev`: its defaults beneath the environment, its refusals (production, no Redis), and the quick demo
// played live through it with the README's commands: `send --now` and `ledger`, run where dev runs, find it through
// its session file, and the live ledger equals `simulate` on the same moved events; Ctrl-C then stops it with exit 0.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DEV_SESSION_FILE, devSessionSchema } from '../../src/adapters/files/dev-session.ts';
import { DEV_SESSION_NOTE } from '../../src/cli/dev-session-fallback.ts';
import { DEFAULT_PORT, loadConfig } from '../../src/config/env.ts';
import {
  DEMO_CRITERIA,
  DEV_SIGNAL_HOLD_MS,
  devBanner,
  devEnvironment,
  devSession,
  productionRefusal,
  randomSecret,
} from '../../src/main/dev-env.ts';
import { connect, REDIS_URL, testPrefix } from '../support/redis.ts';
import {
  PROJECT_ROOT,
  deletePrefixKeys,
  describeProcesses,
  freePort,
  killAll,
  nodeBinary,
  sleep,
  spawnService,
  tempDir,
  waitReady,
  waitSettled,
  writeText,
} from '../support/service.ts';
import type { Service, ServiceProcess } from '../support/service.ts';

const DEV_ENTRY = join(PROJECT_ROOT, 'src', 'main', 'dev.ts');
const BIN = join(PROJECT_ROOT, 'bin', 'outcome-billing.ts');
const DEMO_EVENTS = join(PROJECT_ROOT, 'examples', 'quick-demo', 'events.json');
const START_TIMEOUT_MS = 30_000;

describe('dev settings', () => {
  let n = 0;
  const counter = () => `secret-number-${++n}-of-this-test`;

  it('fills in development defaults: port 3000, localhost, the quick demo, a short hold, made-up secrets, no HubSpot', () => {
    const dev = devEnvironment({ PATH: '/bin' }, counter);
    const loaded = loadConfig(dev.env);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.config).toMatchObject({
      port: DEFAULT_PORT,
      publicBaseUrl: 'http://127.0.0.1:3000',
      criteriaPath: DEMO_CRITERIA,
      signalHoldMs: DEV_SIGNAL_HOLD_MS,
      hubspotAccessToken: undefined,
    });
    expect(loaded.config.hubspotClientSecret).toMatch(/^secret-number-\d-of-this-test$/);
    expect(loaded.config.adminToken).toMatch(/^secret-number-\d-of-this-test$/);
    expect(loaded.config.adminToken).not.toBe(loaded.config.hubspotClientSecret);
    expect(dev.generated).toEqual({ clientSecret: true, adminToken: true });
    expect(dev.env.PATH).toBe('/bin');
  });

  it('lets every variable the user sets win; an empty one counts as unset', () => {
    const dev = devEnvironment(
      { PORT: '4100', CRITERIA_PATH: 'criteria/', SIGNAL_HOLD_MS: '500', HUBSPOT_CLIENT_SECRET: 'mine', ADMIN_TOKEN: ' ', HUBSPOT_ACCESS_TOKEN: 'pat-x' },
      counter,
    );
    expect(dev.env).toMatchObject({
      PORT: '4100',
      PUBLIC_BASE_URL: 'http://127.0.0.1:4100',
      CRITERIA_PATH: 'criteria/',
      SIGNAL_HOLD_MS: '500',
      HUBSPOT_CLIENT_SECRET: 'mine',
      HUBSPOT_ACCESS_TOKEN: 'pat-x',
    });
    expect(dev.env.ADMIN_TOKEN).toMatch(/^secret-number-/);
    expect(dev.generated).toEqual({ clientSecret: false, adminToken: true });
    expect(devEnvironment({ PUBLIC_BASE_URL: 'https://tunnel.example.com' }).env.PUBLIC_BASE_URL).toBe('https://tunnel.example.com');
  });

  it('makes up secrets from 24 random bytes, long enough for ADMIN_TOKEN, different each time', () => {
    const a = randomSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(randomSecret()).not.toBe(a);
  });

  it('refuses NODE_ENV=production, saying why', () => {
    expect(productionRefusal({ NODE_ENV: 'production' })).toMatch(/NODE_ENV=production.*makes up a client secret/);
    expect(productionRefusal({ NODE_ENV: 'development' })).toBeNull();
    expect(productionRefusal({})).toBeNull();
  });

  it('prints the made-up secrets once, with the README\'s next commands; never a secret the user set', () => {
    const generated = devEnvironment({}, counter);
    const loaded = loadConfig(generated.env);
    if (!loaded.ok) throw new Error('invalid');
    const banner = devBanner(loaded.config, generated.generated, PROJECT_ROOT);
    expect(banner).toContain(`HUBSPOT_CLIENT_SECRET=${loaded.config.hubspotClientSecret}`);
    expect(banner).toContain(`ADMIN_TOKEN=${loaded.config.adminToken}`);
    expect(banner).toContain('\n  npx outcome-billing send --events examples/quick-demo/events.json --now\n');
    expect(banner).toContain('\n  npx outcome-billing ledger\n');
    expect(banner).toContain(`Authorization: Bearer ${loaded.config.adminToken}`);
    expect(banner).toContain(DEV_SESSION_FILE);

    const own = devEnvironment({ HUBSPOT_CLIENT_SECRET: 'users-own-secret', ADMIN_TOKEN: 'users-own-admin-token', REDIS_PREFIX: 'mine', PORT: '4100' });
    const ownConfig = loadConfig(own.env);
    if (!ownConfig.ok) throw new Error('invalid');
    const ownBanner = devBanner(ownConfig.config, own.generated, PROJECT_ROOT);
    expect(ownBanner).not.toMatch(/users-own/);
    // Another port: send's default URL is not this one, so the line names it (the session file would too).
    expect(ownBanner).toContain('\n  npx outcome-billing send --events examples/quick-demo/events.json --now --to http://127.0.0.1:4100/webhooks/hubspot\n');
    expect(ownBanner).toContain('\n  npx outcome-billing ledger\n');
  });

  it('tells the CLI what it needs in the session: webhook URL, secrets, absolute criteria, Redis, pid', () => {
    const dev = devEnvironment({ CRITERIA_PATH: 'examples/quick-demo/criteria.yaml', REDIS_PREFIX: 'mine' }, counter);
    const loaded = loadConfig(dev.env);
    if (!loaded.ok) throw new Error('invalid');
    const session = devSession(loaded.config, PROJECT_ROOT, 1234, new Date('2026-12-02T09:00:00Z'));
    expect(devSessionSchema.parse(session)).toEqual(session);
    expect(session).toEqual({
      webhookUrl: 'http://127.0.0.1:3000/webhooks/hubspot',
      hubspotClientSecret: loaded.config.hubspotClientSecret,
      adminToken: loaded.config.adminToken,
      criteriaPath: DEMO_CRITERIA,
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'mine',
      pid: 1234,
      startedAt: '2026-12-02T09:00:00.000Z',
    });
  });
});

type RawEvent = Record<string, unknown> & { occurredAt: number };

interface LedgerDoc {
  outcomes: Record<string, unknown>[];
  invoice: unknown[];
  summary: unknown;
}

async function cli(args: string[]): Promise<LedgerDoc> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  if (code !== 0) throw new Error(`outcome-billing ${args.join(' ')} exited ${code}: ${err.join('\n')}`);
  return JSON.parse(out.join('')) as LedgerDoc;
}

/** The quick-demo events moved by `shift` ms, as `send --now` moved them. */
function shifted(shift: number): RawEvent[] {
  const recorded = JSON.parse(readFileSync(DEMO_EVENTS, 'utf8')) as RawEvent[];
  return recorded.map((e) => ({ ...e, occurredAt: e.occurredAt + shift }));
}

/**
 * The real `outcome-billing` bin, as `npx outcome-billing` runs it, in `cwd`; with no setting of the test's own
 * environment, so whatever it needs beyond its options comes from the dev session file there.
 */
async function outcomeBilling(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return promisify(execFile)(nodeBinary(), [BIN, ...args], { cwd, env });
}

async function waitForOutput(p: ServiceProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pattern.exec(p.output());
    if (found) return found;
    if (p.hasExited() || Date.now() > deadline) throw new Error(`${p.name} printed no ${String(pattern)}`);
    await sleep(50);
  }
}

describe('npm run dev (src/main/dev.ts)', () => {
  let redis: Redis;
  const prefix = testPrefix('dev');
  const running: ServiceProcess[] = [];
  const removals: (() => Promise<void>)[] = [];

  beforeAll(() => {
    redis = connect();
  });
  afterEach(async () => {
    await killAll(running);
    for (const remove of removals.splice(0)) await remove();
  });
  afterAll(async () => {
    await deletePrefixKeys(redis, prefix);
    await redis.quit();
  });

  const dev = (env: Record<string, string>, cwd?: string) => {
    const p = spawnService({ name: 'dev', role: 'server', entry: DEV_ENTRY, env, cwd });
    running.push(p);
    onTestFailed(() => {
      process.stderr.write(`${describeProcesses(running)}\n`);
    });
    return p;
  };

  it('refuses to start with NODE_ENV=production: exit 1, saying why', async () => {
    const p = dev({ NODE_ENV: 'production', PORT: String(await freePort()), REDIS_URL, REDIS_PREFIX: prefix });
    const exit = await Promise.race([p.exited, sleep(START_TIMEOUT_MS).then(() => null)]);
    expect(exit?.code).toBe(1);
    expect(p.output()).toMatch(/refuses to start with NODE_ENV=production/);
  }, START_TIMEOUT_MS + 5_000);

  it('without Redis, says so with its URL, the reason and the command that starts one: exit 1', async () => {
    const p = dev({ PORT: String(await freePort()), REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_PREFIX: prefix });
    const exit = await Promise.race([p.exited, sleep(START_TIMEOUT_MS).then(() => null)]);
    expect(exit?.code).toBe(1);
    expect(p.output()).toMatch(/needs Redis at redis:\/\/127\.0\.0\.1:\d+ and it does not answer \(connection refused\)/);
    // ioredis's own last word, which names neither Redis nor the reason (issue 10).
    expect(p.output()).not.toContain('Connection is closed');
    expect(p.output()).toContain("redis-server --daemonize yes --port 6379 --save '' --appendonly no");
  }, START_TIMEOUT_MS + 5_000);

  it('on a taken port, says so and which variable to set: exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, () => resolve()));
    removals.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;
    const p = dev({ PORT: String(port), REDIS_URL, REDIS_PREFIX: prefix });
    const exit = await Promise.race([p.exited, sleep(START_TIMEOUT_MS).then(() => null)]);
    expect(exit?.code).toBe(1);
    expect(p.output()).toContain(`cannot listen on port ${port}`);
    expect(p.output()).toMatch(/set PORT to a free one/);
  }, START_TIMEOUT_MS + 5_000);

  it('plays the quick demo live with the README\'s commands: the ledger equals simulate on the same events; Ctrl-C exits 0', async () => {
    // dev runs in a folder of its own, so its session file is this test's, never a developer's in the checkout.
    const dir = await tempDir('ob-dev-test');
    removals.push(dir.remove);
    const port = await freePort();
    const p = dev({ PORT: String(port), REDIS_URL, REDIS_PREFIX: prefix }, dir.path);
    const adminToken = (await waitForOutput(p, /ADMIN_TOKEN=(\S+)/, START_TIMEOUT_MS))[1]!;
    const baseUrl = `http://127.0.0.1:${port}`;
    const svc: Service = { baseUrl, publicBaseUrl: baseUrl, secret: '', adminToken, server: p, workers: [], all: () => [p], env: {} };
    await waitReady(svc, redis, prefix, 1, START_TIMEOUT_MS);
    const sessionFile = join(dir.path, DEV_SESSION_FILE);
    expect(statSync(sessionFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(sessionFile, 'utf8'))).toMatchObject({ webhookUrl: `${baseUrl}/webhooks/hubspot`, adminToken, redisPrefix: prefix, pid: p.pid });

    const sent = await outcomeBilling(['send', '--events', DEMO_EVENTS, '--now'], dir.path);
    expect(sent.stderr).toBe(`${DEV_SESSION_NOTE}\n`);
    expect(sent.stdout).toContain('the service accepted 21 events: 21 stored, 0 duplicates, 0 ignored');
    const shift = Number(/--now: every event moved by (-?\d+) ms/.exec(sent.stdout)![1]);

    const eventsFile = join(dir.path, 'events.json');
    await writeText(eventsFile, JSON.stringify(shifted(shift)));
    const expected = await cli(['simulate', '--criteria', DEMO_CRITERIA, '--events', eventsFile, '--format', 'json']);
    // The five stories of examples/quick-demo/README.md, at today's times.
    expect(expected.outcomes.map((o) => [o['recordId'], o['status'], o['reason'], o['tries'], o['suppressed']])).toEqual([
      ['101', 'billable', null, 1, 0],
      ['102', 'billable', null, 1, 1],
      ['103', 'billable', null, 2, 0],
      ['104', 'not_billable', 'reversed', 1, 0],
      ['105', 'not_billable', 'latency_breach', 1, 0],
    ]);
    const lastSettledAt = Math.max(...expected.outcomes.map((o) => Date.parse(String(o['settledAt']))));
    await waitSettled(redis, prefix, { outcomes: expected.outcomes.length, records: 5, quietAfter: lastSettledAt + DEV_SIGNAL_HOLD_MS + 3_000 }, 60_000);

    const ledger = await outcomeBilling(['ledger', '--format', 'json'], dir.path);
    expect(ledger.stderr).toBe(`${DEV_SESSION_NOTE}\n`);
    const live = JSON.parse(ledger.stdout) as LedgerDoc;
    expect(live.outcomes).toEqual(expected.outcomes);
    expect(live.invoice).toEqual(expected.invoice);
    expect(live.summary).toEqual(expected.summary);

    // The printed admin token opens the read API.
    const res = await fetch(`${baseUrl}/api/outcomes?objectType=ticket&recordId=104`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as LedgerDoc).outcomes).toEqual(expected.outcomes.filter((o) => o['recordId'] === '104'));

    // Ctrl-C under `npm run dev`: the terminal signals the process group and npm forwards it, so the service gets it twice.
    process.kill(p.pid, 'SIGINT');
    process.kill(p.pid, 'SIGINT');
    const exit = await Promise.race([p.exited, sleep(10_000).then(() => null)]);
    expect(exit && { code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  }, 120_000);
});
