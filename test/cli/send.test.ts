// `outcome-billing send` against real HTTP servers on 127.0.0.1: the service's own receiver, and doubles that answer 503 or 400.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/adapters/http/app.ts';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { ingestBatch } from '../../src/app/ingest-batch.ts';
import type { RecordScheduler } from '../../src/app/ports.ts';
import { createOutcomeReader } from '../../src/app/read-outcomes.ts';
import { sendCommand } from '../../src/cli/commands/send.ts';
import type { SendCommandDeps } from '../../src/cli/commands/send.ts';
import { main } from '../../src/cli/main.ts';
import type { Signal } from '../../src/core/types.ts';
import { raw } from '../adapters/hubspot/webhook-fixtures.ts';

const SECRET = 'client-secret-for-tests-0001';
const NOW = Date.parse('2026-12-02T09:00:00Z');
const T0 = Date.parse('2026-11-03T12:00:00Z');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ob-send-'));
  made.push(dir);
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

const contactEvents = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => raw({ subscriptionType: 'contact.propertyChange', objectId: 1000 + from + i, propertyName: 'email', propertyValue: `p${i}@example.com`, occurredAt: T0 + (from + i) * 60_000 }));

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function send(args: string[], deps: Partial<SendCommandDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const code = await sendCommand(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    env: { HUBSPOT_CLIENT_SECRET: SECRET },
    // A folder without `npm run dev`'s session file: a developer's own run in the checkout must not change these tests.
    cwd: tmpdir(),
    clock: () => NOW,
    sleep: async () => undefined,
    progress: { isTTY: false, write: (t) => progress.push(t) },
    ...deps,
  });
  return { code, out: out.join('\n'), err: err.join('\n'), progress: progress.join('') };
}

// -------------------------------------------------------------------------------------------------
// The service's receiver over the in-memory store
// -------------------------------------------------------------------------------------------------

describe('send to the service receiver', () => {
  let store: MemorySignalStore;
  let server: Server;
  let url: string;
  const scheduler: RecordScheduler = { wake: async () => undefined, wakeMany: async () => undefined };

  beforeAll(async () => {
    store = createMemorySignalStore({ clock: () => NOW });
    let app: ReturnType<typeof createHttpApp> | undefined;
    const listening = await listen((req, res) => app?.(req, res));
    server = listening.server;
    url = `${listening.base}/webhooks/hubspot`;
    app = createHttpApp({
      config: { publicBaseUrl: listening.base, hubspotClientSecret: SECRET, adminToken: 'admin-token-for-tests-0123456789', maxBodyBytes: 1_048_576 },
      ingest: (batch) => ingestBatch({ store, scheduler }, batch),
      reader: createOutcomeReader(store),
      health: { ready: async () => ({ ok: true, checks: {} }) },
      metrics: createMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'silent', name: 'test' }),
      clock: () => NOW,
    });
  });
  afterAll(() => close(server));

  /** The signals waiting in the store for contacts `from` to `from + n - 1` (listRecords knows committed records only). */
  async function stored(from: number, n: number): Promise<Signal[]> {
    const signals: Signal[] = [];
    for (let id = from; id < from + n; id += 1) {
      const { pending } = await store.load({ portalId: 4242, objectType: 'contact', recordId: String(id) }, Number.POSITIVE_INFINITY);
      signals.push(...pending.map((p) => p.signal));
    }
    return signals;
  }

  it('sends 250 events as 3 signed batches the receiver accepts and stores; again, all are duplicates', async () => {
    const events = file('events.json', JSON.stringify(contactEvents(250)));
    const r = await send(['--events', events, '--to', url]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`sent 3 of 3 batches (250 of 250 events) to ${url}`);
    expect(r.out).toContain('the service accepted 250 events: 250 stored, 0 duplicates, 0 ignored');
    expect(r.progress).toBe('');
    expect(await stored(1000, 250)).toHaveLength(250);

    const again = await send(['--events', events, '--to', url]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('the service accepted 250 events: 0 stored, 250 duplicates, 0 ignored');
  });

  it('--now moves the events so the earliest occurs now, gaps kept', async () => {
    const events = file('events.jsonl', contactEvents(3, 500).map((e) => JSON.stringify(e)).join('\n'));
    const r = await send(['--events', events, '--to', url, '--now']);
    expect(r.code).toBe(0);
    const times = (await stored(1500, 3)).map((s) => s.at).sort((a, b) => a - b);
    expect(times).toEqual([NOW, NOW + 60_000, NOW + 120_000]);
    expect(r.out).toContain(`--now: every event moved by ${NOW - (T0 + 500 * 60_000)} ms, the earliest to 2026-12-02T09:00:00.000Z`);
  });

  it('a wrong secret is refused with the reason and exit 1', async () => {
    const events = file('events.json', JSON.stringify(contactEvents(2, 700)));
    const r = await send(['--events', events, '--to', url, '--secret', 'not-the-secret']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('batch 1 (2 events from events[0]) refused: 401 invalid_signature: the HubSpot v3 signature does not match the request');
    expect(r.err).toContain("a 401 means the signature did not match: --to must be the service's PUBLIC_BASE_URL followed by /webhooks/hubspot");
    expect(r.out).toContain('refused: 1 batch (2 events)');
  });
});

