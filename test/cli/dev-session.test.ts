// `send` and `ledger` beside a running `npm run dev`: values neither an option nor the environment gives come from its session file, which is checked.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEV_SESSION_FILE, devSessionPath, readDevSession, writeDevSession } from '../../src/adapters/files/dev-session.ts';
import type { DevSession } from '../../src/adapters/files/dev-session.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../src/adapters/http/hubspot-signature.ts';
import { ledgerCommand } from '../../src/cli/commands/ledger.ts';
import { DEFAULT_TARGET, sendCommand } from '../../src/cli/commands/send.ts';
import { DEV_SESSION_NOTE } from '../../src/cli/dev-session-fallback.ts';
import { raw } from '../adapters/hubspot/webhook-fixtures.ts';
import { BASE_CRITERIA } from '../support/scenario.ts';

const NOTE = 'using the settings of `npm run dev` from .outcome-billing/dev.json';

const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ob-dev-session-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function sessionIn(dir: string, overrides: Partial<DevSession> = {}): DevSession {
  const criteriaPath = join(dir, 'criteria.yaml');
  writeFileSync(criteriaPath, stringify(BASE_CRITERIA));
  return {
    webhookUrl: 'http://127.0.0.1:4123/webhooks/hubspot',
    hubspotClientSecret: 'session-secret',
    adminToken: 'session-admin-token-0123456789abcdef',
    criteriaPath,
    // Nothing listens on port 1: the ledger's answer says which Redis it tried.
    redisUrl: 'redis://127.0.0.1:1',
    redisPrefix: 'from-session',
    // This test's own process: a running one, as while `npm run dev` runs.
    pid: process.pid,
    startedAt: '2026-12-02T09:00:00.000Z',
    ...overrides,
  };
}

interface Call {
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function send(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: Call[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(JSON.stringify({ accepted: 1, stored: 1, duplicates: 0, ignored: 0 }), { status: 200 });
  }) as unknown as typeof fetch;
  const code = await sendCommand(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    env,
    cwd,
    fetch: fakeFetch,
    clock: () => Date.parse('2026-12-02T09:00:00Z'),
    sleep: async () => undefined,
    progress: { isTTY: false, write: () => undefined },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), calls };
}

