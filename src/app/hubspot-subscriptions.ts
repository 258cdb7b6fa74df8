// The app's webhook subscriptions as a function of the criteria (pure): every property a criteria version reads, plus record lifecycle events, minus the service's own write-back properties.
import { z } from 'zod';
import { propertiesRead } from '../core/criteria/types.ts';
import type { CriteriaVersion } from '../core/criteria/types.ts';
import { OBJECT_TYPES } from '../core/types.ts';
import type { ObjectType } from '../core/types.ts';
import { BILLING_PREFIX } from './hubspot-ports.ts';

/** HubSpot's cap on one app's webhook subscriptions. */
export const MAX_SUBSCRIPTIONS = 1000;

export const DEFAULT_WEBHOOK_SETTINGS = {
  targetUrl: 'https://outcome-billing.example.com/webhooks/hubspot',
  maxConcurrentRequests: 10,
} as const;

/** Record events the decision core reads on every watched object, whatever the criteria say (docs/decisions.md: deleted and merged records). */
export const LIFECYCLE_EVENTS = ['creation', 'deletion', 'merge', 'restore'] as const;

/** Hub-level events: a GDPR deletion of a contact reads as a deletion. */
export const HUB_EVENTS = ['contact.privacyDeletion'] as const;

// ---------------------------------------------------------------------------------------------
// The webhooks component file (src/app/webhooks/*-hsmeta.json of a developer project)
// ---------------------------------------------------------------------------------------------

const subscriptionBase = { subscriptionType: z.string().min(1), propertyName: z.string().min(1).optional(), active: z.boolean() };

export const webhooksComponentSchema = z.strictObject({
  uid: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, _ . or -' }),
  type: z.literal('webhooks'),
  config: z.strictObject({
    settings: z.strictObject({
      targetUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
      maxConcurrentRequests: z.int().min(1),
    }),
    subscriptions: z.strictObject({
      crmObjects: z.array(z.strictObject({ ...subscriptionBase, objectType: z.string().min(1) })).optional(),
      legacyCrmObjects: z.array(z.strictObject(subscriptionBase)).optional(),
      hubEvents: z.array(z.strictObject(subscriptionBase)).optional(),
    }),
  }),
});
export type WebhooksComponent = z.infer<typeof webhooksComponentSchema>;

export interface WebhookSettings {
  readonly targetUrl: string;
  readonly maxConcurrentRequests: number;
}

/** A property a criteria version reads but that is deliberately not subscribed: the service writes it itself. */
export interface ExcludedProperty {
  readonly object: ObjectType;
  readonly property: string;
  readonly readBy: readonly string[];
}

export interface GeneratedSubscriptions {
  readonly component: WebhooksComponent;
  readonly excluded: readonly ExcludedProperty[];
  /** Non-empty when HubSpot would refuse the file (too many subscriptions). */
  readonly problems: readonly string[];
}

/** What the criteria need from the webhooks: per object, the properties and the versions reading each. */
export function requiredSubscriptions(versions: readonly CriteriaVersion[]): Map<ObjectType, Map<string, string[]>> {
  const byObject = new Map<ObjectType, Map<string, string[]>>(OBJECT_TYPES.map((o) => [o, new Map()]));
  for (const v of versions) {
    const props = byObject.get(v.object)!;
    for (const p of propertiesRead(v)) props.set(p, [...(props.get(p) ?? []), `${v.id} v${v.version}`]);
  }
  return byObject;
}

const isOwn = (property: string) => property.startsWith(BILLING_PREFIX);

/**
 * The webhooks component for these criteria, in a stable order (objects, then lifecycle events, then
 * properties by name) so a regenerated file only changes where the criteria did. Generic `object.*`
 * subscriptions: HubSpot's standard form, which the webhook adapter reads as well as the legacy one.
 */
