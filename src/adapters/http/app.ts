// The HTTP edge: HubSpot's webhook receiver, the read API, health and metrics, every answer JSON and logged once.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseJsonText } from '../json-text.ts';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { IngestBatchResult, SignalBatch } from '../../app/ingest-batch.ts';
import { StoreUnavailableError } from '../../app/ports.ts';
import type { OutcomeReader, ReadError } from '../../app/read-outcomes.ts';
import type { Config } from '../../config/env.ts';
import { formatPath } from '../../core/problems.ts';
import { readWebhookBatch } from '../hubspot/webhook-batch.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyHubSpotV3 } from './hubspot-signature.ts';

export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface HealthProbe {
  /** Whether the service can do its work now: Redis reachable, workers making progress. */
  ready(): Promise<{ ok: boolean; checks: Record<string, ReadinessCheck> }>;
}

export interface HttpAppDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'adminToken' | 'maxBodyBytes'>;
  /** Stores a delivery the receiver has checked and mapped (the ingest use case). */
  readonly ingest: (batch: SignalBatch) => Promise<IngestBatchResult>;
  readonly reader: OutcomeReader;
  readonly health: HealthProbe;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Epoch ms: signature windows and event storage use it, so tests can fix it. */
  readonly clock: () => number;
}

export const WEBHOOK_PATH = '/webhooks/hubspot';
/** A probe that cannot answer in time is as good as a failed one; orchestrators time out at about this. */
const READY_TIMEOUT_MS = 3_000;
/** Seconds HubSpot is asked to wait after a 503; it retries on its own schedule anyway. */
const RETRY_AFTER_SECONDS = 5;

/** What the one log line of a request carries besides method, path, status and duration. */
type LogFields = Record<string, unknown>;

interface RequestContext {
  readonly fields: LogFields;
  webhook: boolean;
}

