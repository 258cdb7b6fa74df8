// Sending recorded webhook events as HubSpot does, on a fake fetch and clock: batching, signing, pacing, retries, concurrency, tallies.
import { describe, expect, it } from 'vitest';
import { TIMESTAMP_HEADER, SIGNATURE_HEADER, verifyHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';
import { readAnswer } from '../../../src/adapters/hubspot/webhook-answers.ts';
import { shiftToNow, toDeliveries } from '../../../src/adapters/hubspot/webhook-deliveries.ts';
import type { Delivery } from '../../../src/adapters/hubspot/webhook-deliveries.ts';
import type { HubSpotWebhookEvent } from '../../../src/adapters/hubspot/webhook-events.ts';
import { sendDeliveries } from '../../../src/adapters/hubspot/webhook-sender.ts';
import type { SendOptions } from '../../../src/adapters/hubspot/webhook-sender.ts';
import { parsed } from './webhook-fixtures.ts';

const URL_ = 'http://127.0.0.1:3000/webhooks/hubspot';
const SECRET = 'client-secret-for-tests-0001';
const T0 = Date.parse('2026-11-03T12:00:00Z');

const events = (n: number, fields: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => parsed({ subscriptionType: 'contact.propertyChange', objectId: 100 + i, propertyName: 'email', propertyValue: 'x', occurredAt: T0 + i * 1000, ...fields }));
const loose = (list: readonly HubSpotWebhookEvent[]) => toDeliveries(list, list.map((_, i) => ['events', i]));

describe('toDeliveries', () => {
  it('cuts loose events into deliveries of at most 100, in file order', () => {
    const list = events(250);
    const d = loose(list);
    expect(d.map((x) => x.events.length)).toEqual([100, 100, 50]);
    expect(d.flatMap((x) => x.events)).toEqual(list);
    expect(d.map((x) => x.from)).toEqual([['events', 0], ['events', 100], ['events', 200]]);
  });

  it("keeps the file's own batches, splits one above 100, and never mixes portals", () => {
    const list = [...events(3), ...events(150), ...events(2), ...events(2, { portalId: 99 })];
    const locations = [
      ...[0, 1, 2].map((j) => ['events', 0, j]),
      ...Array.from({ length: 150 }, (_, j) => ['events', 1, j]),
      ['events', 2],
      ['events', 3],
      ['events', 4],
      ['events', 5],
    ];
    expect(toDeliveries(list, locations).map((x) => [x.events.length, x.from])).toEqual([
      [3, ['events', 0, 0]],
      [100, ['events', 1, 0]],
      [50, ['events', 1, 100]],
      [2, ['events', 2]],
      [2, ['events', 4]],
    ]);
  });

  it('reads JSON Lines locations: a line holding an array is a batch', () => {
    const list = events(4);
    const d = toDeliveries(list, [['line 1', 0], ['line 1', 1], ['line 2'], ['line 3']]);
    expect(d.map((x) => x.events.length)).toEqual([2, 2]);
  });
});

describe('shiftToNow', () => {
  it('moves the earliest event to now and keeps every gap', () => {
    const list = [parsed({ subscriptionType: 'contact.creation', objectId: 1, occurredAt: T0 + 5000 }), parsed({ subscriptionType: 'contact.creation', objectId: 2, occurredAt: T0 })];
    const now = T0 + 86_400_000;
    const shifted = shiftToNow(loose(list), now).flatMap((d) => d.events.map((e) => e.occurredAt));
    expect(shifted).toEqual([now + 5000, now]);
  });
});

// -------------------------------------------------------------------------------------------------
// A fake network on virtual time: the clock moves only when the sender sleeps
// -------------------------------------------------------------------------------------------------

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

function harness(replies: (call: number, body: HubSpotWebhookEvent[]) => Reply | Promise<Reply>) {
  let clock = T0;
  const calls: { at: number; events: number; headers: Record<string, string>; body: string }[] = [];
  const sleeps: number[] = [];
  const timers: { at: number; resolve: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deps = {
    clock: () => clock,
    // Virtual time: each sleep is a timer, and the earliest timer fires first, moving the clock to it.
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        sleeps.push(ms);
        timers.push({ at: clock + ms, resolve });
        setImmediate(() => {
          timers.sort((a, b) => a.at - b.at);
          const timer = timers.shift();
          if (timer === undefined) return;
          clock = Math.max(clock, timer.at);
          timer.resolve();
        });
      }),
    fetch: (async (_url: string, init: RequestInit) => {
      const body = String(init.body);
      const headers = init.headers as Record<string, string>;
      calls.push({ at: clock, events: (JSON.parse(body) as unknown[]).length, headers, body });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        const reply = await replies(calls.length, JSON.parse(body) as HubSpotWebhookEvent[]);
        if (reply instanceof Error) throw reply;
        return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
      } finally {
        inFlight -= 1;
      }
    }) as typeof fetch,
  };
  const send = (deliveries: readonly Delivery[], options: Partial<SendOptions> = {}) => sendDeliveries(deliveries, { url: URL_, secret: SECRET, ...options }, deps);
  return { deps, calls, sleeps, send, maxInFlight: () => maxInFlight };
}

