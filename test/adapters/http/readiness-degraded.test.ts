// Issue 10: /readyz's degraded state: ready (200) with status "degraded" when a check says so; not ready still wins.
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { operations } from '../../../src/adapters/http/operations.ts';
import type { ReadinessCheck } from '../../../src/adapters/http/operations.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';

function appWith(result: { ok: boolean; checks: Record<string, ReadinessCheck> }) {
  const app = express();
  app.use((_req, res, next) => {
    res.locals['ctx'] = { fields: {}, webhook: false };
    next();
  });
  app.use(operations({ ready: async () => result }, createMetrics({ defaultMetrics: false })));
  return app;
}

describe('GET /readyz degraded', () => {
  it('answers 200 "degraded" with the check and its count', async () => {
    const checks = { redis: { ok: true }, verification: { ok: true, degraded: true, count: 2, detail: '2 outcome(s) settled billable on signals alone' } };
    const res = await request(appWith({ ok: true, checks })).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'degraded', checks });
  });

  it('answers 200 "ready" when no check is degraded, and 503 "not_ready" when one fails, degraded or not', async () => {
    expect((await request(appWith({ ok: true, checks: { redis: { ok: true }, verification: { ok: true, count: 0 } } })).get('/readyz')).body.status).toBe('ready');
    const down = await request(appWith({ ok: false, checks: { redis: { ok: false }, verification: { ok: true, degraded: true, count: 1 } } })).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
  });
});
