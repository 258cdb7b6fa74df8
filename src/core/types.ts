// Shared vocabulary of the decision core: objects, statuses, reasons, signals and conditions.

export const OBJECT_TYPES = ['contact', 'deal', 'ticket'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** HubSpot's object type id of each object type (`0-1` contacts, `0-3` deals, `0-5` tickets): in webhooks, record URLs and exports. */
export const OBJECT_TYPE_ID: Readonly<Record<ObjectType, string>> = { contact: '0-1', deal: '0-3', ticket: '0-5' };

export const STATUSES = ['open', 'failed', 'in_review', 'billable', 'not_billable', 'credited'] as const;
export type Status = (typeof STATUSES)[number];

/** The attempt taxonomy: the only codes a `failure_reasons` rule may name (contract §4). */
export const ATTEMPT_REASONS = [
  'insufficient_inputs',
  'policy_block',
  'third_party_failure',
  'duplicate_or_merge_required',
  'latency_breach',
  'human_review_fail',
] as const;
export type AttemptReason = (typeof ATTEMPT_REASONS)[number];

export const REASONS = [...ATTEMPT_REASONS, 'reversed', 'excluded', 'cap_reached', 'unclassified'] as const;
export type Reason = (typeof REASONS)[number];

/**
 * A record's properties as HubSpot reports them: internal name → string value.
 * A missing or empty value is "unknown" (contract §2).
 */
export type Properties = ReadonlyMap<string, string>;

/** A condition parsed once into an evaluable form; never `eval`. */
export interface Condition {
  /** The text as written in the criteria file. */
  readonly source: string;
  /** Every property name the condition reads, in order of first use, without repeats. */
  readonly properties: readonly string[];
  evaluate(props: Properties): boolean;
}

/** A HubSpot user who took an operator action: taken from a signed request, never from a body (contract §5). */
export interface UserRef {
  readonly userId: number;
  readonly email: string;
}

/** Where a signal came from, kept in the audit trail (a HubSpot event id, a file line, ...). */
export type SignalRef = string;

interface SignalBase {
  readonly objectType: ObjectType;
  readonly recordId: string;
  /** Event time (HubSpot's `occurredAt`), epoch ms. Signals are applied in this order. */
  readonly at: number;
  readonly ref?: SignalRef;
  /** HubSpot's `sourceId` (`userId:123`, an integration's id): who caused the change; a press's becomes its outcome's `agentId` (§9). */
  readonly source?: string;
}

/** A change to one record at one time (contract §3). */
export type Signal =
  | (SignalBase & { readonly kind: 'property'; readonly property: string; readonly value: string })
  | (SignalBase & { readonly kind: 'created' | 'deleted' | 'restored' })
  /** The record survived a merge (HubSpot's `newObjectId`). */
  | (SignalBase & { readonly kind: 'merged' })
  /** The record was merged into `into` and no longer exists on its own. */
  | (SignalBase & { readonly kind: 'merged_away'; readonly into: string })
  /**
   * The live service read the record from HubSpot to verify a settlement: the values it read, as of
   * `at` (the settlement instant), and whether HubSpot still has the record. Never a press.
   */
  | (SignalBase & { readonly kind: 'crm_read'; readonly found: boolean; readonly properties: Readonly<Record<string, string>> });

export type SignalKind = Signal['kind'];

