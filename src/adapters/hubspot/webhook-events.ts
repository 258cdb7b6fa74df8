// HubSpot webhook events in, core signals out: validates deliveries and event files, drops retries, maps to `Signal`s (pure, no I/O).
import { z } from 'zod';
import type { InitialRecord } from '../../core/simulate.ts';
import { describeJsonError, parseJsonText } from '../json-text.ts';
import type { JsonSyntaxError } from '../json-text.ts';
import { formatPath } from '../../core/problems.ts';
import type { Problem, ProblemPath } from '../../core/problems.ts';
import type { ObjectType, Signal } from '../../core/types.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';

// ---------------------------------------------------------------------------------------------
// One event, as HubSpot sends it
// ---------------------------------------------------------------------------------------------

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
}

const LEGACY_PREFIXES: Readonly<Record<string, ObjectType>> = { contact: 'contact', deal: 'deal', ticket: 'ticket' };
const OBJECT_TYPE_IDS: Readonly<Record<string, ObjectType>> = { '0-1': 'contact', '0-3': 'deal', '0-5': 'ticket' };
const TYPE_ID_OF: Readonly<Record<ObjectType, string>> = { contact: '0-1', deal: '0-3', ticket: '0-5' };

const MAPPED_ACTIONS = ['creation', 'deletion', 'privacyDeletion', 'restore', 'propertyChange', 'merge'] as const;
type MappedAction = (typeof MAPPED_ACTIONS)[number];
const isMappedAction = (action: string): action is MappedAction => (MAPPED_ACTIONS as readonly string[]).includes(action);

const required = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `expected ${expected}`;

const integer = (expected: string) =>
  z.number({ error: required(expected) }).int({ error: `expected ${expected}` }).min(0, { error: `expected ${expected}` });

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