async function ledger(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await ledgerCommand(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, env, cwd);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const signedWith = (call: Call, secret: string) =>
  signHubSpotV3({ method: 'POST', url: call.url, rawBody: call.body, timestamp: call.headers[TIMESTAMP_HEADER]!, secret }) === call.headers[SIGNATURE_HEADER];

function eventsFile(dir: string): string {
  const path = join(dir, 'events.json');
  writeFileSync(path, JSON.stringify([raw({ subscriptionType: 'contact.propertyChange', objectId: 1, propertyName: 'email', propertyValue: 'a@example.com' })]));
  return path;
}

describe('the dev session file', () => {
  it('is written whole, 0600, in a folder only its owner may list, and read back', async () => {
    const dir = tempDir();
    const session = sessionIn(dir);
    await writeDevSession(devSessionPath(dir), session);
    expect(statSync(join(dir, DEV_SESSION_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.outcome-billing')).mode & 0o777).toBe(0o700);
    expect(await readDevSession(devSessionPath(dir))).toEqual({ kind: 'found', session });
    expect(await readDevSession(devSessionPath(tempDir()))).toEqual({ kind: 'absent' });
    expect(NOTE).toBe(DEV_SESSION_NOTE);
  });
});

describe('send beside npm run dev', () => {
  it('posts to the session URL, signed with its secret, and says where they came from', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    const r = await send(['--events', eventsFile(dir)], dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(NOTE);
    expect(r.calls.map((c) => c.url)).toEqual(['http://127.0.0.1:4123/webhooks/hubspot']);
    expect(signedWith(r.calls[0]!, 'session-secret')).toBe(true);
  });

  it('lets --to, --secret and HUBSPOT_CLIENT_SECRET win; with both given the file is not read', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    const envSecret = await send(['--events', eventsFile(dir)], dir, { HUBSPOT_CLIENT_SECRET: 'env-secret' });
    expect(envSecret.calls[0]!.url).toBe('http://127.0.0.1:4123/webhooks/hubspot');
    expect(signedWith(envSecret.calls[0]!, 'env-secret')).toBe(true);
    expect(envSecret.err).toBe(NOTE);

    const flagUrl = await send(['--events', eventsFile(dir), '--to', 'http://127.0.0.1:9/webhooks/hubspot'], dir);
    expect(flagUrl.calls[0]!.url).toBe('http://127.0.0.1:9/webhooks/hubspot');
    expect(signedWith(flagUrl.calls[0]!, 'session-secret')).toBe(true);

    writeFileSync(devSessionPath(dir), 'not json at all');
    const both = await send(['--events', eventsFile(dir), '--to', 'http://127.0.0.1:9/webhooks/hubspot', '--secret', 'flag-secret'], dir, { HUBSPOT_CLIENT_SECRET: 'env' });
    expect(both.code).toBe(0);
    expect(both.err).toBe('');
    expect(signedWith(both.calls[0]!, 'flag-secret')).toBe(true);
  });

  it('refuses to post by a session whose npm run dev has stopped, naming it; --to still posts', async () => {
    const dir = tempDir();
    // A pid no process has (beyond Linux's pid_max).
    await writeDevSession(devSessionPath(dir), sessionIn(dir, { pid: 2 ** 30 }));
    const stopped = await send(['--events', eventsFile(dir)], dir);
    expect(stopped.code).toBe(1);
    expect(stopped.calls).toEqual([]);
    expect(stopped.err).toMatch(/that wrote \.outcome-billing\/dev\.json \(pid 1073741824, started 2026-12-02T09:00:00\.000Z\) is not running/);
    const elsewhere = await send(['--events', eventsFile(dir), '--to', 'http://127.0.0.1:9/webhooks/hubspot'], dir);
    expect(elsewhere.code).toBe(0);
    expect(signedWith(elsewhere.calls[0]!, 'session-secret')).toBe(true);
  });

  it('without a session file: the default URL, and no secret is an error that names npm run dev', async () => {
    const dir = tempDir();
    const withSecret = await send(['--events', eventsFile(dir)], dir, { HUBSPOT_CLIENT_SECRET: 'env-secret' });
    expect(withSecret.calls[0]!.url).toBe(DEFAULT_TARGET);
    expect(withSecret.err).toBe('');
    const without = await send(['--events', eventsFile(dir)], dir);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/no secret to sign with: .*start `npm run dev` in this folder/);
  });

  it('an invalid file is exit 1 naming the file and each field, nothing sent', async () => {
    const dir = tempDir();
    const { pid: _pid, ...rest } = sessionIn(dir, { webhookUrl: 'ftp://x', criteriaPath: 'relative/criteria.yaml' });
    mkdirSync(join(dir, '.outcome-billing'));
    writeFileSync(devSessionPath(dir), JSON.stringify(rest));
    const r = await send(['--events', eventsFile(dir)], dir);
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.err).toContain(".outcome-billing/dev.json: webhookUrl: must be the http(s) URL of the service's webhook");
    expect(r.err).toContain('.outcome-billing/dev.json: criteriaPath: must be an absolute path');
    expect(r.err).toContain('.outcome-billing/dev.json: pid: must be the process id of npm run dev');
    expect(r.err).toMatch(/start it again to rewrite the file/);

    writeFileSync(devSessionPath(dir), '{"webhookUrl": ');
    const broken = await send(['--events', eventsFile(dir)], dir);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^\.outcome-billing\/dev\.json: \(the whole file\): is not JSON/);
  });

  it('a broken file is reported by line and column without quoting it: the secret stays out of the terminal', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    writeFileSync(devSessionPath(dir), '{"hubspotClientSecret": s3cr3t-value}');
    const broken = await send(['--events', eventsFile(dir)], dir);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/is not JSON: line 1, column 25/);
    expect(broken.err).not.toContain('s3cr3t');
  });

  it('a blank HUBSPOT_CLIENT_SECRET is unset, as the service reads it: the session secret signs', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    const r = await send(['--events', eventsFile(dir)], dir, { HUBSPOT_CLIENT_SECRET: '  ' });
    expect(r.code).toBe(0);
    expect(signedWith(r.calls[0]!, 'session-secret')).toBe(true);
  });
});

describe('ledger beside npm run dev', () => {
  it('takes the criteria, Redis URL and prefix from the session file, saying so', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    const r = await ledger([], dir);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toBe(NOTE);
    expect(r.err).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });

  it('lets options and the environment win', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    const env = await ledger([], dir, { REDIS_URL: 'redis://127.0.0.1:2' });
    expect(env.err).toContain('cannot reach Redis at redis://127.0.0.1:2');
    const flag = await ledger(['--redis-url', 'redis://127.0.0.1:3'], dir, { REDIS_URL: 'redis://127.0.0.1:2' });
    expect(flag.err).toContain('cannot reach Redis at redis://127.0.0.1:3');
    expect(flag.err).toContain(NOTE);
    // Everything given: the file is not read, so not even a broken one matters.
    writeFileSync(devSessionPath(dir), '[]');
    const all = await ledger(['--redis-url', 'redis://127.0.0.1:3', '--prefix', 'p', '--criteria', sessionIn(dir).criteriaPath], dir);
    expect(all.err).not.toContain(NOTE);
    expect(all.err).toContain('cannot reach Redis at redis://127.0.0.1:3');
  });

  it('--help says where the values come from', async () => {
    const r = await ledger(['--help'], tempDir());
    expect(r.out).toContain('.outcome-billing/dev.json in the current folder');
  });

  it('an invalid file is exit 1 naming the file and field; without one the criteria are a usage error', async () => {
    const dir = tempDir();
    await writeDevSession(devSessionPath(dir), sessionIn(dir));
    const session = JSON.parse(readFileSync(devSessionPath(dir), 'utf8')) as Record<string, unknown>;
    writeFileSync(devSessionPath(dir), JSON.stringify({ ...session, redisPrefix: 7 }));
    const r = await ledger([], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('.outcome-billing/dev.json: redisPrefix: must be the key prefix');
    await expect(ledger([], tempDir())).rejects.toThrow(/set CRITERIA_PATH, pass --criteria or start `npm run dev` in this folder/);
  });
});
