// Use case: an operator action (contract §7) checked by a dry run on what it would apply to, stored atomically, idempotent per request id.
import { createHash } from 'node:crypto';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { DecideError } from '../core/engine/decide.ts';
import { isPauseAction, recordOfOutcomeId } from '../core/engine/input.ts';
import type { Action, DisputeAction, PauseAction } from '../core/engine/input.ts';
import { isResolver } from '../core/engine/users.ts';
import type { DisputeResolvers } from '../core/engine/users.ts';
import type { Problem } from '../core/problems.ts';
import { OBJECT_TYPES } from '../core/types.ts';
import type { ObjectType, UserRef } from '../core/types.ts';
import { dryRun } from './dry-run.ts';
import { knownCriteria, pauseTimelineOf } from './pause-log.ts';
import type { ActionAnswer, ActionWriteResult, RecordRef, RecordScheduler, SignalStore, StoredAnswer } from './ports.ts';

/** What a person asks for; the time and the user are the service's, never the request's. */
export type ActionBody =
  | { readonly type: 'open_dispute'; readonly outcomeId: string; readonly reason: string }
  | { readonly type: 'resolve_dispute'; readonly outcomeId: string; readonly resolution: 'upheld' | 'rejected'; readonly note: string }
  | { readonly type: 'pause' | 'resume'; readonly criteriaId: string; readonly note: string };

export interface ActionRequest {
  readonly portalId: number;
  /** The caller's id for this request: a retry carries the same one. */
  readonly requestId: string;
  /** From the signed request. */
  readonly user: UserRef;
  readonly body: ActionBody;
}

export type SubmitResult =
  /** Stored (or stored before, for a retried request: `repeated`), with the answer first given. */
  | { readonly kind: 'accepted'; readonly answer: ActionAnswer; readonly repeated: boolean }
  /** The action does not apply (contract §7): nothing stored. */
  | { readonly kind: 'refused'; readonly error: DecideError }
  /** Not the caller's to do: an outcome the portal does not have, or a user who may not resolve. */
  | { readonly kind: 'forbidden'; readonly message: string; readonly problems: readonly Problem[] }
  /** The request id was used for another request. */
  | { readonly kind: 'conflict'; readonly problem: Problem };

export interface SubmitActionDeps {
  readonly store: SignalStore;
  readonly scheduler: RecordScheduler;
  readonly criteria: () => CriteriaSet;
  /** Epoch ms: an action's `at` is when the service took it. */
  readonly clock: () => number;
  readonly resolvers: DisputeResolvers;
  /** The action is stored before its record's job is queued; a failure to queue loses nothing (the sweeper wakes it). */
  readonly onWakeError?: (error: unknown) => void;
}

/** Other writes kept changing what the dry run read: the caller answers 503 and the card tries again. */
export class ActionContendedError extends Error {
  override readonly name = 'ActionContendedError';
}

const MAX_TRIES = 10;

/** One dry run and write: stored (with the record to wake), to run again, answered before, or the refusal. */
type Attempt =
  | { readonly kind: 'stored'; readonly wake: RecordRef | null; readonly answer: ActionAnswer }
  | Exclude<ActionWriteResult, { kind: 'stored' }>
  | Exclude<SubmitResult, { kind: 'accepted' | 'conflict' }>;

/**
 * The dry run applies the action where the worker will: on the record's state with its pending inputs up
 * to the action's time (a dispute), or on the portal's pause timeline (a pause or resume). A refusal is
 * the core's, and nothing is stored. An accepted action is stored only if what the dry run read is
 * unchanged (else it runs again), so the worker applying it in `at` order reaches the same decision.
 */
export async function submitAction(deps: SubmitActionDeps, request: ActionRequest): Promise<SubmitResult> {
  if (request.body.type !== 'open_dispute' && !isResolver(deps.resolvers, request.user)) {
    const what = request.body.type === 'resolve_dispute' ? 'resolve disputes' : 'pause or resume criteria';
    const problem: Problem = { code: 'invalid_value', path: ['userId'], message: `is not one of this portal's dispute resolvers (DISPUTE_RESOLVERS), who alone may ${what}` };
    return { kind: 'forbidden', message: `only the portal's dispute resolvers may ${what}`, problems: [problem] };
  }
  const fingerprint = fingerprintOf(request);
  for (let i = 0; i < MAX_TRIES; i++) {
    const first = await deps.store.requestAnswer(request.portalId, request.requestId);
    if (first) return answered(first, fingerprint);
    const action = actionOf(request.body, deps.clock(), request.user);
    const attempt = isPauseAction(action) ? await tryPause(deps, request, action, fingerprint) : await tryDispute(deps, request, action, fingerprint);
    switch (attempt.kind) {
      case 'changed':
        continue;
      case 'answered':
        return answered(attempt.stored, fingerprint);
      case 'stored':
        if (attempt.wake) await deps.scheduler.wake(attempt.wake, attempt.answer.action.at).catch((e: unknown) => deps.onWakeError?.(e));
        return { kind: 'accepted', answer: attempt.answer, repeated: false };
      default:
        return attempt;
    }
  }
  throw new ActionContendedError(`request ${request.requestId}: what the action applies to kept changing (${MAX_TRIES} tries)`);
}

