// The in-memory signal store's operator actions, with the Redis scripts' semantics: request answers, atomic writes, the pause log, appends to the portal log.
import { recordRefKey } from '../../app/ports.ts';
import type { ActionWrite, ActionWriteResult, PortalLogEntry, StoredAnswer } from '../../app/ports.ts';
import type { PauseAction } from '../../core/engine/input.ts';
import type { Data, StoredRecord } from './signal-store.ts';

/** As in Redis: a request id's answer is kept a week. */
const REQUEST_TTL_MS = 7 * 24 * 3_600_000;

/** What the store keeps for actions, named after the Redis keys it stands for. */
export interface ActionData {
  /** Portal -> its log: appended to, trimmed from its head. */
  readonly logs: Map<number, PortalLogEntry[]>;
  /** Portal -> the entries trims removed from its log's head, and the pauses among them (`log-trimmed:`). */
  readonly logTrims: Map<number, { entries: number; pauses: number }>;
  /** Portal -> the first snapshots trims moved out of its log, by 'objectType:recordId' (`log-firsts:`). */
  readonly logFirsts: Map<number, Map<string, Extract<PortalLogEntry, { entry: 'initial' }>>>;
  /** Portal -> its pause and resume actions in the order taken. */
  readonly pauseLogs: Map<number, PauseAction[]>;
  /** "portal|requestId" -> the answer given, and when it expires. */
  readonly requests: Map<string, { readonly stored: StoredAnswer; readonly expiresAt: number }>;
}

export const createActionData = (): ActionData => ({ logs: new Map(), logTrims: new Map(), logFirsts: new Map(), pauseLogs: new Map(), requests: new Map() });

export function appendLog(d: ActionData, portalId: number, e: PortalLogEntry): void {
  const log = d.logs.get(portalId) ?? [];
  log.push(structuredClone(e));
  d.logs.set(portalId, log);
}

export const pausesOf = (d: ActionData, portalId: number): PauseAction[] => structuredClone(d.pauseLogs.get(portalId) ?? []);

export function requestAnswer(d: Data, portalId: number, requestId: string): StoredAnswer | null {
  const found = d.requests.get(`${portalId}|${requestId}`);
  return found !== undefined && found.expiresAt > d.clock() ? structuredClone(found.stored) : null;
}

/** `record` is the dispute's record entry (created if new, as a Redis key would be), null for a pause. */
export function storeAction(d: Data, record: StoredRecord | null, write: ActionWrite): ActionWriteResult {
  const taken = requestAnswer(d, write.portalId, write.requestId);
  if (taken !== null) return { kind: 'answered', stored: taken };
  let wake = false;
  if (write.kind === 'dispute') {
    const r = record!;
    if (r.version !== write.version || r.pending.upTo(write.action.at).length !== write.pendingCount || hasLaterAction(r, write.action.at)) return { kind: 'changed' };
    const member = String(++d.seq).padStart(16, '0');
    r.pending.set(member, write.action.at);
    r.inputs.set(member, structuredClone(write.action));
    wake = d.due.lower(recordRefKey(write.record), write.action.at);
  } else {
    const log = d.pauseLogs.get(write.portalId) ?? [];
    if (log.length !== write.pauseCount) return { kind: 'changed' };
    log.push(structuredClone(write.action));
    d.pauseLogs.set(write.portalId, log);
  }
  appendLog(d, write.portalId, { entry: 'action', action: write.action });
  d.requests.set(`${write.portalId}|${write.requestId}`, { stored: structuredClone({ fingerprint: write.fingerprint, answer: write.answer }), expiresAt: d.clock() + REQUEST_TTL_MS });
  return { kind: 'stored', wake };
}

/** Whether an action later than `at` is pending on the record (signals have `kind`, actions do not). */
function hasLaterAction(r: StoredRecord, at: number): boolean {
  for (const [member, score] of r.pending.upTo(Number.POSITIVE_INFINITY)) if (score > at && !('kind' in r.inputs.get(member)!)) return true;
  return false;
}
