// One webhook delivery as the receiver reads it: HubSpot's JSON checked and mapped to the signals the ingest use case stores.
import type { SignalBatch } from '../../app/ingest-batch.ts';
import type { Problem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { hubSpotWebhookBatchSchema } from './webhook-events.ts';
import { toSignals } from './webhook-signals.ts';

export type WebhookBatchReading = { readonly ok: true; readonly batch: SignalBatch } | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * The whole delivery is checked before any of it is used, and every problem is listed with its path
 * (`events[1].occurredAt`): HubSpot retries a refused delivery whole, so none of it may be half taken.
 */
export function readWebhookBatch(body: unknown): WebhookBatchReading {
  const parsed = hubSpotWebhookBatchSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, { at: ['events'], wording: 'schema' }) };
  // HubSpot never sends the service's own CRM-read events: a delivery's are ignored, never applied.
  const mapped = toSignals(parsed.data, { crmReads: false });
  if (!mapped.ok) return mapped;
  return {
    ok: true,
    batch: {
      portalId: mapped.portalId,
      events: parsed.data.length,
      items: mapped.items,
      duplicates: mapped.duplicates.length,
      ignored: mapped.ignored,
    },
  };
}
