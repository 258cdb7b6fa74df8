// One log line per answer, and the fields a route adds to it as it goes (res.locals), with the webhook request counter.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';

/** What the one log line of a request carries besides method, path, status and duration. */
export type LogFields = Record<string, unknown>;

export interface RequestContext {
  readonly fields: LogFields;
  /** A POST to the webhook path: its answers are counted in the webhook metrics. */
  webhook: boolean;
}

/** The request's context; requestLog puts it in place before any route runs. */
export function context(res: Response): RequestContext {
  return res.locals['ctx'] as RequestContext;
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One line per answer, written when it is finished (or the client went away). It never logs
 * headers, the query string or bodies: signatures, tokens and property values stay out.
 */
export function requestLog(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const ctx: RequestContext = { fields: {}, webhook: false };
    res.locals['ctx'] = ctx;
    const path = req.path.length > 200 ? `${req.path.slice(0, 200)}…` : req.path;
    let logged = false;
    const done = (aborted: boolean) => {
      if (logged) return;
      logged = true;
      const status = aborted ? 499 : res.statusCode;
      if (ctx.webhook) metrics.webhookRequests.inc({ status: String(status) });
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { method: req.method, path, status, durationMs: Math.round(durationMs * 100) / 100, ...ctx.fields };
      if (aborted) logger.warn(line, 'client closed the connection before the answer');
      else if (status >= 500) logger.error(line, 'answered');
      else if (status >= 400) logger.warn(line, 'answered');
      else if (QUIET_PATHS.has(req.path)) logger.debug(line, 'answered');
      else logger.info(line, 'answered');
    };
    res.on('finish', () => done(false));
    res.on('close', () => done(!res.writableFinished));
    next();
  };
}
