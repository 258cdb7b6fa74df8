// Use case: a webhook batch from HubSpot → validated, mapped to signals, stored durably, records woken.
import { eventIdentity, hubSpotWebhookBatchSchema, toSignals } from '../adapters/hubspot/webhook-events.ts';
import type { IgnoredEvent } from '../adapters/hubspot/webhook-events.ts';
import type { Problem } from '../core/types.ts';
import { formatPath } from '../core/zod-problems.ts';
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
}

/**
 * Validates the whole batch before storing any of it (nothing partly applied), stores its signals,
 * and only then wakes the records: a crash between the two is caught by the sweeper, never lost.
 * Store failures propagate as StoreUnavailableError so the caller answers 503 and HubSpot retries.
 */
export async function ingestBatch(deps: IngestDeps, body: unknown, now: number): Promise<IngestBatchResult> {
  const parsed = hubSpotWebhookBatchSchema.safeParse(body);
  if (!parsed.success) {
    return { kind: 'invalid', problems: parsed.error.issues.map((i) => ({ path: formatPath(['events', ...i.path]), message: i.message })) };
  }
  const events = parsed.data;
  const mapped = toSignals(events);
  if (!mapped.ok) return { kind: 'invalid', problems: mapped.problems };
  if (mapped.portalId === null) return { kind: 'accepted', portalId: null, events: 0, stored: 0, duplicates: 0, ignored: [] };

  // One identity per signal: a merge event fans out to several records.
  const items: IngestItem[] = [];
  for (const event of events) {
    const one = toSignals([event]);
    if (!one.ok) continue;
    const identity = eventIdentity(event);
    one.signals.forEach((signal, i) => items.push({ identity: `${identity}/${i}`, signal }));
  }
  const result = items.length === 0 ? { stored: 0, duplicates: 0, records: [] } : await deps.store.ingest(mapped.portalId, items, now);
  // Wake even records whose signals were all repeats: the first delivery may have been stored but never woken.
  if (result.records.length > 0) await deps.scheduler.wakeMany(result.records.map((r) => ({ record: r.record, at: r.earliestAt })));
  return {
    kind: 'accepted',
    portalId: mapped.portalId,
    events: events.length,
    stored: result.stored,
    // Repeats inside the batch share an identity, so the store counts them with the earlier deliveries.
    duplicates: result.duplicates,
    ignored: mapped.ignored,
  };
}
