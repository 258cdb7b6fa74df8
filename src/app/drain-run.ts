// The loop both HubSpot drains share: one run at a time under a lock, no call while an earlier failure is backed off, batch calls through the limiter within a time budget, each answer split per input, the backoff cleared after a good run.
import { attempt, clearsBackoff, isRetryableCategory, withDrainLock } from './hubspot-calls.ts';
import type { CallDeps, DrainLock, Stop } from './hubspot-calls.ts';
import type { HubSpotRejectedError } from './hubspot-errors.ts';
import { MAX_BATCH_INPUTS } from './hubspot-ports.ts';
import type { BatchInputError, BatchResult } from './hubspot-ports.ts';

export interface DrainDeps extends CallDeps {
  readonly lock: DrainLock;
}

export interface DrainLimits {
  /** Long enough for a run within its time budget plus its slowest call; short enough to recover from a dead process. */
  readonly lockTtlMs: number;
  /** Stop starting calls after this long, so the lock is let go. */
  readonly timeBudgetMs: number;
}

/** What HubSpot said of one input of an answered batch. */
export type InputAnswer<I, R> =
  | { readonly kind: 'ok'; readonly item: I; readonly result: R }
  /** An error HubSpot gives again if the input is sent again unchanged (its category is not a passing one). */
  | { readonly kind: 'refused'; readonly item: I; readonly error: BatchInputError }
  /** A passing failure (RATE_LIMITS, LOCKED, CONFLICT, ...): worth sending again. */
  | { readonly kind: 'again'; readonly item: I; readonly error: BatchInputError }
  /** Neither a result nor an error: HubSpot said nothing of it. */
  | { readonly kind: 'missing'; readonly item: I };

export type BatchOutcome<I, R> =
  /** Nothing was sent (or the call failed as a whole with a 429, 5xx, no answer...): the run has stopped, every item waits for the next run. */
  | { readonly kind: 'not_sent' }
  /** HubSpot refused the request as sent (a 4xx other than 401/403/423/429/477): the drain splits it, dead-letters it or stops. */
  | { readonly kind: 'rejected'; readonly error: HubSpotRejectedError }
  | { readonly kind: 'answered'; readonly calledAt: number; readonly answer: BatchResult<R>; readonly inputs: readonly InputAnswer<I, R>[] };

export interface DrainRun {
  /** When the run began (the drain's clock). */
  readonly started: number;
  /** Why the run stopped calling before its work was done; null while it goes on. */
  readonly stop: Stop | null;
  /** HubSpot calls made (a call our own limiter held back is not one). */
  readonly calls: number;
  /** Stops the run: every later `send` is `not_sent`. */
  halt(stop: Stop): void;
  /** Sends one batch of 1 to MAX_BATCH_INPUTS items, unless the run has stopped or used its time. */
  send<I, R>(operation: string, items: readonly I[], key: (item: I) => string, call: (items: readonly I[]) => Promise<BatchResult<R>>): Promise<BatchOutcome<I, R>>;
}

/**
 * Runs `work` under the drain's lock (answering `busy` at once when another process drains), with a
 * run that is already stopped while an earlier failure is backed off: the work then takes nothing and
 * reports the stop. Afterwards the shared backoff is cleared if the run made good calls and did not
 * end in a failure that starts or extends it.
 */
export async function runDrain<T>(deps: DrainDeps, limits: DrainLimits, busy: T, work: (run: DrainRun) => Promise<T>): Promise<T> {
  return withDrainLock(deps.lock, limits.lockTtlMs, busy, async () => {
    const run = createRun(deps, deps.clock(), limits.timeBudgetMs);
    const heldUntil = await deps.backoff.until();
    if (heldUntil > run.started) run.halt({ reason: 'backing_off', waitMs: heldUntil - run.started, message: 'an earlier HubSpot failure is being backed off' });
    const result = await work(run);
    if (clearsBackoff(run.okCalls, run.stop)) await deps.backoff.reset();
    return result;
  });
}

function createRun(deps: CallDeps, started: number, timeBudgetMs: number): DrainRun & { readonly okCalls: number } {
  const state = { stop: null as Stop | null, calls: 0, okCalls: 0 };
  return {
    started,
    get stop() {
      return state.stop;
    },
    get calls() {
      return state.calls;
    },
    get okCalls() {
      return state.okCalls;
    },
    halt(stop) {
      state.stop = stop;
    },
    async send(operation, items, key, call) {
      if (state.stop === null && deps.clock() - started > timeBudgetMs) {
        state.stop = { reason: 'time_budget', waitMs: 0, message: 'the drain used its time budget; the rest goes next run' };
      }
      if (state.stop !== null) return { kind: 'not_sent' };
      const calledAt = deps.clock();
      const result = await attempt(deps, operation, () => call(items));
      if (result.kind !== 'stop' || result.stop.reason !== 'throttled') state.calls++;
      if (result.kind === 'stop') {
        state.stop = result.stop;
        return { kind: 'not_sent' };
      }
      if (result.kind === 'rejected') return { kind: 'rejected', error: result.error };
      state.okCalls++;
      return { kind: 'answered', calledAt, answer: result.value, inputs: inputAnswers(result.value, items, key) };
    },
  };
}

/** Each input's answer; one error HubSpot tied to no input, with one input left without a word, is that input's. */
function inputAnswers<I, R>(answer: BatchResult<R>, items: readonly I[], key: (item: I) => string): InputAnswer<I, R>[] {
  const missing = items.filter((i) => !answer.results.has(key(i)) && !answer.errors.has(key(i)));
  const lone = missing.length === 1 && answer.unattributed.length === 1 ? answer.unattributed[0] : undefined;
  return items.map((item): InputAnswer<I, R> => {
    const k = key(item);
    if (answer.results.has(k)) return { kind: 'ok', item, result: answer.results.get(k)! };
    const error = answer.errors.get(k) ?? lone;
    if (error === undefined) return { kind: 'missing', item };
    return isRetryableCategory(error.category) ? { kind: 'again', item, error } : { kind: 'refused', item, error };
  });
}

/** The items in batches of at most MAX_BATCH_INPUTS, one group (same `group` key) at a time, groups in first-seen order. */
export function batches<T>(items: readonly T[], group: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = group(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  const out: T[][] = [];
  for (const list of groups.values()) for (let i = 0; i < list.length; i += MAX_BATCH_INPUTS) out.push(list.slice(i, i + MAX_BATCH_INPUTS));
  return out;
}
