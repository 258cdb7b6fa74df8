// HubSpot's webhook receiver: a signed delivery checked, mapped and stored (its bad events quarantined) before the answer, every refusal counted.
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { IngestBatchResult, SignalBatch } from '../../app/ingest-batch.ts';
import { StoreUnavailableError } from '../../app/ports.ts';
import { DEFAULT_MAX_BATCH_EVENTS } from '../../config/env.ts';
import type { Config } from '../../config/env.ts';
import { formatPath } from '../../core/problems.ts';
import { readWebhookBatch } from '../hubspot/webhook-batch.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { HttpError, httpFailure } from './errors.ts';
import { InvalidSignatureError, hubspotSigned, signedRequest } from './hubspot-signed.ts';
import { parseJsonBody } from './json-body.ts';
import { WEBHOOK_PATH } from './paths.ts';
import { context } from './request-log.ts';

export { WEBHOOK_PATH } from './paths.ts';
/** Seconds HubSpot is asked to wait after a 503; it retries on its own schedule anyway. */
const RETRY_AFTER_SECONDS = 5;

export interface WebhookReceiverDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'maxBodyBytes'> & Partial<Pick<Config, 'maxBatchEvents'>>;
  readonly ingest: (batch: SignalBatch) => Promise<IngestBatchResult>;
  readonly metrics: Metrics;
  readonly clock: () => number;
}

export function webhookReceiver(deps: WebhookReceiverDeps): express.Router {
  const { config, metrics } = deps;
  const router = express.Router();
  const signed = hubspotSigned({
    publicBaseUrl: config.publicBaseUrl,
    secret: config.hubspotClientSecret,
    clock: deps.clock,
    maxBodyBytes: config.maxBodyBytes,
    caller: 'webhook',
  });
  const markWebhook = (_req: Request, res: Response, next: NextFunction) => {
    context(res).webhook = true;
    next();
  };
  router.post(WEBHOOK_PATH, markWebhook, signed, (_req, res) => receive(deps, res));
  router.all(WEBHOOK_PATH, () => {
    throw new HttpError(405, 'method_not_allowed', `${WEBHOOK_PATH} takes POST only`, { headers: { Allow: 'POST' } });
  });
  // Refusals the route did not count itself (a signature, a body too large, a broken upload, a bug)
  // are counted here; the app's error handler answers them all.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const ctx = context(res);
    if (ctx.webhook && ctx.fields['reason'] === undefined && !res.headersSent) {
      if (Buffer.isBuffer(req.body)) ctx.fields['bytes'] = req.body.length;
      reject(metrics, res, rejectionReason(error));
    }
    next(error);
  });
  return router;
}

function rejectionReason(error: unknown): string {
  if (error instanceof InvalidSignatureError) return `invalid_signature:${error.failure}`;
  // A signed body that cannot be decoded (hubspotSigned's own refusals after the check).
  if (error instanceof HttpError && error.status < 500) return error.code;
  const failure = httpFailure(error);
  if (failure?.type === 'entity.too.large') return 'payload_too_large';
  if (failure !== null && failure.status >= 400 && failure.status < 500) return failure.type ?? 'bad_request';
  return 'internal';
}