const requiredIdSchema = z.unknown().transform((value, ctx): string => {
  const id = value === undefined ? { error: 'is required' } : readObjectId(value);
  if (typeof id === 'string') return id;
  ctx.issues.push({ code: 'custom', message: id.error, input: value });
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
    occurredAt: integer('epoch milliseconds as an integer'),
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
  const { prefix, action } = splitType(type);
  if (!isMappedAction(action)) return;
  const typeId = event['objectTypeId'];
  const legacy = LEGACY_PREFIXES[prefix];
  if (legacy !== undefined && typeof typeId === 'string' && /^\d+-\d+$/.test(typeId) && typeId !== TYPE_ID_OF[legacy]) {
    ctx.addIssue({ code: 'custom', path: ['objectTypeId'], message: `${typeId} contradicts ${type} (expected ${TYPE_ID_OF[legacy]})` });
    return;
  }
  if (prefix === 'object' && typeId == null) {
    ctx.addIssue({ code: 'custom', path: ['objectTypeId'], message: `is required for ${type}` });
    return;
  }
  const objectType = legacy ?? (prefix === 'object' && typeof typeId === 'string' ? OBJECT_TYPE_IDS[typeId] : undefined);
  if (objectType === undefined) return;
  const need = (field: 'objectId' | 'propertyName' | 'primaryObjectId') => {
    if (event[field] == null) ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${type}` });
  };
  need(action === 'merge' ? 'primaryObjectId' : 'objectId');
  if (action === 'propertyChange') need('propertyName');
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

function splitType(subscriptionType: string): { prefix: string; action: string } {
  const dot = subscriptionType.indexOf('.');
  return dot < 0
    ? { prefix: subscriptionType, action: '' }
    : { prefix: subscriptionType.slice(0, dot), action: subscriptionType.slice(dot + 1) };
}

// ---------------------------------------------------------------------------------------------
// Identity and mapping
// ---------------------------------------------------------------------------------------------

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
}

type Classified =
  | { readonly kind: 'mapped'; readonly objectType: ObjectType; readonly action: MappedAction }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason; readonly message: string };

function classify(event: HubSpotWebhookEvent): Classified {
  const type = event.subscriptionType;
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

function signalsOf(event: HubSpotWebhookEvent, objectType: ObjectType, action: MappedAction): Signal[] {
  const base = { objectType, at: event.occurredAt, ref: `hubspot:${event.portalId}:${event.eventId}` };
  // The schema guarantees these ids for mapped events; the fallbacks only satisfy the type checker.
  const recordId = event.objectId ?? '';
  switch (action) {
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
    const c = classify(event);
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

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

export type ParseEventsResult =
  | {
      readonly ok: true;
      readonly format: 'json' | 'jsonl';
      readonly events: readonly HubSpotWebhookEvent[];
      /** Where each event is in the file, for messages: `events[3]`, `events[2][5]`, `line 4`, `line 4[1]`. */
      readonly locations: readonly ProblemPath[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Reads an events file: a JSON array of events, in which an element may itself be an array (a
 * delivery batch, flattened one level), or JSON Lines, each non-empty line an event or a batch.
 * Every problem is listed, each with where it is; on any problem no event is returned.
 */
export function parseEventsText(text: string, sourceName: string): ParseEventsResult {
  const body = stripBom(text);
  if (body.trim() === '') {
    return { ok: false, problems: [{ code: 'required', path: [sourceName], message: 'is empty: expected a JSON array of HubSpot webhook events, or JSON Lines' }] };
  }
  const whole = parseJsonText(body);
  const nonEmptyLines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (whole.ok && Array.isArray(whole.value)) return readEventArray(whole.value);
  if (whole.ok && nonEmptyLines.length > 1) {
    return { ok: false, problems: [{ code: 'invalid_type', path: [sourceName], message: 'expected a JSON array of HubSpot webhook events, or JSON Lines (one event or batch per line)' }] };
  }
  // A broken pretty-printed array has a first line that is not JSON on its own; JSON Lines has one that is.
  if (!whole.ok && !parseJsonText(nonEmptyLines[0] ?? '').ok) {
    return { ok: false, problems: [syntaxProblem(sourceName, whole.error)] };
  }
  return readEventLines(body, sourceName);
}

function readEventArray(items: readonly unknown[]): ParseEventsResult {
  const problems: Problem[] = [];
  const events: HubSpotWebhookEvent[] = [];
  const locations: ProblemPath[] = [];
  items.forEach((item, i) => {
    const at = ['events', i];
    if (Array.isArray(item)) {
      item.forEach((inner: unknown, j) => collectEvent(inner, [...at, j], events, locations, problems));
    } else {
      collectEvent(item, at, events, locations, problems, 'an event object or a batch array');
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, format: 'json', events, locations };
}

function readEventLines(body: string, sourceName: string): ParseEventsResult {
  const problems: Problem[] = [];
  const events: HubSpotWebhookEvent[] = [];
  const locations: ProblemPath[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const at = [`line ${i + 1}`];
    const parsed = parseJsonText(line);
    if (!parsed.ok) {
      problems.push(syntaxProblem(sourceName, { ...parsed.error, line: i + 1 }));
      return;
    }
    if (Array.isArray(parsed.value)) {
      parsed.value.forEach((inner: unknown, j) => collectEvent(inner, [...at, j], events, locations, problems));
    } else {
      collectEvent(parsed.value, at, events, locations, problems, 'an event object or a batch array');
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, format: 'jsonl', events, locations };
}

function collectEvent(
  value: unknown,
  at: ProblemPath,
  events: HubSpotWebhookEvent[],
  locations: ProblemPath[],
  problems: Problem[],
  expected = 'an event object',
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ code: 'invalid_type', path: at, message: `expected ${expected}` });
    return;
  }
  const result = hubSpotWebhookEventSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    problems.push(...problemsFromZod(result.error, { at, wording: 'schema' }));
    return;
  }
  events.push(result.data);
  locations.push(at);
}

// ---------------------------------------------------------------------------------------------
// Records file (the simulator's starting state)
// ---------------------------------------------------------------------------------------------

/** A record's state before the first event: numbers and booleans as their string form, null as '' (unknown). */
export type { InitialRecord } from '../../core/simulate.ts';

export type ParseRecordsResult =
  | { readonly ok: true; readonly records: readonly InitialRecord[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const recordSchema = z.strictObject(
  {
    objectType: z.enum(['contact', 'deal', 'ticket'], { error: required('contact, deal or ticket') }),
    id: requiredIdSchema,
    properties: z
      .record(
        z.string().min(1, { error: 'a property name must not be empty' }),
        z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'expected a string, number, boolean or null' }),
        { error: 'expected an object of property name to value' },
      )
      .optional(),
  },
  { error: 'expected a record object { objectType, id, properties }' },
);

/**
 * Reads the simulator's records file: a JSON array of `{ objectType, id, properties }`. Every
 * problem is listed with its path (`records[2].objectType`); a repeated (objectType, id) is one.
 */
export function parseRecordsText(text: string, sourceName: string): ParseRecordsResult {
  const body = stripBom(text);
  if (body.trim() === '') return { ok: false, problems: [{ code: 'required', path: [sourceName], message: 'is empty: expected a JSON array of records' }] };
  const parsed = parseJsonText(body);
  if (!parsed.ok) return { ok: false, problems: [syntaxProblem(sourceName, parsed.error)] };
  if (!Array.isArray(parsed.value)) return { ok: false, problems: [{ code: 'invalid_type', path: ['records'], message: 'expected a JSON array of records' }] };

  const problems: Problem[] = [];
  const records: InitialRecord[] = [];
  const firstAt = new Map<string, number>();
  parsed.value.forEach((item: unknown, i) => {
    const at = ['records', i];
    const result = recordSchema.safeParse(item, { reportInput: true });
    if (!result.success) {
      problems.push(...problemsFromZod(result.error, { at, wording: 'schema' }));
      return;
    }
    const { objectType, id, properties = {} } = result.data;
    const key = `${objectType}:${id}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined) {
      problems.push({ code: 'duplicate', path: [...at, 'id'], message: `${objectType} ${id} is already in records[${earlier}]` });
      return;
    }
    firstAt.set(key, i);
    const props = new Map<string, string>();
    for (const [name, value] of Object.entries(properties)) props.set(name, value === null ? '' : String(value));
    records.push({ objectType, id, properties: props });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, records };
}

// ---------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}


function syntaxProblem(sourceName: string, error: JsonSyntaxError): Problem {
  return { code: 'syntax', path: [sourceName], message: describeJsonError(error) };
}