/**
 * Every pending action of the record is read, whatever its time: one taken a moment ago by a replica
 * whose clock runs ahead has a later `at`. The action then takes that later `at`, so the record's
 * actions keep the order they were taken in and the dry run sees them all (docs/decisions.md,
 * "Operator actions"); the store takes it only while no action later than it is pending.
 */
async function tryDispute(deps: SubmitActionDeps, request: ActionRequest, taken: DisputeAction, fingerprint: string): Promise<Attempt> {
  const where = recordOfOutcomeId(taken.outcomeId);
  if (where === null || !(OBJECT_TYPES as readonly string[]).includes(where.objectType)) return notThisPortals(taken.outcomeId);
  const record: RecordRef = { portalId: request.portalId, objectType: where.objectType as ObjectType, recordId: where.recordId };
  const loaded = await deps.store.load(record, Number.POSITIVE_INFINITY);
  if (loaded.state === null) return notThisPortals(taken.outcomeId);
  const latest = loaded.actions.reduce((at, a) => Math.max(at, a.action.at), taken.at);
  const action: DisputeAction = latest === taken.at ? taken : { ...taken, at: latest };
  const dry = dryRun(loaded, record, action.at, deps.criteria(), [action]);
  const refusal = dry.refused.find((r) => r.action === action);
  if (refusal?.error.code === 'unknown_outcome') return (await archivedRefusal(deps.store, record, action.outcomeId)) ?? notThisPortals(action.outcomeId);
  if (refusal) return { kind: 'refused', error: refusal.error };
  const answer: ActionAnswer = { action, outcome: dry.state.outcomes.find((o) => o.outcomeId === action.outcomeId) ?? null };
  const pendingCount = loaded.pending.filter((p) => p.signal.at <= action.at).length + loaded.actions.length;
  const stored = await deps.store.storeAction({ kind: 'dispute', portalId: record.portalId, requestId: request.requestId, fingerprint, answer, action, record, version: loaded.version, pendingCount });
  return afterWrite(stored, answer, record);
}

/** An outcome of the record settled past the dispute horizon is archived (docs/decisions.md, "Bounded state"): it exists, and can no longer be disputed. */
async function archivedRefusal(store: SignalStore, record: RecordRef, outcomeId: string): Promise<Attempt | null> {
  if (!(await store.archived(record)).some((o) => o.outcomeId === outcomeId)) return null;
  const message = `${outcomeId} settled longer ago than the dispute horizon (DISPUTE_HORIZON_MS): it can no longer be disputed`;
  return { kind: 'refused', error: { code: 'not_disputable', path: ['outcomeId'], message } };
}

async function tryPause(deps: SubmitActionDeps, request: ActionRequest, action: PauseAction, fingerprint: string): Promise<Attempt> {
  const pauses = await deps.store.pauses(request.portalId);
  const criteria = deps.criteria();
  const error = pauseTimelineOf(pauses, criteria).apply(action, knownCriteria(criteria));
  if (error) return { kind: 'refused', error };
  const answer: ActionAnswer = { action, outcome: null };
  const stored = await deps.store.storeAction({ kind: 'pause', portalId: request.portalId, requestId: request.requestId, fingerprint, answer, action, pauseCount: pauses.length });
  return afterWrite(stored, answer, null);
}

const afterWrite = (result: ActionWriteResult, answer: ActionAnswer, record: RecordRef | null): Attempt =>
  result.kind === 'stored' ? { kind: 'stored', wake: result.wake ? record : null, answer } : result;

function actionOf(body: ActionBody, at: number, by: UserRef): Action {
  switch (body.type) {
    case 'open_dispute':
      return { type: body.type, at, by, outcomeId: body.outcomeId, reason: body.reason };
    case 'resolve_dispute':
      return { type: body.type, at, by, outcomeId: body.outcomeId, resolution: body.resolution, note: body.note };
    default:
      return { type: body.type, at, by, criteriaId: body.criteriaId, note: body.note };
  }
}

/** Whether the outcome exists in another portal is never said: it is not this portal's. */
function notThisPortals(outcomeId: string): Attempt {
  const message = `${outcomeId} is not an outcome of this HubSpot account`;
  return { kind: 'forbidden', message, problems: [{ code: 'not_found', path: ['outcomeId'], message: 'is not an outcome of this HubSpot account' }] };
}

function answered(stored: StoredAnswer, fingerprint: string): SubmitResult {
  if (stored.fingerprint === fingerprint) return { kind: 'accepted', answer: stored.answer, repeated: true };
  return { kind: 'conflict', problem: { code: 'conflict', path: ['requestId'], message: 'was already used for a different request: send a new request id' } };
}

/** The same request is the same body from the same user, whatever the order of its fields. */
function fingerprintOf(request: ActionRequest): string {
  const fields = Object.entries({ ...request.body, userId: request.user.userId, email: request.user.email }).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}