const ok = (_call: number, body: HubSpotWebhookEvent[]): Reply => ({ status: 200, body: { accepted: body.length, stored: body.length, duplicates: 0, ignored: 0 } });
const refused = (err: unknown = new Error('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })) => err as Error;

describe('sendDeliveries', () => {
  it('signs every request with the v3 signature over the target URL, body and timestamp', async () => {
    const h = harness(ok);
    const tally = await h.send(loose(events(250)));
    expect(tally).toMatchObject({ deliveries: 3, events: 250, sentDeliveries: 3, sentEvents: 250, accepted: 250, stored: 250, retries: 0, refused: [], gaveUp: [] });
    for (const call of h.calls) {
      const check = verifyHubSpotV3({ method: 'POST', url: URL_, rawBody: call.body, signature: call.headers[SIGNATURE_HEADER], timestamp: call.headers[TIMESTAMP_HEADER], secret: SECRET, now: T0 });
      expect(check).toEqual({ ok: true });
    }
  });

  it('retries a 503 and a refused connection with doubling backoff, honouring Retry-After', async () => {
    const h = harness((call, body) => (call === 1 ? { status: 503, body: { error: { code: 'store_unavailable', message: 'retry later', problems: [] } }, headers: { 'retry-after': '5' } } : call === 2 ? refused() : ok(call, body)));
    const tally = await h.send(loose(events(10)));
    expect(tally).toMatchObject({ sentDeliveries: 1, accepted: 10, retries: 2, refused: [], gaveUp: [] });
    expect(h.sleeps).toEqual([5000, 1000]);
    // Each try is signed anew: a retry's timestamp is its own.
    expect(h.calls.map((c) => c.headers[TIMESTAMP_HEADER])).toEqual([String(T0), String(T0 + 5000), String(T0 + 6000)]);
  });

  it('gives up after 6 tries, the waits doubling up to the cap', async () => {
    const h = harness(() => refused());
    const tally = await h.send(loose(events(3)), { maxBackoffMs: 4000 });
    expect(h.sleeps).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(tally.gaveUp).toEqual([{ delivery: 1, events: 3, from: ['events', 0], status: null, reason: 'cannot connect (ECONNREFUSED)', tries: 6 }]);
    expect(tally).toMatchObject({ sentDeliveries: 0, retries: 5 });
  });

  it('retries a 429 and gives up on a 500 that lasts', async () => {
    const h = harness((call, body) => (call === 1 ? { status: 429 } : call < 8 ? { status: 500, body: 'boom' } : ok(call, body)));
    const tally = await h.send(loose(events(1)));
    expect(tally.gaveUp.map((f) => [f.status, f.reason, f.tries])).toEqual([[500, '500: "boom"', 6]]);
  });

  it('does not retry a 4xx refusal, and reports the reason from the error body', async () => {
    const problems = [0, 1, 2, 3].map((i) => ({ code: 'required', path: ['events', i, 'occurredAt'], message: 'is required' }));
    const h = harness((call, body) => (call === 2 ? { status: 400, body: { error: { code: 'invalid_batch', message: 'not a batch', problems } } } : ok(call, body)));
    const tally = await h.send(loose(events(150)), { concurrency: 1 });
    expect(h.calls).toHaveLength(2);
    expect(tally.refused).toEqual([
      {
        delivery: 2,
        events: 50,
        from: ['events', 100],
        status: 400,
        reason: '400 invalid_batch: not a batch (events[0].occurredAt: is required; events[1].occurredAt: is required; events[2].occurredAt: is required; 1 more)',
        tries: 1,
      },
    ]);
    expect(tally).toMatchObject({ sentDeliveries: 1, sentEvents: 100, retries: 0 });
  });

  it('keeps at most 10 requests in flight', async () => {
    const h = harness(ok);
    const tally = await h.send(loose(events(3000)));
    expect(tally.sentDeliveries).toBe(30);
    expect(h.maxInFlight()).toBe(10);
  });

  it('paces deliveries by their events with --rate', async () => {
    const h = harness(ok);
    await h.send(loose(events(250)), { ratePerSecond: 50 });
    // 100 events at 50/s take 2 s: the second delivery starts then, the third 2 s later.
    expect(h.calls.map((c) => c.at - T0)).toEqual([0, 2000, 4000]);
  });

  it('tallies the service counts from its 200 answers, and reports progress', async () => {
    const seen: number[] = [];
    const h = harness((_call, body) => ({ status: 200, body: { accepted: body.length - 1, stored: body.length - 3, duplicates: 2, ignored: 1 } }));
    const tally = await h.send(loose(events(120)), { onProgress: (t) => seen.push(t.sentDeliveries) });
    expect(tally).toMatchObject({ accepted: 118, stored: 114, duplicates: 4, ignored: 2 });
    expect(seen.sort()).toEqual([1, 2]);
  });
});

describe('readAnswer', () => {
  it('reads a refusal without the service body as its status and text', () => {
    expect(readAnswer(404, null, '<html>Not   Found</html>')).toEqual({ kind: 'refused', status: 404, reason: '404: <html>Not Found</html>' });
    expect(readAnswer(302, null, '')).toEqual({ kind: 'refused', status: 302, reason: '302' });
  });

  it('keeps a 2xx whose body is not the service counts as accepted, without counts', () => {
    expect(readAnswer(204, null, '')).toEqual({ kind: 'accepted', status: 204, counts: null });
  });

  it('reads the quarantined count of a receiver that says it, 0 from one that does not', () => {
    const said = readAnswer(200, null, JSON.stringify({ accepted: 2, stored: 2, duplicates: 0, ignored: 0, quarantined: 3 }));
    expect(said).toEqual({ kind: 'accepted', status: 200, counts: { accepted: 2, stored: 2, duplicates: 0, ignored: 0, quarantined: 3 } });
    const older = readAnswer(200, null, JSON.stringify({ accepted: 2, stored: 2, duplicates: 0, ignored: 0 }));
    expect(older).toMatchObject({ counts: { quarantined: 0 } });
  });
});
