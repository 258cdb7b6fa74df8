// Posts webhook deliveries to a receiver as HubSpot does: v3-signed, a few at a time, paced, retried with backoff, every answer tallied.
import type { ProblemPath } from '../../core/problems.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../http/hubspot-signature.ts';
import { readAnswer } from './webhook-answers.ts';
import type { Answer } from './webhook-answers.ts';
import type { Delivery } from './webhook-deliveries.ts';

export interface SenderDeps {
  readonly fetch: typeof fetch;
  /** Epoch ms: signs each request's timestamp and paces the deliveries. */
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface SendOptions {
  /** The receiver's URL, which is also the URL signed: it must be the service's PUBLIC_BASE_URL plus the webhook path. */
  readonly url: string;
  readonly secret: string;
  /** Events per second, paced by delivery; null sends as fast as the concurrency allows. */
  readonly ratePerSecond?: number | null;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Tries per delivery, the first included, before it is given up. */
  readonly maxTries?: number;
  /** The first retry's wait, doubled on each further one up to `maxBackoffMs` (a Retry-After is honoured up to it too). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A request without an answer after this long counts as a failed connection. */
  readonly timeoutMs?: number;
  /** Called after every answer, with the tally so far. */
  readonly onProgress?: (tally: SendTally) => void;
}

/** A delivery that was refused (4xx) or given up (still failing after the last try). */
export interface FailedDelivery {
  /** 1-based, in file order. */
  readonly delivery: number;
  readonly events: number;
  readonly from: ProblemPath;
  /** The last answer's status; null when there was none (no connection, no answer in time). */
  readonly status: number | null;
  readonly reason: string;
  readonly tries: number;
}

export interface SendTally {
  readonly deliveries: number;
  readonly events: number;
  /** Deliveries and events the receiver answered with a 2xx. */
  sentDeliveries: number;
  sentEvents: number;
  /** The receiver's own counts, summed over its 2xx answers (one without them counts its events as accepted). */
  accepted: number;
  stored: number;
  duplicates: number;
  ignored: number;
  quarantined: number;
  /** Requests sent again after a 5xx, a 429 or a failed connection. */
  retries: number;
  readonly refused: FailedDelivery[];
  readonly gaveUp: FailedDelivery[];
}

const DEFAULTS = { concurrency: 10, maxTries: 6, backoffMs: 500, maxBackoffMs: 30_000, timeoutMs: 30_000 };

/**
 * Sends every delivery and resolves with the tally; it never rejects over an answer or a network
 * failure, which are tallied. With a rate, delivery k starts no earlier than the events before it
 * allow (`events before k / rate` seconds after the first), so pacing holds whatever the concurrency.
 */
export async function sendDeliveries(deliveries: readonly Delivery[], options: SendOptions, deps: SenderDeps): Promise<SendTally> {
  const tally: SendTally = {
    deliveries: deliveries.length,
    events: deliveries.reduce((n, d) => n + d.events.length, 0),
    sentDeliveries: 0,
    sentEvents: 0,
    accepted: 0,
    stored: 0,
    duplicates: 0,
    ignored: 0,
    quarantined: 0,
    retries: 0,
    refused: [],
    gaveUp: [],
  };
  const startsAt = startTimes(deliveries, deps.clock(), options.ratePerSecond ?? null);
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const k = next++;
      const wait = (startsAt[k] ?? 0) - deps.clock();
      if (wait > 0) await deps.sleep(wait);
      await deliver(k, deliveries[k] as Delivery, tally, options, deps);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULTS.concurrency, deliveries.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return tally;
}

function startTimes(deliveries: readonly Delivery[], start: number, rate: number | null): number[] {
  let before = 0;
  return deliveries.map((d) => {
    const at = rate === null ? start : start + (before * 1000) / rate;
    before += d.events.length;
    return at;
  });
}

async function deliver(k: number, delivery: Delivery, tally: SendTally, options: SendOptions, deps: SenderDeps): Promise<void> {
  const maxTries = options.maxTries ?? DEFAULTS.maxTries;
  const body = JSON.stringify(delivery.events);
  const failed = (answer: Exclude<Answer, { kind: 'accepted' }>, tries: number): FailedDelivery => ({
    delivery: k + 1,
    events: delivery.events.length,
    from: delivery.from,
    status: answer.kind === 'unreachable' ? null : answer.status,
    reason: answer.reason,
    tries,
  });
  for (let attempt = 1; ; attempt += 1) {
    const answer = await post(body, options, deps);
    if (answer.kind === 'accepted') {
      tally.sentDeliveries += 1;
      tally.sentEvents += delivery.events.length;
      const counts = answer.counts ?? { accepted: delivery.events.length, stored: 0, duplicates: 0, ignored: 0, quarantined: 0 };
      tally.accepted += counts.accepted;
      tally.stored += counts.stored;
      tally.duplicates += counts.duplicates;
      tally.ignored += counts.ignored;
      tally.quarantined += counts.quarantined;
    } else if (answer.kind === 'refused') {
      tally.refused.push(failed(answer, attempt));
    } else if (attempt >= maxTries) {
      tally.gaveUp.push(failed(answer, attempt));
    } else {
      tally.retries += 1;
      options.onProgress?.(tally);
      await deps.sleep(backoff(attempt, answer.retryAfterMs, options));
      continue;
    }
    options.onProgress?.(tally);
    return;
  }
}

/** One signed request; a fresh timestamp on every try, as HubSpot signs each of its retries anew. */
async function post(body: string, options: SendOptions, deps: SenderDeps): Promise<Answer> {
  const timestamp = String(deps.clock());
  const signature = signHubSpotV3({ method: 'POST', url: options.url, rawBody: body, timestamp, secret: options.secret });
  try {
    const response = await deps.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp },
      body,
      // HubSpot does not follow a redirect with the delivery: neither does this.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULTS.timeoutMs),
    });
    return readAnswer(response.status, response.headers.get('retry-after'), await response.text());
  } catch (e) {
    return { kind: 'unreachable', reason: describeFailure(e), retryAfterMs: null };
  }
}

function describeFailure(e: unknown): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'no answer in time';
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `cannot connect (${cause.code})`;
  const message = typeof cause?.message === 'string' ? cause.message : e instanceof Error ? e.message : String(e);
  return `cannot connect: ${message}`;
}

function backoff(attempt: number, retryAfterMs: number | null, options: SendOptions): number {
  const cap = options.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
  const doubled = (options.backoffMs ?? DEFAULTS.backoffMs) * 2 ** (attempt - 1);
  return Math.min(cap, Math.max(doubled, retryAfterMs ?? 0));
}
