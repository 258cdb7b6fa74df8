// What reconcile needs from HubSpot and the write-back: the verification log read back page by page (objects list endpoint), archiving a log with no outcome, and re-queuing write-backs.
import type { RecordRef } from './ports.ts';

/** One verification-log record as HubSpot returns it; an empty or missing property reads as ''. */
export interface LogRecord {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface LogPage {
  readonly status: number;
  readonly results: readonly LogRecord[];
  /** The paging cursor of the next page (HubSpot's `paging.next.after`), null on the last page. */
  readonly after: string | null;
}

export interface VerificationLogApi {
  /**
   * `GET /crm/objects/2026-09/{objectType}?limit=100&properties=...&after=...`: one page of the object's
   * records. The list endpoint, not search: search stops at 10,000 results and lags behind writes.
   */
  listPage(objectType: string, properties: readonly string[], after: string | null): Promise<LogPage>;
  /** `POST /crm/objects/2026-09/{objectType}/batch/archive` with 1 to 100 ids. */
  archive(objectType: string, ids: readonly string[]): Promise<{ readonly status: number }>;
}

/** An outcome whose verification log the write-back must write again. */
export interface Requeue {
  readonly record: RecordRef;
  readonly outcomeId: string;
  /** The log's HubSpot id when HubSpot has one (kept, so the write is an update); null when HubSpot has none. */
  readonly logId: string | null;
}

export interface RepairQueue {
  /** Forgets what the write-back last wrote for each outcome and puts its record in the outbox, due at `now`. */
  requeue(items: readonly Requeue[], now: number): Promise<number>;
}

/** What the latest reconcile of a period found, kept for the home page's "last reconcile" (issue 9, item 6). */
export interface ReconcileSummary {
  /** When it ran, ISO 8601 UTC. */
  readonly at: string;
  readonly clean: boolean;
  readonly mismatches: number;
  /** Mismatches by kind. */
  readonly byKind: Readonly<Record<string, number>>;
  /** With --repair: write-backs queued and logs archived. */
  readonly repaired: null | { readonly queued: number; readonly archived: number };
}

export interface ReconcileResults {
  save(portalId: number, period: string, summary: ReconcileSummary): Promise<void>;
  latest(portalId: number): Promise<Record<string, ReconcileSummary>>;
}
