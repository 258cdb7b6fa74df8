// Recorded webhook events cut into deliveries as HubSpot makes them: at most 100 events, one portal, the file's own batches kept.
import type { ProblemPath } from '../../core/problems.ts';
import type { HubSpotWebhookEvent } from './webhook-events.ts';

/** HubSpot sends at most this many events in one webhook request. */
export const MAX_EVENTS_PER_DELIVERY = 100;

export interface Delivery {
  readonly events: readonly HubSpotWebhookEvent[];
  /** Where the delivery's first event is in the file (`events[2][0]`, `line 4`), for messages. */
  readonly from: ProblemPath;
}

type Growing = { key: string; portalId: number; events: HubSpotWebhookEvent[]; from: ProblemPath };

/**
 * A batch array in the file stays one delivery (split when it holds more than `max` events); events
 * outside any batch array are grouped in file order. Either way a delivery holds one portal only, as
 * HubSpot's do (the receiver refuses a mixed one). `locations` are parseEventsText's, one per event.
 */
export function toDeliveries(events: readonly HubSpotWebhookEvent[], locations: readonly ProblemPath[], max = MAX_EVENTS_PER_DELIVERY): Delivery[] {
  const deliveries: Growing[] = [];
  let current: Growing | null = null;
  for (const [i, event] of events.entries()) {
    const location = locations[i] ?? [];
    const key = batchKey(location);
    if (current === null || current.key !== key || current.portalId !== event.portalId || current.events.length >= max) {
      current = { key, portalId: event.portalId, events: [], from: location };
      deliveries.push(current);
    }
    current.events.push(event);
  }
  return deliveries.map(({ events: batch, from }) => ({ events: batch, from }));
}

// A JSON array file locates a batched event as ['events', i, j], JSON Lines as ['line n', j]; a loose one has no j.
function batchKey(location: ProblemPath): string {
  const batched = location[0] === 'events' ? location.length === 3 : location.length === 2;
  return batched ? `batch ${location.slice(0, -1).join(' ')}` : 'loose';
}

/** Every event moved by one offset so that the earliest occurs at `now`; the gaps between them are kept. */
export function shiftToNow(deliveries: readonly Delivery[], now: number): Delivery[] {
  let earliest = Number.POSITIVE_INFINITY;
  for (const d of deliveries) for (const e of d.events) earliest = Math.min(earliest, e.occurredAt);
  if (earliest === Number.POSITIVE_INFINITY) return [...deliveries];
  const offset = now - earliest;
  return deliveries.map((d) => ({ ...d, events: d.events.map((e) => ({ ...e, occurredAt: e.occurredAt + offset })) }));
}
