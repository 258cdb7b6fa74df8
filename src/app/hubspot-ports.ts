// The HubSpot CRM calls the drains make (batch read, update, upsert, default associations) and the names the service writes under: the contract the HubSpot adapter implements.
import type { ObjectType } from '../core/types.ts';

/**
 * Every property, group and object the service defines starts with this, so people can tell them from
 * their own, and so webhook subscriptions can leave them out: the service's own writes must never come
 * back to it as signals.
 */
export const BILLING_PREFIX = 'ob_';

/** HubSpot's cap on inputs per batch call (read, update, upsert, associations). */
export const MAX_BATCH_INPUTS = 100;

/** The unique property that makes a verification-log write an idempotent upsert. */
export const VERIFICATION_LOG_ID_PROPERTY = 'ob_outcome_id';

/** The standard objects the service reads and writes, as the CRM APIs name them. */
export type CrmObjectType = 'contacts' | 'deals' | 'tickets';

/** The object types the CRM APIs use for the core's object names. */
export const CRM_OBJECT_TYPES: Readonly<Record<ObjectType, CrmObjectType>> = { contact: 'contacts', deal: 'deals', ticket: 'tickets' };

/**
 * The verification-log object of a portal by its fully qualified name. HubSpot accepts the objectTypeId
 * (`2-…`), the fully qualified name (`p{portalId}_{name}`) or the `p_{name}` short form in every objects
 * and associations path (changelog "Removed support for referencing custom object types by base name").
 * The fully qualified name follows from the portal id every record already carries: no schema read at
 * start, no id to configure, and it names the portal the write is meant for.
 */
export function verificationLogObjectType(portalId: number): string {
  return `p${portalId}_ob_verification_log`;
}

/** One failed input of a batch call, as HubSpot's `errors[]` says it. */
export interface BatchInputError {
  /** `VALIDATION_ERROR`, `OBJECT_NOT_FOUND`, ... */
  readonly category: string | null;
  readonly message: string;
  /** The detail messages of the error's own `errors[]`, when given. */
  readonly details: readonly string[];
}

/**
 * A 200 or 207 answer, split per input by the caller's key (the record id, the unique value, or
 * `from>to` for associations). An input in neither map got no word: treat it as not done.
 */
export interface BatchResult<T> {
  readonly status: number;
  readonly results: ReadonlyMap<string, T>;
  readonly errors: ReadonlyMap<string, BatchInputError>;
  /** Errors HubSpot did not tie to an input (no trace id or id in their context). */
  readonly unattributed: readonly BatchInputError[];
}

export interface ObjectWrite {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface UpsertResult {
  /** HubSpot's own record id of the upserted object. */
  readonly id: string;
  /** True when the upsert created the record (HubSpot's `new`). */
  readonly created: boolean;
}

export interface AssociationPair {
  readonly from: string;
  readonly to: string;
}

export const associationKey = (p: AssociationPair): string => `${p.from}>${p.to}`;

/**
 * Each call takes 1 to MAX_BATCH_INPUTS inputs and resolves with HubSpot's 200 or 207 answer; any other
 * outcome rejects with one of the errors of hubspot-errors.ts (429, 5xx, a refused request, no answer,
 * an answer that cannot be read), which the drains sort into wait, back off, split or dead-letter.
 */
export interface CrmApi {
  /** `POST /crm/objects/2026-09/{objectType}/batch/read`: results keyed by record id, values as HubSpot gave them (null when empty). */
  batchRead(objectType: string, ids: readonly string[], properties: readonly string[]): Promise<BatchResult<Readonly<Record<string, string | null>>>>;
  /** `POST /crm/objects/2026-09/{objectType}/batch/update`: keyed by record id. */
  batchUpdate(objectType: string, inputs: readonly ObjectWrite[]): Promise<BatchResult<{ readonly id: string }>>;
  /** `POST /crm/objects/2026-09/{objectType}/batch/upsert` by a unique property: keyed by that property's value. */
  batchUpsert(objectType: string, idProperty: string, inputs: readonly ObjectWrite[]): Promise<BatchResult<UpsertResult>>;
  /** `POST /crm/associations/2026-09/{from}/{to}/batch/associate/default`: keyed by `associationKey`. */
  associateDefault(fromObjectType: string, toObjectType: string, pairs: readonly AssociationPair[]): Promise<BatchResult<true>>;
}
