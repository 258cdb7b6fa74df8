// Operations endpoints: liveness, readiness (with a time limit, and a degraded state that stays ready) and Prometheus metrics.
import express from 'express';
import type { Metrics } from '../metrics/metrics.ts';
import { context } from './request-log.ts';

export interface ReadinessCheck {
  readonly ok: boolean;
  /** Working, but not as it should: the service stays ready (200) and /readyz says `degraded`. */
  readonly degraded?: boolean;
  /** How many of what the check counts (e.g. unverified settlements in its window). */
  readonly count?: number;
  readonly detail?: string;
}

export interface HealthProbe {
  /** Whether the service can do its work now: Redis reachable, workers making progress. */
  ready(): Promise<{ ok: boolean; checks: Record<string, ReadinessCheck> }>;
}

/** A probe that cannot answer in time is as good as a failed one; orchestrators time out at about this. */
const READY_TIMEOUT_MS = 3_000;

export function operations(health: HealthProbe, metrics: Metrics): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      const { ok, checks } = await withTimeout(health.ready(), READY_TIMEOUT_MS);
      if (!ok) context(res).fields['checks'] = failedChecks(checks);
      // Degraded is still ready: taking webhooks stays right, and an orchestrator must not stop the deliveries for it.
      const degraded = Object.values(checks).some((c) => c.degraded === true);
      res.status(ok ? 200 : 503).json({ status: ok ? (degraded ? 'degraded' : 'ready') : 'not_ready', checks });
    } catch (error) {
      context(res).fields['err'] = error;
      res.status(503).json({ status: 'not_ready', checks: {}, message: 'the readiness check itself failed' });
    }
  });
  router.get('/metrics', async (_req, res) => {
    const text = await metrics.render();
    res.set('Content-Type', metrics.contentType).send(text);
  });
  return router;
}

function failedChecks(checks: Record<string, ReadinessCheck>): string[] {
  return Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
