// Validated webhook events to core signals: each event's identity, retries kept once, unread events listed (pure, no I/O).
import { formatPath } from '../../core/problems.ts';
import type { Problem, ProblemPath } from '../../core/problems.ts';
import type { ObjectType, Signal } from '../../core/types.ts';
import { CRM_READ_TYPE, LEGACY_PREFIXES, OBJECT_TYPE_IDS, isMappedAction, splitType } from './webhook-events.ts';
import type { HubSpotWebhookEvent, MappedAction } from './webhook-events.ts';

const byNumericValue = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The event's identity: every known field except `attemptNumber`, in a fixed order. HubSpot's
 * `eventId` is not unique, and a retry is the same event with a higher `attemptNumber`, so this is
 * what tells a retry from a different event. Stable across releases: it is stored as an idempotency key.
 */
export function eventIdentity(event: HubSpotWebhookEvent): string {
  const merged = event.mergedObjectIds === undefined ? null : [...event.mergedObjectIds].sort(byNumericValue);
  return `v1:${JSON.stringify([
    event.portalId,
    event.subscriptionType,
    event.objectTypeId ?? null,
    event.objectId ?? null,
    event.occurredAt,
    event.eventId,
    event.subscriptionId,
    event.appId ?? null,
    event.propertyName ?? null,
    event.propertyValue ?? null,
    event.changeSource ?? null,
    event.sourceId ?? null,
    event.primaryObjectId ?? null,
    merged,
    event.newObjectId ?? null,
    event.numberOfPropertiesMoved ?? null,
    event.associationType ?? null,
    event.fromObjectId ?? null,
    event.toObjectId ?? null,
    event.associationRemoved ?? null,
    event.isPrimaryAssociation ?? null,
    // Only the service's own CRM-read events have these: every HubSpot event keeps its identity as stored.
    ...(event.subscriptionType === CRM_READ_TYPE ? [event.found ?? null, event.properties ?? null, event.readAt ?? null] : []),
  ])}`;
}

export type IgnoreReason = 'association_change' | 'unknown_subscription_type' | 'unsupported_object_type';

export interface IgnoredEvent {
  /** Where the event is: `events[3]`, or the location the caller passed. */
  readonly at: string;
  readonly index: number;
  readonly ref: string;
  readonly subscriptionType: string;
  readonly reason: IgnoreReason;
  readonly message: string;
}

export interface DuplicateEvent {
  readonly at: string;
  readonly index: number;
  readonly ref: string;
  /** Where the first occurrence, the one kept, is. */
  readonly firstAt: string;
  readonly firstIndex: number;
}

