// Use case: a webhook delivery, already checked and mapped by the HubSpot adapter → its signals stored durably, records woken.
import type { IngestItem, RecordScheduler, SignalStore } from './ports.ts';
import type { QuarantineStore, QuarantinedEvent } from './quarantine-ports.ts';

/** A delivery as the HubSpot adapter hands it over: its valid events of one portal mapped to signals, the others set aside. */
export interface SignalBatch {
  /** The one portal the events came from; null when no event named one. */
  readonly portalId: number | null;
  /** Events in the delivery, retries and ignored ones included. */
  readonly events: number;
  /** One per signal, each with its stored identity; retries inside the delivery are already out. */
  readonly items: readonly IngestItem[];
  /** Retries inside the delivery. */
  readonly duplicates: number;
  /** Events deliberately not read (not a contact, deal or ticket, association changes, unknown types). */
  readonly ignored: readonly { readonly reason: string }[];
  /** Events that cannot be signals (malformed, another portal, too far ahead), each with its reason and problems. */
  readonly quarantined: readonly QuarantinedEvent[];
}

export interface IngestBatchResult {
  readonly portalId: number | null;
  readonly events: number;
  readonly stored: number;
  /** Retries inside the delivery and signals stored before. */
  readonly duplicates: number;
  readonly ignored: SignalBatch['ignored'];
  readonly quarantined: readonly QuarantinedEvent[];
}

export interface IngestDeps {
  readonly store: SignalStore;
  readonly scheduler: RecordScheduler;
  /** Where quarantined events are kept; without it a batch that has some is refused (it must not lose them). */
  readonly quarantine?: QuarantineStore;
  /** Epoch ms: when quarantined events were received. */
  readonly clock?: () => number;
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
  const quarantined = batch.quarantined;
  if (quarantined.length > 0 && deps.quarantine === undefined) throw new Error('ingestBatch: a batch with quarantined events needs a quarantine store');
  // One identity per signal (a merge event fans out to several records); repeats inside the batch are already out.
  const result = batch.portalId === null || batch.items.length === 0 ? { stored: 0, duplicates: 0, wake: [] } : await deps.store.ingest(batch.portalId, batch.items);
  // After the signals: if this fails HubSpot retries, the signals count as duplicates and the quarantine keeps each event once.
  if (quarantined.length > 0) await deps.quarantine?.add(batch.portalId, quarantined, (deps.clock ?? Date.now)());
  // Only records whose next due time moved earlier need a job; the others have one for an earlier time,
  // and a crash between storing and queueing is the sweeper's to catch.
  if (result.wake.length > 0) deps.scheduler.wakeMany(result.wake).catch((e: unknown) => deps.onWakeError?.(e));
  return {
    portalId: batch.portalId,
    events: batch.events,
    stored: result.stored,
    duplicates: result.duplicates + batch.duplicates,
    ignored: batch.ignored,
    quarantined,
  };
}
