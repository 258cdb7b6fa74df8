// Use case: a webhook delivery, already checked and mapped by the HubSpot adapter → its signals stored durably, records woken.
import type { IngestItem, RecordScheduler, SignalStore } from './ports.ts';

/** A delivery as the HubSpot adapter hands it over: valid, of one portal, mapped to signals. */
export interface SignalBatch {
  /** The one portal the events came from; null when the delivery held no events. */
  readonly portalId: number | null;
  /** Events in the delivery, retries and ignored ones included. */
  readonly events: number;
  /** One per signal, each with its stored identity; retries inside the delivery are already out. */
  readonly items: readonly IngestItem[];
  /** Retries inside the delivery. */
  readonly duplicates: number;
  /** Events deliberately not read (not a contact, deal or ticket, association changes, unknown types). */
  readonly ignored: readonly { readonly reason: string }[];
}

export interface IngestBatchResult {
  readonly portalId: number | null;
  readonly events: number;
  readonly stored: number;
  /** Retries inside the delivery and signals stored before. */
  readonly duplicates: number;
  readonly ignored: SignalBatch['ignored'];
}

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
 * Stores the batch's signals and resolves once they are stored; the records' jobs are queued without
 * holding up the answer (a crash before they are is caught by the sweeper, never lost). Store
 * failures propagate as StoreUnavailableError so the caller answers 503 and HubSpot retries.
 */
export async function ingestBatch(deps: IngestDeps, batch: SignalBatch): Promise<IngestBatchResult> {
  if (batch.portalId === null) return { portalId: null, events: 0, stored: 0, duplicates: 0, ignored: [] };
  // One identity per signal (a merge event fans out to several records); repeats inside the batch are already out.
  const result = batch.items.length === 0 ? { stored: 0, duplicates: 0, wake: [] } : await deps.store.ingest(batch.portalId, batch.items);
  // Only records whose next due time moved earlier need a job; the others have one for an earlier time,
  // and a crash between storing and queueing is the sweeper's to catch.
  if (result.wake.length > 0) deps.scheduler.wakeMany(result.wake).catch((e: unknown) => deps.onWakeError?.(e));
  return {
    portalId: batch.portalId,
    events: batch.events,
    stored: result.stored,
    duplicates: result.duplicates + batch.duplicates,
    ignored: batch.ignored,
  };
}