// -------------------------------------------------------------------------------------------------
// Doubles: a service that is down once, one that refuses
// -------------------------------------------------------------------------------------------------

describe('send to a double', () => {
  it('retries a 503 and succeeds', async () => {
    let calls = 0;
    const { server, base } = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        calls += 1;
        if (calls === 1) res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'store_unavailable', message: 'retry later', problems: [] } }));
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 5, stored: 4, duplicates: 1, ignored: 0 }));
      });
    });
    try {
      const r = await send(['--events', file('e.json', JSON.stringify([contactEvents(5)])), '--to', `${base}/webhooks/hubspot`]);
      expect(r.code).toBe(0);
      expect(calls).toBe(2);
      expect(r.out).toContain('the service accepted 5 events: 4 stored, 1 duplicate, 0 ignored');
      expect(r.out).toContain('retried: 1 request');
    } finally {
      await close(server);
    }
  });

  it('says how many events the service quarantined', async () => {
    const { server, base } = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 3, stored: 3, duplicates: 0, ignored: 0, quarantined: 2 })));
    });
    try {
      const r = await send(['--events', file('q.json', JSON.stringify([contactEvents(5)])), '--to', `${base}/webhooks/hubspot`]);
      expect(r.code).toBe(0);
      expect(r.out).toContain('the service accepted 3 events: 3 stored, 0 duplicates, 0 ignored, 2 quarantined (GET /api/quarantine)');
    } finally {
      await close(server);
    }
  });

  it('reports a 400 refusal with its reason and exits 1; a TTY gets a progress line', async () => {
    const { server, base } = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        const body = { error: { code: 'invalid_batch', message: 'the body is not a batch', problems: [{ code: 'required', path: ['events', 0, 'occurredAt'], message: 'is required' }] } };
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    const progress: string[] = [];
    try {
      const r = await send(['--events', file('e.json', JSON.stringify(contactEvents(3))), '--to', `${base}/hook`], { progress: { isTTY: true, write: (t) => progress.push(t) } });
      expect(r.code).toBe(1);
      expect(r.err).toBe('batch 1 (3 events from events[0]) refused: 400 invalid_batch: the body is not a batch (events[0].occurredAt: is required)');
      expect(r.out).toContain('sent 0 of 1 batch (0 of 3 events)');
      expect(progress.join('')).toContain('\rsending: 1/1 batches done, 0/3 events sent, 0 retried, 1 failed');
    } finally {
      await close(server);
    }
  });

  it('gives up on a service that is not there, exit 1', async () => {
    const { server, base } = await listen(() => undefined);
    await close(server);
    const r = await send(['--events', file('e.json', JSON.stringify(contactEvents(1))), '--to', `${base}/webhooks/hubspot`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^batch 1 \(1 event from events\[0\]\) given up after 6 tries: cannot connect \(ECONNREFUSED\)$/);
  });
});

// -------------------------------------------------------------------------------------------------
// Bad input and usage
// -------------------------------------------------------------------------------------------------

describe('send: bad input and usage (cli.md)', () => {
  it('lists every problem of the events file with its path, sends nothing, exit 1', async () => {
    const events = file('bad.json', JSON.stringify([raw({ subscriptionType: 'contact.creation', objectId: 1 }), { eventId: 'x' }]));
    const r = await send(['--events', events], { fetch: (() => Promise.reject(new Error('no request expected'))) as typeof fetch });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${events}: events[1].eventId: expected an integer event id`);
    expect(r.err).toMatch(/\d+ problems: nothing was sent/);
  });

  it('an unreadable file, exit 1', async () => {
    const r = await send(['--events', '/nonexistent/events.json']);
    expect(r).toMatchObject({ code: 1, err: '/nonexistent/events.json: no such file or folder' });
  });

  it('says so when there is no secret, exit 1', async () => {
    const r = await send(['--events', file('e.json', JSON.stringify(contactEvents(1)))], { env: {} });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no secret to sign with: pass --secret <s> or set HUBSPOT_CLIENT_SECRET/);
  });

  it.each([
    [['send'], /send needs --events <file>/],
    [['send', '--events', 'e.json', '--rate', '0'], /--rate must be a number of events per second above 0, not "0"/],
    [['send', '--events', 'e.json', '--rate', 'fast'], /--rate must be a number/],
    [['send', '--events', 'e.json', '--to', 'not a url'], /--to must be a URL/],
    [['send', '--events', 'e.json', '--to', 'ftp://127.0.0.1/x'], /--to must be an http or https URL/],
    [['send', '--events', 'e.json', 'extra'], /unexpected argument "extra"/],
  ])('usage error %j: exit 2', async (args, message) => {
    const err: string[] = [];
    const code = await main(args, { out: () => undefined, err: (t) => err.push(t) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('--help prints the options and the default target', async () => {
    const out: string[] = [];
    expect(await main(['send', '--help'], { out: (t) => out.push(t), err: () => undefined })).toBe(0);
    expect(out.join('\n')).toContain("default: npm run dev's, else http://127.0.0.1:3000/webhooks/hubspot");
    expect(out.join('\n')).toContain('.outcome-billing/dev.json in the current folder');
  });
});