export type ToSignalsResult =
  | {
      readonly ok: true;
      /** The one portal the events came from; null when there were no events. */
      readonly portalId: number | null;
      /** In input order; a merge gives its `merged` signal first, then one `merged_away` per other id. */
      readonly signals: readonly Signal[];
      /** The same signals, each with a stored identity (its event's identity and its place in the event). */
      readonly items: readonly { readonly identity: string; readonly signal: Signal }[];
      readonly ignored: readonly IgnoredEvent[];
      readonly duplicates: readonly DuplicateEvent[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export interface ToSignalsOptions {
  /** Where each event came from (`['events', 2, 5]`, `['line 4']`), used in problems; default `['events', i]`. */
  readonly locations?: readonly ProblemPath[];
  /**
   * Whether the service's own CRM-read events (CRM_READ_TYPE, written by `export`) are read: yes for
   * files (the default), no for webhook deliveries, where they are ignored as an unknown type.
   */
  readonly crmReads?: boolean;
}

type Classified =
  | { readonly kind: 'mapped'; readonly objectType: ObjectType; readonly action: MappedAction | 'crmRead' }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason; readonly message: string };

function classify(event: HubSpotWebhookEvent, crmReads: boolean): Classified {
  const type = event.subscriptionType;
  if (type === CRM_READ_TYPE && crmReads) {
    // The schema checked its object type id.
    return { kind: 'mapped', objectType: OBJECT_TYPE_IDS[event.objectTypeId ?? ''] ?? 'contact', action: 'crmRead' };
  }
  const { prefix, action } = splitType(type);
  if (action === 'associationChange') {
    return { kind: 'ignored', reason: 'association_change', message: `${type}: association changes are not signals` };
  }
  if (!isMappedAction(action)) {
    return { kind: 'ignored', reason: 'unknown_subscription_type', message: `${type} is not a subscription type this service reads` };
  }
  const objectType = prefix === 'object' ? OBJECT_TYPE_IDS[event.objectTypeId ?? ''] : LEGACY_PREFIXES[prefix];
  if (objectType === undefined) {
    const what = prefix === 'object' ? `object type ${event.objectTypeId ?? '(none)'}` : `${prefix} events`;
    return { kind: 'ignored', reason: 'unsupported_object_type', message: `${type}: ${what}: only contacts, deals and tickets are read` };
  }
  return { kind: 'mapped', objectType, action };
}

function signalsOf(event: HubSpotWebhookEvent, objectType: ObjectType, action: MappedAction | 'crmRead'): Signal[] {
  // `sourceId` says who made the change (`userId:123`, an integration): a press's becomes its outcome's agentId (§9).
  const base = { objectType, at: event.occurredAt, ref: `hubspot:${event.portalId}:${event.eventId}`, ...(event.sourceId ? { source: event.sourceId } : {}) };
  // The schema guarantees these ids for mapped events; the fallbacks only satisfy the type checker.
  const recordId = event.objectId ?? '';
  switch (action) {
    case 'crmRead': {
      const ref = event.readAt === undefined ? base.ref : `crm-read:${event.readAt}`;
      return [{ objectType, at: event.occurredAt, ref, recordId, kind: 'crm_read', found: event.found ?? true, properties: { ...event.properties } }];
    }
    case 'propertyChange':
      return [{ ...base, recordId, kind: 'property', property: event.propertyName ?? '', value: event.propertyValue ?? '' }];
    case 'creation':
      return [{ ...base, recordId, kind: 'created' }];
    case 'deletion':
    case 'privacyDeletion':
      return [{ ...base, recordId, kind: 'deleted' }];
    case 'restore':
      return [{ ...base, recordId, kind: 'restored' }];
    case 'merge': {
      // newObjectId differs from primaryObjectId when HubSpot creates a fresh record for the result.
      const survivor = event.newObjectId ?? event.primaryObjectId ?? recordId;
      const gone = new Set([event.primaryObjectId ?? survivor, ...(event.mergedObjectIds ?? [])]);
      gone.delete(survivor);
      return [
        { ...base, recordId: survivor, kind: 'merged' },
        ...[...gone].map((id): Signal => ({ ...base, recordId: id, kind: 'merged_away', into: survivor })),
      ];
    }
  }
}

/**
 * Maps validated events to signals, in input order. Retries (same identity, any `attemptNumber`)
 * are kept once, at their first occurrence; events that are not about a contact, deal or ticket,
 * association changes and unknown types are listed as ignored. Events of more than one portal are
 * rejected: a run, or a stored batch, belongs to one HubSpot account.
 */
export function toSignals(events: readonly HubSpotWebhookEvent[], options: ToSignalsOptions = {}): ToSignalsResult {
  const location = (index: number): ProblemPath => options.locations?.[index] ?? ['events', index];
  const where = (index: number) => formatPath(location(index));
  const first = events[0];
  if (first === undefined) return { ok: true, portalId: null, signals: [], items: [], ignored: [], duplicates: [] };

  const problems: Problem[] = [];
  events.forEach((event, index) => {
    if (event.portalId !== first.portalId) {
      problems.push({
        code: 'conflict',
        path: [...location(index), 'portalId'],
        message: `portal ${event.portalId} differs from portal ${first.portalId} of ${where(0)}: one portal at a time`,
      });
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  const signals: Signal[] = [];
  const items: { identity: string; signal: Signal }[] = [];
  const ignored: IgnoredEvent[] = [];
  const duplicates: DuplicateEvent[] = [];
  const seen = new Map<string, number>();
  events.forEach((event, index) => {
    const ref = `hubspot:${event.portalId}:${event.eventId}`;
    const identity = eventIdentity(event);
    const firstIndex = seen.get(identity);
    if (firstIndex !== undefined) {
      duplicates.push({ at: where(index), index, ref, firstAt: where(firstIndex), firstIndex });
      return;
    }
    seen.set(identity, index);
    const c = classify(event, options.crmReads ?? true);
    if (c.kind === 'ignored') {
      ignored.push({ at: where(index), index, ref, subscriptionType: event.subscriptionType, reason: c.reason, message: c.message });
      return;
    }
    signalsOf(event, c.objectType, c.action).forEach((signal, i) => {
      signals.push(signal);
      items.push({ identity: `${identity}/${i}`, signal });
    });
  });
  return { ok: true, portalId: first.portalId, signals, items, ignored, duplicates };
}
