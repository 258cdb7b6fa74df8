// One HubSpot webhook event and one delivery as HubSpot sends them: the zod schemas and the event type they yield.
import { z } from 'zod';
import { OBJECT_TYPE_ID } from '../../core/types.ts';
import type { ObjectType } from '../../core/types.ts';
import { quoteInput } from '../../core/zod-problems.ts';

/**
 * One webhook event after validation. Object ids are normalised to decimal strings (HubSpot sends
 * numbers, sometimes strings), and `null` for an optional field is read as absent.
 */
export interface HubSpotWebhookEvent {
  readonly eventId: number;
  readonly subscriptionId: number;
  readonly portalId: number;
  readonly appId?: number;
  /** Epoch ms. */
  readonly occurredAt: number;
  readonly subscriptionType: string;
  /** 0 on the first delivery, higher on HubSpot's retries; not part of the event's identity. */
  readonly attemptNumber?: number;
  readonly objectId?: string;
  /** Generic `object.*` events: `0-1` contact, `0-3` deal, `0-5` ticket, `2-…` custom. */
  readonly objectTypeId?: string;
  readonly propertyName?: string;
  readonly propertyValue?: string;
  readonly changeSource?: string;
  readonly sourceId?: string;
  readonly primaryObjectId?: string;
  readonly mergedObjectIds?: readonly string[];
  readonly newObjectId?: string;
  readonly numberOfPropertiesMoved?: number;
  readonly associationType?: string;
  readonly fromObjectId?: string;
  readonly toObjectId?: string;
  readonly associationRemoved?: boolean;
  readonly isPrimaryAssociation?: boolean;
  /** `outcomeBilling.crmRead` only (CRM_READ_TYPE): whether HubSpot had the record, the values read, and when. */
  readonly found?: boolean;
  readonly properties?: Readonly<Record<string, string>>;
  readonly readAt?: number;
}

/**
 * Not a HubSpot type: the service's own, for a CRM read the live ledger applied (a `crm_read` signal)
 * written to an events file by `export`, so that `simulate` replays it. Generic in form: `objectTypeId`
 * and `objectId` name the record, `occurredAt` is the instant the read was applied at, `found`,
 * `properties` (name to value, '' for unknown) and `readAt` (when HubSpot was read) are the read.
 * Webhook deliveries never carry it: the receiver ignores it as an unknown type.
 */
export const CRM_READ_TYPE = 'outcomeBilling.crmRead';

export const LEGACY_PREFIXES: Readonly<Record<string, ObjectType>> = { contact: 'contact', deal: 'deal', ticket: 'ticket' };
export const OBJECT_TYPE_IDS: Readonly<Record<string, ObjectType>> = { '0-1': 'contact', '0-3': 'deal', '0-5': 'ticket' };

const MAPPED_ACTIONS = ['creation', 'deletion', 'privacyDeletion', 'restore', 'propertyChange', 'merge'] as const;
export type MappedAction = (typeof MAPPED_ACTIONS)[number];
export const isMappedAction = (action: string): action is MappedAction => (MAPPED_ACTIONS as readonly string[]).includes(action);

/** An error message that says `is required` for a missing value, `expected ...` for a wrong one. */
export const required = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `expected ${expected}`;

const integer = (expected: string) =>
  z.number({ error: required(expected) }).int({ error: `expected ${expected}` }).min(0, { error: `expected ${expected}` });

/** The instants a JS date holds that a person means: 1970-01-01 up to the end of 9999, in epoch ms. */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const EPOCH_RANGE = `from 0 (1970-01-01T00:00:00Z) to ${LATEST_MS} (9999-12-31T23:59:59.999Z)`;

/** Epoch ms: a fraction or a text is the wrong kind of value; a whole number out of range gets the range, not "expected an integer". */
const epochMs = z.number({ error: required('epoch milliseconds as an integer') }).check((ctx) => {
  const v = ctx.value;
  if (!Number.isInteger(v)) ctx.issues.push({ code: 'custom', input: v, message: 'expected epoch milliseconds as an integer', params: { problem: 'invalid_type' } });
  else if (v < 0 || v > LATEST_MS) ctx.issues.push({ code: 'custom', input: v, message: `must be epoch milliseconds ${EPOCH_RANGE}, got ${quoteInput(v)}`, params: { problem: 'invalid_value' } });
});

// HubSpot treats ids as opaque digits; a JSON number past 2^53 has already lost digits, so it cannot be trusted.
function readObjectId(value: unknown): string | { error: string } {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
    if (Number.isInteger(value) && value > 0) return { error: 'is too large to be exact as a JSON number: send it as a string' };
    return { error: 'expected a HubSpot id: a whole number, or a string of digits' };
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, '');
  return { error: 'expected a HubSpot id: a whole number, or a string of digits' };
}

/** A HubSpot id (a number or a string of digits) as its decimal string. */
export const requiredIdSchema = z.unknown().transform((value, ctx): string => {
  const id = value === undefined ? { error: 'is required' } : readObjectId(value);
  if (typeof id === 'string') return id;
  ctx.issues.push({ code: 'custom', message: id.error, input: value, params: { problem: value === undefined ? 'required' : 'invalid_value' } });
  return z.NEVER;
});
// `.nullish()` outside the transform: an absent key must skip it, not produce a value.
const objectIdSchema = requiredIdSchema.nullish();

const optionalString = (expected = 'a string') => z.string({ error: `expected ${expected}` }).nullish();

