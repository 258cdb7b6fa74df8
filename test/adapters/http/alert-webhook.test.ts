// The alert webhook's request: Slack-compatible `text` with the alert's fields, an HMAC-SHA256 signature a receiver can check, the alert id as idempotency key; what is retried.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDelivery } from '../../../src/app/alert-ports.ts';
import { createAlertWebhook, signAlert } from '../../../src/adapters/http/alert-webhook.ts';

const delivery: AlertDelivery = {
  portalId: 42, alertId: '42:spend:2026-11:75', attempts: 2, announced: true,
  alert: { criteriaId: 'spend', period: '2026-11', threshold: 75, chargeMinor: 37_550n, expectedMinor: 50_000n, currency: 'USD', firedAt: Date.parse('2026-11-20T10:00:00Z') },
};

describe('alert webhook', () => {
  let server: Server;
  let url: string;
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs text and fields, signed over the timestamp and the exact body, with the alert id as idempotency key', async () => {
    const hook = createAlertWebhook({ url, secret: 'k'.repeat(16), clock: () => 1_700_000_000_000 });
    expect(await hook.post(delivery)).toEqual({ ok: true });
    const { headers, body } = seen.at(-1)!;
    expect(headers['idempotency-key']).toBe('42:spend:2026-11:75');
    expect(headers['x-ob-alert-attempt']).toBe('2');
    expect(headers['x-ob-timestamp']).toBe('1700000000000');
    expect(headers['x-ob-signature']).toBe(signAlert('k'.repeat(16), '1700000000000', body));
    expect(headers['x-ob-signature']).not.toBe(signAlert('k'.repeat(16), '1700000000001', body));
    expect(JSON.parse(body)).toEqual({
      text: 'Budget alert: spend reached 75 % of its expected 500.00 USD for 2026-11 (charge 375.50 USD, portal 42).',
      alertId: '42:spend:2026-11:75', portalId: 42, criteriaId: 'spend', period: '2026-11', threshold: 75,
      charge: '375.50', expected: '500.00', currency: 'USD', firedAt: '2026-11-20T10:00:00.000Z', attempt: 2,
    });
  });

  it('retries 5xx, 429 and 408 and an unreachable receiver; another 4xx is final', async () => {
    const hook = createAlertWebhook({ url, secret: 'k'.repeat(16), clock: Date.now });
    for (const [code, retry] of [[503, true], [429, true], [408, true], [400, false], [404, false]] as const) {
      status = code;
      expect(await hook.post(delivery)).toEqual({ ok: false, retry, error: `HTTP ${code}` });
    }
    status = 200;
    const down = createAlertWebhook({ url: 'http://127.0.0.1:1/hook', secret: 'k'.repeat(16), clock: Date.now });
    expect(await down.post(delivery)).toMatchObject({ ok: false, retry: true });
  });
});