async function receive(deps: WebhookReceiverDeps, res: Response): Promise<void> {
  const { metrics } = deps;
  const ctx = context(res);
  const { body } = signedRequest(res);
  ctx.fields['bytes'] = body.length;
  const parsed = parseJsonBody(body);
  if (!parsed.ok) {
    reject(metrics, res, 'invalid_json');
    throw new HttpError(400, 'invalid_json', parsed.message);
  }
  const received = countReceived(metrics, res, parsed.value);
  const max = deps.config.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
  if (received > max) {
    // One store call takes the whole delivery: an oversized one would hold Redis up for every other client.
    reject(metrics, res, 'too_many_events', received);
    throw new HttpError(413, 'payload_too_large', `the delivery holds ${received} events, more than ${max}: nothing of it was stored`, {
      problems: [{ code: 'too_big', path: ['events'], message: `must hold at most ${max} events (MAX_BATCH_EVENTS)` }],
    });
  }
  const reading = readWebhookBatch(parsed.value, { now: deps.clock() });
  if (!reading.ok) {
    reject(metrics, res, 'invalid_batch', received);
    // Paths only: a problem's message may quote a value.
    ctx.fields['problemPaths'] = reading.problems.slice(0, 5).map((p) => formatPath(p.path));
    throw new HttpError(400, 'invalid_batch', 'the body is not a batch of HubSpot webhook events: nothing of it was stored', { problems: reading.problems });
  }
  let result: IngestBatchResult;
  try {
    result = await deps.ingest(reading.batch);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    reject(metrics, res, 'store_unavailable', received);
    ctx.fields['cause'] = error.message.slice(0, 300);
    throw new HttpError(503, 'store_unavailable', 'the event store cannot take the events now: retry later', {
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  res.status(200).json(accepted(metrics, res, result));
}

/** Logs and counts the events of a JSON array before validation, so a refused delivery is still traceable to its account. */
function countReceived(metrics: Metrics, res: Response, value: unknown): number {
  const ctx = context(res);
  const received = Array.isArray(value) ? value.length : 0;
  ctx.fields['events'] = received;
  const portalId = Array.isArray(value) ? (value[0] as { portalId?: unknown } | undefined)?.portalId : undefined;
  if (typeof portalId === 'number') ctx.fields['portalId'] = portalId;
  if (received > 0) metrics.webhookEvents.inc({ result: 'received' }, received);
  return received;
}

/** Counts and logs a stored delivery; the answer HubSpot gets. */
function accepted(metrics: Metrics, res: Response, result: IngestBatchResult) {
  const accepted = result.events - result.ignored.length - result.quarantined.length;
  if (accepted > 0) metrics.webhookEvents.inc({ result: 'accepted' }, accepted);
  if (result.duplicates > 0) metrics.webhookEvents.inc({ result: 'duplicate' }, result.duplicates);
  const ignoredByReason = countByReason(result.ignored);
  for (const [reason, n] of Object.entries(ignoredByReason)) metrics.webhookEvents.inc({ result: 'ignored', reason }, n);
  const quarantinedByReason = countByReason(result.quarantined);
  for (const [reason, n] of Object.entries(quarantinedByReason)) metrics.webhookEvents.inc({ result: 'quarantined', reason }, n);
  Object.assign(context(res).fields, {
    portalId: result.portalId,
    accepted,
    stored: result.stored,
    duplicates: result.duplicates,
    ignored: result.ignored.length,
    ...(result.ignored.length > 0 ? { ignoredReasons: ignoredByReason } : {}),
    quarantined: result.quarantined.length,
    // Reasons and paths only: a problem's message may quote a value.
    ...(result.quarantined.length > 0
      ? { quarantinedReasons: quarantinedByReason, quarantinedPaths: result.quarantined.slice(0, 5).flatMap((q) => q.problems.slice(0, 2).map((p) => formatPath(['events', q.index ?? '?', ...p.path]))) }
      : {}),
  });
  return { accepted, stored: result.stored, duplicates: result.duplicates, ignored: result.ignored.length, quarantined: result.quarantined.length };
}

function countByReason(items: readonly { readonly reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of items) counts[e.reason] = (counts[e.reason] ?? 0) + 1;
  return counts;
}

/** Counts a refused webhook request, and its events when they could be counted. */
function reject(metrics: Metrics, res: Response, reason: string, events = 0): void {
  metrics.webhookRejections.inc({ reason });
  const top = reason.split(':')[0] ?? reason;
  if (events > 0) metrics.webhookEvents.inc({ result: 'rejected', reason: top }, events);
  context(res).fields['reason'] = reason;
}

