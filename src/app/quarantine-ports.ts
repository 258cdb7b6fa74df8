// What the receiver needs to keep the events of a signed delivery that could not be signals (issue 10: signed batches are never lost whole).
import type { Problem } from '../core/problems.ts';

/**
 * Why an event of a signed delivery was set aside instead of stored as a signal: it is not a HubSpot
 * event (`invalid_event`), it names another portal than the delivery (`portal_conflict`), or it
 * happened more than 24 h after the receiver's clock (`future_event`).
 */
export type QuarantineReason = 'invalid_event' | 'portal_conflict' | 'future_event';

export interface QuarantinedEvent {
  readonly reason: QuarantineReason;
  /** Each problem's path starts at the event (`["occurredAt"]`). */
  readonly problems: readonly Problem[];
  /** The event as received (JSON; kept without HubSpot's `attemptNumber`), or a summary when it is too large to keep whole. */
  readonly event: unknown;
  /** Its place in the delivery, for the log line; not kept. */
  readonly index?: number;
}

export interface QuarantineEntry extends Omit<QuarantinedEvent, 'index'> {
  /** When it was first quarantined (epoch ms). */
  readonly receivedAt: number;
}

/**
 * Events of signed deliveries that could not be signals, kept for an operator: bounded per portal
 * (count and retention), the same event kept once however often HubSpot sends it.
 */
export interface QuarantineStore {
  /** `portalId` null: no event of the delivery named a portal. Resolves once stored; StoreUnavailableError when it cannot. */
  add(portalId: number | null, events: readonly QuarantinedEvent[], receivedAt: number): Promise<void>;
  /** Newest first, at most `limit`, and how many are kept in all. */
  list(portalId: number | null, limit: number, now: number): Promise<{ entries: QuarantineEntry[]; total: number }>;
}
