// The HTTP app while the service waits for Redis at start: alive (/healthz), not ready (/readyz 503 with why), every other request 503 so HubSpot retries.
import express from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import { HttpError, errorHandler } from './errors.ts';
import { WEBHOOK_PATH } from './paths.ts';
import { context, requestLog } from './request-log.ts';

/** Seconds a client is asked to wait; HubSpot retries webhooks on its own schedule anyway. */
const RETRY_AFTER_SECONDS = 5;

export interface StartingAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly maxBodyBytes: number;
  /** What the service is waiting for, for /readyz and the refusals: "Redis at redis://…: attempt 3 failed (connection refused)". */
  readonly waitingFor: () => string;
}

export function startingApp(deps: StartingAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestLog(deps.logger, deps.metrics));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    context(res).fields['checks'] = ['redis'];
    res.status(503).json({ status: 'not_ready', checks: { redis: { ok: false, detail: `starting: waiting for ${deps.waitingFor()}` } } });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.contentType).send(await deps.metrics.render());
  });
  app.use((req, res, next) => {
    const ctx = context(res);
    if (req.method === 'POST' && req.path === WEBHOOK_PATH) {
      // Counted and logged as any webhook the store could not take: nothing was read or stored, HubSpot retries.
      ctx.webhook = true;
      ctx.fields['reason'] = 'store_unavailable';
      deps.metrics.webhookRejections.inc({ reason: 'store_unavailable' });
    }
    ctx.fields['cause'] = 'starting';
    next(
      new HttpError(503, 'store_unavailable', `the service is starting and cannot take requests yet: it is waiting for ${deps.waitingFor()}; retry later`, {
        headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      }),
    );
  });
  app.use(errorHandler(deps.maxBodyBytes));
  return app;
}
