// Use case: a webhook batch from HubSpot → validated, mapped to signals, stored durably, records woken.
import { hubSpotWebhookBatchSchema, toSignals } from '../adapters/hubspot/webhook-events.ts';
import type { IgnoredEvent } from '../adapters/hubspot/webhook-events.ts';
import type { Problem } from '../core/problems.ts';
import { problemsFromZod } from '../core/zod-problems.ts';
import type { IngestItem, RecordScheduler, SignalStore } from './ports.ts';

export type IngestBatchResult =
  | {
      readonly kind: 'accepted';
      readonly portalId: number | null;
      readonly events: number;
      readonly stored: number;
      readonly duplicates: number;
      readonly ignored: readonly IgnoredEvent[];
    }
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[] };

export interface IngestDeps {
  readonly store: SignalStore;
  readonly scheduler: RecordScheduler;
  /**
   * Queueing the records' jobs happens after the answer: the signals are already stored, so a failure
   * here loses nothing (the sweeper finds due records without a job) and only needs reporting.
   */
  readonly onWakeError?: (error: unknown) => void;
}

/**
 * Validates the whole batch before storing any of it (nothing partly applied), stores its signals,
 * and resolves once they are stored; the records' jobs are queued without holding up the answer (a
 * crash before they are is caught by the sweeper, never lost). Store failures propagate as
 * StoreUnavailableError so the caller answers 503 and HubSpot retries.
 */
export async function ingestBatch(deps: IngestDeps, body: unknown): Promise<IngestBatchResult> {
  const parsed = hubSpotWebhookBatchSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { kind: 'invalid', problems: problemsFromZod(parsed.error, { at: ['events'], wording: 'schema' }) };
  const events = parsed.data;
  const mapped = toSignals(events);
  if (!mapped.ok) return { kind: 'invalid', problems: mapped.problems };
  if (mapped.portalId === null) return { kind: 'accepted', portalId: null, events: 0, stored: 0, duplicates: 0, ignored: [] };

  // One identity per signal (a merge event fans out to several records); repeats inside the batch are already out.
  const items: readonly IngestItem[] = mapped.items;
  const result = items.length === 0 ? { stored: 0, duplicates: 0, wake: [] } : await deps.store.ingest(mapped.portalId, items);
  // Only records whose next due time moved earlier need a job; the others have one for an earlier time,
  // and a crash between storing and queueing is the sweeper's to catch.
  if (result.wake.length > 0) deps.scheduler.wakeMany(result.wake).catch((e: unknown) => deps.onWakeError?.(e));
  return {
    kind: 'accepted',
    portalId: mapped.portalId,
    events: events.length,
    stored: result.stored,
    duplicates: result.duplicates + mapped.duplicates.length,
    ignored: mapped.ignored,
  };
}