function context(res: Response): RequestContext {
  return res.locals['ctx'] as RequestContext;
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { config, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use(requestLog(logger, metrics));

  // ---------------------------------------------------------------------------------------------
  // Webhook receiver
  // ---------------------------------------------------------------------------------------------

  const rawBody = express.raw({ type: () => true, limit: config.maxBodyBytes });
  app.post(
    WEBHOOK_PATH,
    (_req, res, next) => {
      context(res).webhook = true;
      next();
    },
    rawBody,
    async (req, res) => {
      const ctx = context(res);
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      ctx.fields['bytes'] = body.length;
      const now = deps.clock();

      const check = verifyHubSpotV3({
        method: req.method,
        url: config.publicBaseUrl + req.originalUrl,
        rawBody: body,
        signature: req.get(SIGNATURE_HEADER),
        timestamp: req.get(TIMESTAMP_HEADER),
        secret: config.hubspotClientSecret,
        now,
      });
      if (!check.ok) {
        reject(res, `invalid_signature:${check.reason}`);
        res.status(401).json({ error: 'invalid_signature', reason: check.reason });
        return;
      }

      const parsed = parseJson(body);
      if (!parsed.ok) {
        reject(res, 'invalid_json');
        res.status(400).json({ error: 'invalid_json', message: parsed.message });
        return;
      }
      const received = Array.isArray(parsed.value) ? parsed.value.length : 0;
      ctx.fields['events'] = received;
      // Known before validation so that a refused batch is still traceable to its account.
      const portalId = Array.isArray(parsed.value) ? (parsed.value[0] as { portalId?: unknown } | undefined)?.portalId : undefined;
      if (typeof portalId === 'number') ctx.fields['portalId'] = portalId;
      if (received > 0) metrics.webhookEvents.inc({ result: 'received' }, received);

      const reading = readWebhookBatch(parsed.value);
      if (!reading.ok) {
        reject(res, 'invalid_batch', received);
        // Paths only: a problem's message may quote a value.
        ctx.fields['problems'] = reading.problems.length;
        ctx.fields['problemPaths'] = reading.problems.slice(0, 5).map((p) => formatPath(p.path));
        res.status(400).json({ error: 'invalid_batch', problems: reading.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) });
        return;
      }

      let result: IngestBatchResult;
      try {
        result = await deps.ingest(reading.batch);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        reject(res, 'store_unavailable', received);
        ctx.fields['cause'] = error.message.slice(0, 300);
        res.set('Retry-After', String(RETRY_AFTER_SECONDS));
        res.status(503).json({ error: 'store_unavailable', message: 'the event store cannot take the events now: retry later' });
        return;
      }

      const accepted = result.events - result.ignored.length;
      if (accepted > 0) metrics.webhookEvents.inc({ result: 'accepted' }, accepted);
      if (result.duplicates > 0) metrics.webhookEvents.inc({ result: 'duplicate' }, result.duplicates);
      const ignoredByReason: Record<string, number> = {};
      for (const e of result.ignored) ignoredByReason[e.reason] = (ignoredByReason[e.reason] ?? 0) + 1;
      for (const [reason, n] of Object.entries(ignoredByReason)) metrics.webhookEvents.inc({ result: 'ignored', reason }, n);
      Object.assign(ctx.fields, {
        portalId: result.portalId,
        accepted,
        stored: result.stored,
        duplicates: result.duplicates,
        ignored: result.ignored.length,
        ...(result.ignored.length > 0 ? { ignoredReasons: ignoredByReason } : {}),
      });
      res.status(200).json({ accepted, stored: result.stored, duplicates: result.duplicates, ignored: result.ignored.length });
    },
  );
  app.all(WEBHOOK_PATH, (_req, res) => {
    res.set('Allow', 'POST').status(405).json({ error: 'method_not_allowed', message: `${WEBHOOK_PATH} takes POST only` });
  });

  /** Counts a refused webhook request, and its events when they could be counted. */
  function reject(res: Response, reason: string, events = 0): void {
    metrics.webhookRejections.inc({ reason });
    const top = reason.split(':')[0] ?? reason;
    if (events > 0) metrics.webhookEvents.inc({ result: 'rejected', reason: top }, events);
    context(res).fields['reason'] = reason;
  }

  // ---------------------------------------------------------------------------------------------
  // Read API
  // ---------------------------------------------------------------------------------------------

  const api = express.Router();
  api.use(bearerAuth(config.adminToken));
  api.get('/outcomes', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if (!portal.ok) return sendReadError(res, portal.error);
    const objectType = single(req.query['objectType'], 'objectType');
    if (!objectType.ok) return sendReadError(res, objectType.error);
    const recordId = single(req.query['recordId'], 'recordId');
    if (!recordId.ok) return sendReadError(res, recordId.error);
    const found = await deps.reader.forRecord({ objectType: objectType.value, recordId: recordId.value, portalId: portal.value });
    if (!found.ok) return sendReadError(res, found.error);
    context(res).fields['outcomes'] = found.value.length;
    res.json({ outcomes: found.value });
  });
  api.get('/outcomes/:outcomeId', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if (!portal.ok) return sendReadError(res, portal.error);
    const found = await deps.reader.byId(String(req.params['outcomeId']), portal.value);
    if (!found.ok) return sendReadError(res, found.error);
    res.json(found.value);
  });
  app.use('/api', api);

  // ---------------------------------------------------------------------------------------------
  // Operations
  // ---------------------------------------------------------------------------------------------

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      const { ok, checks } = await withTimeout(deps.health.ready(), READY_TIMEOUT_MS);
      if (!ok) context(res).fields['checks'] = failedChecks(checks);
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
    } catch (error) {
      context(res).fields['err'] = error;
      res.status(503).json({ status: 'not_ready', checks: {}, message: 'the readiness check itself failed' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    const text = await metrics.render();
    res.set('Content-Type', metrics.contentType).send(text);
  });

  // ---------------------------------------------------------------------------------------------
  // Fallbacks: never an HTML page
  // ---------------------------------------------------------------------------------------------

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: `no route ${req.method} ${req.path}` });
  });

  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const ctx = context(res);
    const failure = httpFailure(error);
    if (failure !== null && failure.type === 'entity.too.large') {
      if (ctx.webhook) reject(res, 'payload_too_large');
      res.status(413).json({
        error: 'payload_too_large',
        message: `the body exceeds ${config.maxBodyBytes} bytes`,
        limitBytes: config.maxBodyBytes,
      });
      return;
    }
    if (failure !== null && failure.status >= 400 && failure.status < 500) {
      // Client-side faults raised by express or the body reader: an unsupported encoding, an aborted upload, a bad escape.
      if (ctx.webhook) reject(res, failure.type ?? 'bad_request');
      ctx.fields['cause'] = failure.type ?? failure.message;
      const code = failure.status === 415 ? 'unsupported_media_type' : 'bad_request';
      res.status(failure.status).json({ error: code, message: failure.message });
      return;
    }
    if (ctx.webhook) reject(res, 'internal');
    // Logged by the request line (at error level, with the stack): one line per answer.
    ctx.fields['err'] = error;
    res.status(500).json({ error: 'internal' });
  });

  return app;
}