export function generateWebhooks(versions: readonly CriteriaVersion[], settings: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS, uid = 'outcome_billing_webhooks'): GeneratedSubscriptions {
  const crmObjects: NonNullable<WebhooksComponent['config']['subscriptions']['crmObjects']> = [];
  const excluded: ExcludedProperty[] = [];
  for (const [object, props] of requiredSubscriptions(versions)) {
    for (const event of LIFECYCLE_EVENTS) crmObjects.push({ subscriptionType: `object.${event}`, objectType: object, active: true });
    for (const [property, readBy] of [...props].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (isOwn(property)) excluded.push({ object, property, readBy });
      else crmObjects.push({ subscriptionType: 'object.propertyChange', objectType: object, propertyName: property, active: true });
    }
  }
  const hubEvents = HUB_EVENTS.map((subscriptionType) => ({ subscriptionType, active: true }));
  const component: WebhooksComponent = {
    uid,
    type: 'webhooks',
    config: {
      settings: { targetUrl: settings.targetUrl, maxConcurrentRequests: settings.maxConcurrentRequests },
      subscriptions: { crmObjects, hubEvents },
    },
  };
  const total = crmObjects.length + hubEvents.length;
  const problems = total > MAX_SUBSCRIPTIONS ? [`the criteria need ${total} subscriptions; HubSpot allows ${MAX_SUBSCRIPTIONS} per app`] : [];
  return { component, excluded, problems };
}

/** Something the criteria need that the file does not subscribe to (active). */
export interface MissingSubscription {
  readonly object: ObjectType | null;
  /** `object.propertyChange`, `object.creation`, ..., `contact.privacyDeletion`. */
  readonly subscriptionType: string;
  readonly property: string | null;
  readonly readBy: readonly string[];
}

const OBJECT_ALIASES: Readonly<Record<ObjectType, readonly string[]>> = {
  contact: ['contact', 'contacts', '0-1'],
  deal: ['deal', 'deals', '0-3'],
  ticket: ['ticket', 'tickets', '0-5'],
};

/**
 * Every property change and lifecycle event the criteria need that `component` does not cover with an
 * active subscription, in its generic (`object.*` + objectType) or legacy (`contact.*`) form. Own
 * write-back properties are never required: they must not be subscribed.
 */
export function missingSubscriptions(component: WebhooksComponent, versions: readonly CriteriaVersion[]): MissingSubscription[] {
  const subs = component.config.subscriptions;
  const covered = new Set<string>();
  for (const s of subs.crmObjects ?? []) {
    if (!s.active || !s.subscriptionType.startsWith('object.')) continue;
    const event = s.subscriptionType.slice('object.'.length);
    const object = OBJECT_TYPES.find((o) => OBJECT_ALIASES[o].includes(s.objectType.toLowerCase()));
    if (object !== undefined) covered.add(key(object, event, s.propertyName));
  }
  for (const s of subs.legacyCrmObjects ?? []) {
    const [prefix, event] = s.subscriptionType.split('.');
    const object = OBJECT_TYPES.find((o) => o === prefix);
    if (s.active && object !== undefined && event !== undefined) covered.add(key(object, event, s.propertyName));
  }
  const hub = new Set((subs.hubEvents ?? []).filter((s) => s.active).map((s) => s.subscriptionType));

  const missing: MissingSubscription[] = [];
  for (const [object, props] of requiredSubscriptions(versions)) {
    for (const event of LIFECYCLE_EVENTS) {
      if (!covered.has(key(object, event))) missing.push({ object, subscriptionType: `object.${event}`, property: null, readBy: [] });
    }
    for (const [property, readBy] of [...props].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!isOwn(property) && !covered.has(key(object, 'propertyChange', property))) {
        missing.push({ object, subscriptionType: 'object.propertyChange', property, readBy });
      }
    }
  }
  for (const type of HUB_EVENTS) if (!hub.has(type)) missing.push({ object: null, subscriptionType: type, property: null, readBy: [] });
  return missing;
}

/** Subscriptions to the service's own write-back properties: their events would come back as signals. */
export function ownPropertySubscriptions(component: WebhooksComponent): string[] {
  const subs = component.config.subscriptions;
  return [...(subs.crmObjects ?? []), ...(subs.legacyCrmObjects ?? [])]
    .filter((s) => s.active && s.propertyName !== undefined && isOwn(s.propertyName))
    .map((s) => `${'objectType' in s ? `${s.objectType} ` : ''}${s.subscriptionType} ${s.propertyName}`);
}

function key(object: ObjectType, event: string, property?: string): string {
  return property === undefined ? `${object} ${event}` : `${object} ${event} ${property}`;
}

export function describeMissing(m: MissingSubscription): string {
  if (m.property !== null) return `${m.object}.${m.property}: no active property-change subscription (read by ${m.readBy.join(', ')})`;
  return m.object === null ? `${m.subscriptionType}: no active subscription` : `${m.object} ${m.subscriptionType}: no active subscription`;
}
