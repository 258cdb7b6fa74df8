// One attempt and its outcome: identity, lifecycle fields, dispute, and the ordered audit trail.
import type { ObjectType, Reason, SignalKind, SignalRef, Status, UserRef } from '../types.ts';

export type TimerCause = 'deadline' | 'review_end' | 'retry_window_end';

/** What a signal did to an attempt's checks; kept small because every signal on an unsettled attempt writes one. */
export interface Checks {
  readonly success: boolean;
  readonly failIf?: boolean;
  readonly exclude?: string | null;
  readonly approveIf?: boolean;
  readonly rejectIf?: boolean;
}

interface TrailBase {
  /** Event time of what happened, epoch ms. */
  readonly at: number;
  /** The criteria version in force for the outcome when it happened: its pinned version. */
  readonly version: number;
}

/** The ordered audit trail: every press, signal with its evaluation, transition and dispute step. */
export type TrailEntry =
  | (TrailBase & { readonly type: 'opened' | 'retry' | 'duplicate' | 'suppressed'; readonly ref?: SignalRef })
  | (TrailBase & {
      readonly type: 'signal';
      readonly kind: SignalKind;
      readonly property?: string;
      /** Truncated: the trail is evidence, not a copy of the record. */
      readonly value?: string;
      /** A CRM read: the values read (truncated), and whether HubSpot still had the record. */
      readonly values?: Readonly<Record<string, string>>;
      readonly found?: boolean;
      readonly ref?: SignalRef;
      readonly checks: Checks;
    })
  | (TrailBase & {
      readonly type: 'transition';
      readonly from: Status;
      readonly to: Status;
      readonly cause: 'signal' | TimerCause | 'dispute';
      readonly reason?: Reason;
      readonly label?: string;
    })
  /** A signal behind the clock it was applied at (the live service: older than the record's checkpoint, past the late horizon): noted with its real time. */
  | (TrailBase & { readonly type: 'late'; readonly signalAt: number; readonly ref?: SignalRef })
  /**
   * A late input re-derived the record in event time (contract §7) and this outcome came out different:
   * `changed` (`fields` name what differs), `appeared` (a late press opened it) or `withdrawn` (it no
   * longer happened). `at` is when the correction was made (the record's clock), `lateInput.at` the input's own time.
   */
  | (TrailBase & {
      readonly type: 'corrected';
      readonly change: 'changed' | 'appeared' | 'withdrawn';
      readonly fields: readonly string[];
      readonly from?: Status;
      readonly to?: Status;
      readonly lateInput: LateCause;
    })
  | (TrailBase & {
      readonly type: 'dispute_opened' | 'dispute_upheld' | 'dispute_rejected';
      readonly by: UserRef;
      readonly note: string;
    });

/** The late input that made a correction: a signal (its kind and ref) or an operator action (its type; `ref` is its outcome id). */
export interface LateCause {
  readonly input: 'signal' | 'action';
  readonly kind: string;
  readonly at: number;
  readonly ref?: string;
}

/** An outcome's latest dispute (cli.md's `dispute`); the trail keeps every earlier one. */
export interface Dispute {
  state: 'open' | 'upheld' | 'rejected';
  reason: string;
  openedBy: UserRef;
  openedAt: number;
  resolvedBy: UserRef | null;
  resolvedAt: number | null;
  /** The resolution's note. */
  note: string | null;
}

/**
 * Mutable inside the engine only: decide() owns the record state it is given. Everything a
 * person or an invoice needs is here, so the ledger can be shown without replaying anything.
 */
export interface Outcome {
  readonly outcomeId: string;
  readonly idempotencyKey: string;
  readonly seq: number;
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  readonly objectType: ObjectType;
  readonly recordId: string;
  status: Status;
  reason: Reason | null;
  label: string | null;
  tries: number;
  suppressed: number;
  duplicates: number;
  readonly openedAt: number;
  /** The latest accepted (not suppressed) press: cooldowns count from it. */
  lastPressAt: number;
  /** When the current try must succeed by (`open` only). */
  deadline: number;
  succeededAt: number | null;
  reviewEndsAt: number | null;
  settledAt: number | null;
  billingPeriod: string | null;
  dispute: Dispute | null;
  /** The `sourceId` of the press that opened it (contract §9), or null. */
  readonly agentId: string | null;
  /** The pinned version's `cost_centre_property` value at settlement (contract §9), or null. */
  costCentre: string | null;
  /** Billable but past its id's budget limit for the period (contract §8): not charged. */
  overLimit: boolean;
  /** When an upheld dispute credited it, and the billing period that carries the credit. */
  creditedAt: number | null;
  creditPeriod: string | null;
  trail: TrailEntry[];
}

export const SETTLED: ReadonlySet<Status> = new Set(['billable', 'not_billable', 'credited']);

export function isSettled(o: Outcome): boolean {
  return SETTLED.has(o.status);
}

export function outcomeIdOf(idempotencyKey: string, seq: number): string {
  return `${idempotencyKey}#${seq}`;
}
