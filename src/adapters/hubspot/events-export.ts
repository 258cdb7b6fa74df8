// Stored signals back to HubSpot webhook events, as `export` writes them: an events file that `simulate` reads into the same signals.
import { OBJECT_TYPE_ID } from '../../core/types.ts';
import type { Signal } from '../../core/types.ts';
import { CRM_READ_TYPE } from './webhook-events.ts';
import type { HubSpotWebhookEvent } from './webhook-events.ts';
import { eventIdentity } from './webhook-signals.ts';

const ACTION_OF = { property: 'propertyChange', created: 'creation', deleted: 'deletion', restored: 'restore', merged: 'merge', merged_away: 'merge' } as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One event per signal (one per merge: a merge's signals share their event), in the order given, which
 * `simulate` keeps for ties in event time. HubSpot's `eventId` comes back from the signal's ref
 * (`hubspot:<portal>:<eventId>`), so replayed signals carry the same refs; a signal without one (a
 * CRM read) gets an id of its own. Events that would have the same identity, which `simulate` would
 * read as one event delivered twice, are told apart by their `subscriptionId` (no signal reads it).
 */
export function eventsOfSignals(portalId: number, signals: readonly Signal[]): HubSpotWebhookEvent[] {
  const events: Mutable<HubSpotWebhookEvent>[] = [];
  const merges = new Map<string, Mutable<HubSpotWebhookEvent>>();
  const identities = new Set<string>();
  let ownId = 0;
  for (const s of signals) {
    const hubspotId = /^hubspot:\d+:(\d+)$/.exec(s.ref ?? '')?.[1];
    const eventId = hubspotId === undefined ? ++ownId : Number(hubspotId);
    if (s.kind === 'merged' || s.kind === 'merged_away') {
      const key = `${s.ref ?? eventId}@${s.at}`;
      const merge = merges.get(key);
      if (merge) {
        addToMerge(merge, s);
        continue;
      }
      const event = eventOf(portalId, eventId, s);
      merges.set(key, event);
      events.push(event);
      continue;
    }
    events.push(eventOf(portalId, eventId, s));
  }
  for (const e of events) {
    while (identities.has(eventIdentity(e))) e.subscriptionId += 1;
    identities.add(eventIdentity(e));
  }
  return events;
}

function eventOf(portalId: number, eventId: number, s: Signal): Mutable<HubSpotWebhookEvent> {
  const head = { eventId, subscriptionId: 0, portalId, occurredAt: s.at, attemptNumber: 0 };
  const source = s.source === undefined ? {} : { sourceId: s.source };
  switch (s.kind) {
    case 'crm_read': {
      const readAt = /^crm-read:(\d+)$/.exec(s.ref ?? '')?.[1];
      return { ...head, subscriptionType: CRM_READ_TYPE, objectTypeId: OBJECT_TYPE_ID[s.objectType], objectId: s.recordId, found: s.found, properties: { ...s.properties }, ...(readAt ? { readAt: Number(readAt) } : {}) };
    }
    case 'property':
      return { ...head, subscriptionType: `${s.objectType}.propertyChange`, objectId: s.recordId, propertyName: s.property, propertyValue: s.value, ...source };
    case 'merged':
      return { ...head, subscriptionType: `${s.objectType}.merge`, objectId: s.recordId, primaryObjectId: s.recordId, mergedObjectIds: [], ...source };
    case 'merged_away':
      // A merge whose surviving record's signal is not there: the survivor gets a `merged` signal in replay.
      return { ...head, subscriptionType: `${s.objectType}.merge`, objectId: s.into, primaryObjectId: s.into, mergedObjectIds: [s.recordId], ...source };
    default:
      return { ...head, subscriptionType: `${s.objectType}.${ACTION_OF[s.kind]}`, objectId: s.recordId, ...source };
  }
}

/** The merge's survivor is its `merged` signal's record; each `merged_away` signal is one of the merged ids. */
function addToMerge(merge: Mutable<HubSpotWebhookEvent>, s: Signal): void {
  if (s.kind === 'merged') {
    merge.primaryObjectId = s.recordId;
    merge.objectId = s.recordId;
  } else if (s.kind === 'merged_away') {
    merge.mergedObjectIds = [...(merge.mergedObjectIds ?? []), s.recordId];
  }
}