const rawEventSchema = z
  .object({
    eventId: integer('an integer event id'),
    subscriptionId: integer('an integer subscription id'),
    portalId: integer('an integer portal id'),
    appId: integer('an integer app id').nullish(),
    occurredAt: epochMs,
    subscriptionType: z
      .string({ error: required('a subscription type such as contact.propertyChange') })
      .min(1, { error: 'expected a subscription type such as contact.propertyChange' }),
    attemptNumber: integer('an integer attempt number (0 for the first delivery)').nullish(),
    objectId: objectIdSchema,
    objectTypeId: z
      .string({ error: 'expected an object type id such as 0-1' })
      .regex(/^\d+-\d+$/, { error: 'expected an object type id such as 0-1' })
      .nullish(),
    propertyName: z.string({ error: 'expected a property name' }).min(1, { error: 'expected a property name' }).nullish(),
    propertyValue: optionalString(),
    changeSource: optionalString(),
    sourceId: optionalString(),
    primaryObjectId: objectIdSchema,
    mergedObjectIds: z.array(requiredIdSchema, { error: 'expected an array of HubSpot ids' }).nullish(),
    newObjectId: objectIdSchema,
    numberOfPropertiesMoved: integer('an integer').nullish(),
    associationType: optionalString(),
    fromObjectId: objectIdSchema,
    toObjectId: objectIdSchema,
    associationRemoved: z.boolean({ error: 'expected true or false' }).nullish(),
    isPrimaryAssociation: z.boolean({ error: 'expected true or false' }).nullish(),
    found: z.boolean({ error: 'expected true or false' }).nullish(),
    properties: z.record(z.string(), z.string({ error: 'expected a property value as a string' }), { error: 'expected an object of property name to value' }).nullish(),
    readAt: integer('epoch milliseconds as an integer').nullish(),
  })
  // Also run when fields failed, so that one pass lists every problem of the event.
  .superRefine(checkActionFields, {
    when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
  });

/**
 * Only the events this service reads must carry their action's fields: rejecting a delivery over an
 * event it would ignore anyway would make HubSpot retry (and finally drop) the good events with it.
 * Reads defensively: fields may have failed their own checks.
 */
function checkActionFields(event: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const type = event['subscriptionType'];
  if (typeof type !== 'string') return;
  if (type === CRM_READ_TYPE) {
    checkCrmReadFields(event, ctx);
    return;
  }
  const { prefix, action } = splitType(type);
  if (!isMappedAction(action)) return;
  const typeId = event['objectTypeId'];
  const legacy = LEGACY_PREFIXES[prefix];
  if (legacy !== undefined && typeof typeId === 'string' && /^\d+-\d+$/.test(typeId) && typeId !== OBJECT_TYPE_ID[legacy]) {
    ctx.addIssue({ code: 'custom', path: ['objectTypeId'], message: `${typeId} contradicts ${type} (expected ${OBJECT_TYPE_ID[legacy]})`, params: { problem: 'conflict' } });
    return;
  }
  if (prefix === 'object' && typeId == null) {
    ctx.addIssue({ code: 'custom', path: ['objectTypeId'], message: `is required for ${type}`, input: undefined });
    return;
  }
  const objectType = legacy ?? (prefix === 'object' && typeof typeId === 'string' ? OBJECT_TYPE_IDS[typeId] : undefined);
  if (objectType === undefined) return;
  const need = (field: 'objectId' | 'propertyName' | 'primaryObjectId') => {
    // input: undefined marks the value as missing, so its problem's code is `required`.
    if (event[field] == null) ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${type}`, input: undefined });
  };
  need(action === 'merge' ? 'primaryObjectId' : 'objectId');
  if (action === 'propertyChange') need('propertyName');
}

function checkCrmReadFields(event: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const typeId = event['objectTypeId'];
  if (typeof typeId === 'string' && OBJECT_TYPE_IDS[typeId] === undefined) {
    ctx.addIssue({ code: 'custom', path: ['objectTypeId'], message: `expected 0-1, 0-3 or 0-5 for ${CRM_READ_TYPE}`, params: { problem: 'invalid_value' } });
  }
  for (const field of ['objectTypeId', 'objectId', 'found', 'properties'] as const) {
    if (event[field] == null) ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${CRM_READ_TYPE}`, input: undefined });
  }
}

function normalizeEvent(raw: z.output<typeof rawEventSchema>): HubSpotWebhookEvent {
  const event: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    event[key] = value;
  }
  return event as unknown as HubSpotWebhookEvent;
}

/** One HubSpot webhook event. Unknown fields are accepted and dropped: HubSpot adds fields over time. */
export const hubSpotWebhookEventSchema: z.ZodType<HubSpotWebhookEvent> = rawEventSchema.transform(normalizeEvent);

/** One delivery: the JSON array HubSpot POSTs. */
export const hubSpotWebhookBatchSchema = z.array(hubSpotWebhookEventSchema, {
  error: 'expected a JSON array of HubSpot webhook events',
});

/** `contact.propertyChange` → `contact` and `propertyChange`. */
export function splitType(subscriptionType: string): { prefix: string; action: string } {
  const dot = subscriptionType.indexOf('.');
  return dot < 0
    ? { prefix: subscriptionType, action: '' }
    : { prefix: subscriptionType.slice(0, dot), action: subscriptionType.slice(dot + 1) };
}