// -------------------------------------------------------------------------------------------------
// Request log and request metrics
// -------------------------------------------------------------------------------------------------

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One line per answer, written when it is finished (or the client went away). It never logs
 * headers, the query string or bodies: signatures, tokens and property values stay out.
 */
function requestLog(logger: Logger, metrics: Metrics) {
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

// -------------------------------------------------------------------------------------------------
// Read API helpers
// -------------------------------------------------------------------------------------------------

const digestOf = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Bearer auth in constant time: both sides are hashed first, so neither the length nor a prefix leaks. */
function bearerAuth(token: string) {
  const expected = digestOf(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const given = match?.[1];
    if (given === undefined) {
      context(res).fields['auth'] = header === undefined ? 'missing' : 'malformed';
      res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'unauthorized' });
      return;
    }
    if (!timingSafeEqual(digestOf(given), expected)) {
      context(res).fields['auth'] = 'wrong_token';
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"').status(401).json({ error: 'unauthorized' });
      return;
    }
    // Ledger data behind a token: no cache may keep it.
    res.set('Cache-Control', 'no-store');
    next();
  };
}

type Param<T> = { ok: true; value: T } | { ok: false; error: ReadError };

function single(value: unknown, name: string): Param<string | undefined> {
  if (value === undefined || typeof value === 'string') return { ok: true, value };
  return { ok: false, error: { code: 'bad_request', path: name, message: 'must be given once, as text' } };
}

function portalParam(value: unknown): Param<number | undefined> {
  const text = single(value, 'portalId');
  if (!text.ok || text.value === undefined) return text as Param<undefined>;
  const n = /^\d{1,15}$/.test(text.value) ? Number(text.value) : Number.NaN;
  if (!Number.isSafeInteger(n)) return { ok: false, error: { code: 'bad_request', path: 'portalId', message: 'must be a HubSpot portal id (digits)' } };
  return { ok: true, value: n };
}

function sendReadError(res: Response, error: ReadError): void {
  const status = error.code === 'not_found' ? 404 : 400;
  context(res).fields['error'] = error.code;
  res.status(status).json({ error: error.code, path: error.path, message: error.message });
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

// -------------------------------------------------------------------------------------------------
// Errors raised by express and the body reader
// -------------------------------------------------------------------------------------------------

function httpFailure(error: unknown): { status: number; type: string | undefined; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown; expose?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status === null) return null;
  return {
    status,
    type: typeof e.type === 'string' ? e.type : undefined,
    message: e.expose === true && typeof e.message === 'string' ? e.message : 'the request could not be read',
  };
}

// -------------------------------------------------------------------------------------------------
// JSON body
// -------------------------------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  if (body.length === 0) return { ok: false, message: 'the body is empty: expected a JSON array of HubSpot webhook events' };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: 'the body is not UTF-8 text' };
  }
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed;
  const at = parsed.error;
  return { ok: false, message: `invalid JSON at line ${at.line}, column ${at.column} (position ${at.position}): ${at.message}` };
}

