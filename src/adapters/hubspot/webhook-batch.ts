// One webhook delivery as the receiver reads it: each event checked on its own, the good ones mapped to signals, the rest quarantined.
import type { SignalBatch } from '../../app/ingest-batch.ts';
import type { QuarantinedEvent } from '../../app/quarantine-ports.ts';
import type { Problem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { hubSpotWebhookEventSchema } from './webhook-events.ts';
import type { HubSpotWebhookEvent } from './webhook-events.ts';
import { toSignals } from './webhook-signals.ts';

export type WebhookBatchReading = { readonly ok: true; readonly batch: SignalBatch } | { readonly ok: false; readonly problems: readonly Problem[] };

/** An event further than this after the receiver's clock is quarantined: its record's job would wait for it for ever. */
export const MAX_FUTURE_MS = 24 * 3_600_000;
/** An event whose JSON is longer is kept in quarantine as a summary (its short scalar fields), so a bad delivery cannot fill Redis. */
export const QUARANTINE_EVENT_CHARS = 4_096;
const SUMMARY_FIELD_CHARS = 100;

export interface WebhookBatchOptions {
  /** The receiver's clock (epoch ms): events more than MAX_FUTURE_MS after it are quarantined. Without it, none is for its time. */
  readonly now?: number;
}

/**
 * Only a body that is not an array is refused whole. Each event is then checked on its own: HubSpot
 * retries a refused delivery whole and drops it after ten tries, so one bad event must not cost the
 * good ones. An event that fails the schema, names another portal than the delivery's first valid
 * event, or lies more than 24 h ahead is quarantined with its problems (paths from the event).
 */
export function readWebhookBatch(body: unknown, options: WebhookBatchOptions = {}): WebhookBatchReading {
  if (!Array.isArray(body)) {
    return { ok: false, problems: [{ code: 'invalid_type', path: ['events'], message: 'expected a JSON array of HubSpot webhook events' }] };
  }
  const quarantined: (QuarantinedEvent & { readonly index: number })[] = [];
  const valid: { readonly index: number; readonly event: HubSpotWebhookEvent }[] = [];
  body.forEach((raw: unknown, index) => {
    const parsed = hubSpotWebhookEventSchema.safeParse(raw, { reportInput: true });
    if (parsed.success) valid.push({ index, event: parsed.data });
    else quarantined.push({ index, reason: 'invalid_event', problems: problemsFromZod(parsed.error, { wording: 'schema' }), event: keptForm(raw) });
  });
  const portalId = valid[0]?.event.portalId ?? firstPortalId(body);
  const kept = valid.filter(({ index, event }) => {
    const problem = misfit(event, portalId, options.now);
    if (problem === null) return true;
    quarantined.push({ index, reason: problem.code === 'conflict' ? 'portal_conflict' : 'future_event', problems: [problem], event: keptForm(body[index]) });
    return false;
  });
  // HubSpot never sends the service's own CRM-read events: a delivery's are ignored, never applied.
  const mapped = toSignals(kept.map((k) => k.event), { crmReads: false, locations: kept.map((k) => ['events', k.index]) });
  // Cannot happen: every kept event is of one portal, the only thing toSignals refuses.
  if (!mapped.ok) return mapped;
  return {
    ok: true,
    batch: {
      portalId,
      events: body.length,
      items: mapped.items,
      duplicates: mapped.duplicates.length,
      ignored: mapped.ignored,
      quarantined: quarantined.sort((a, b) => a.index - b.index),
    },
  };
}

function misfit(event: HubSpotWebhookEvent, portalId: number | null, now: number | undefined): Problem | null {
  if (event.portalId !== portalId) {
    return { code: 'conflict', path: ['portalId'], message: `portal ${event.portalId} differs from portal ${portalId} of the delivery: one portal at a time` };
  }
  if (now !== undefined && event.occurredAt - now > MAX_FUTURE_MS) {
    const ahead = ((event.occurredAt - now) / 3_600_000).toFixed(1);
    return { code: 'invalid_value', path: ['occurredAt'], message: `is ${ahead} h after the receiver's clock (${new Date(now).toISOString()}): more than 24 h in the future` };
  }
  return null;
}

/** The portal of a delivery without a valid event: the first event's portalId that reads as one, else none. */
function firstPortalId(events: readonly unknown[]): number | null {
  for (const e of events) {
    const p = typeof e === 'object' && e !== null ? (e as { portalId?: unknown }).portalId : undefined;
    if (typeof p === 'number' && Number.isSafeInteger(p) && p > 0) return p;
  }
  return null;
}

/** The event as kept in quarantine: whole when small, else its short scalar fields and its size. */
function keptForm(raw: unknown): unknown {
  const text = JSON.stringify(raw) ?? 'null';
  if (text.length <= QUARANTINE_EVENT_CHARS) return raw;
  const summary: Record<string, unknown> = { truncated: true, chars: text.length };
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw).slice(0, 40)) {
      const short = typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= SUMMARY_FIELD_CHARS);
      if (short && key.length <= SUMMARY_FIELD_CHARS) summary[key] = value;
    }
  }
  return summary;
}
