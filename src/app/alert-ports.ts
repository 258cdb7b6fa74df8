// What budget alerts (contract §8) need from storage and the outside world: the charge counters, the once-only claim, the fired alerts and their deliveries.
import type { BudgetAlert } from '../core/alerts/thresholds.ts';
import type { RecordRef } from './ports.ts';

/**
 * A budget alert as fired, once per portal, criteria id, billing period and threshold: `chargeMinor` and
 * `expectedMinor` in minor units of `currency`, `firedAt` the instant (event time, epoch ms). The core's
 * type: simulate prints the same alerts.
 */
export type FiredAlert = BudgetAlert;

/** The alert's identity: the same in every store, log line and webhook POST, so a receiver can tell a repeat. */
export const alertIdOf = (portalId: number, a: Pick<FiredAlert, 'criteriaId' | 'period' | 'threshold'>): string => `${portalId}:${a.criteriaId}:${a.period}:${a.threshold}`;

/** A period of an id whose charge went up: its thresholds need a look, as of `at` (event time: the budget in force then). */
export interface ChargeCheck {
  readonly portalId: number;
  readonly criteriaId: string;
  readonly period: string;
  readonly at: number;
}

/** What a check reads: the portal's charge counters, and the thresholds already fired for the id and period. */
export interface CheckSnapshot {
  /** The portal's counters (src/core/alerts/charge-counts.ts fields), as stored. */
  readonly counters: Readonly<Record<string, string>>;
  /** Bumped by every commit that marks this check: the claim clears the mark only when no such commit came in between. */
  readonly revision: string;
  readonly fired: ReadonlySet<number>;
}

/** One alert waiting to be delivered, taken under a lease. */
export interface AlertDelivery {
  readonly portalId: number;
  readonly alertId: string;
  readonly alert: FiredAlert;
  /** Takes so far, this one included. */
  readonly attempts: number;
  /** Whether its log line and metric are out already (by this or an earlier take). */
  readonly announced: boolean;
}

export interface AlertStore {
  snapshot(check: ChargeCheck): Promise<CheckSnapshot>;
  /**
   * Atomically, for each alert whose threshold has not fired for its portal, id and period: records it
   * as fired (the home page's list) and queues its delivery; then clears the check when the counters
   * are still at `revision`. Deliveries are due at `now`. Returns the alerts it recorded: a threshold another worker got first is not.
   */
  claim(check: ChargeCheck, revision: string, alerts: readonly FiredAlert[], now: number): Promise<FiredAlert[]>;
  /** Checks older than `before` (event time) still marked: their worker may have died between its commit and its check. */
  staleChecks(before: number, limit: number): Promise<ChargeCheck[]>;
  /** Deliveries due by `now`, each leased until `leaseUntil` (a taker that dies gives it back then). */
  take(now: number, leaseUntil: number, limit: number): Promise<AlertDelivery[]>;
  announced(alertId: string): Promise<void>;
  /** Delivered (or given up on): out of the queue. */
  finish(alertId: string): Promise<void>;
  /** Try again at `at`. */
  retryAt(alertId: string, at: number): Promise<void>;
  /**
   * Adds a record's counts to its portal's counters unless they are in already (set by a commit, or an
   * earlier backfill): for records last written before the counters existed. `changed` when the record's
   * version is no longer `version` (nothing written: read it again).
   */
  countRecord(record: RecordRef, version: number, counts: Readonly<Record<string, number>>): Promise<'counted' | 'already' | 'changed'>;
  /** Whether a backfill has gone through every record once; set by the first that did. */
  backfilled(): Promise<boolean>;
  markBackfilled(): Promise<void>;
  /** The alerts fired for a portal in a billing period, in the order they fired (the home page's list). */
  listFiredAlerts(portalId: number, period: string): Promise<FiredAlert[]>;
}

/** The answer of a webhook POST: delivered, or not (with why, for the log), and whether trying again can help. */
export type WebhookResult = { readonly ok: true } | { readonly ok: false; readonly retry: boolean; readonly error: string };

/** Sends one alert to ALERT_WEBHOOK_URL. */
export interface AlertWebhook {
  post(delivery: AlertDelivery): Promise<WebhookResult>;
}

/** What the home page reads of the alerts (src/adapters/redis/alert-store.ts implements it). */
export type FiredAlertReader = Pick<AlertStore, 'listFiredAlerts'>;
