// Operator actions, pending inputs, the portal log and stored answers ↔ JSON for Redis, checked with zod: they outlive deploys.
import { z } from 'zod';
import type { DecideError } from '../../core/engine/decide.ts';
import type { Action, DisputeAction, PauseAction } from '../../core/engine/input.ts';
import type { Outcome, TrailEntry } from '../../core/engine/outcome.ts';
import type { Signal } from '../../core/types.ts';
import { OBJECT_TYPES } from '../../core/types.ts';
import type { PortalLogEntry, StoredAnswer } from '../../app/ports.ts';
import { outcomeSchema, signalSchema, userSchema } from './record-codec.ts';
import { luaSafeJson } from './lua-json.ts';

const disputeActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('open_dispute'), at: z.number(), by: userSchema, outcomeId: z.string(), reason: z.string() }),
  z.strictObject({ type: z.literal('resolve_dispute'), at: z.number(), by: userSchema, outcomeId: z.string(), resolution: z.enum(['upheld', 'rejected']), note: z.string() }),
]);

const pauseActionSchema = z.strictObject({ type: z.enum(['pause', 'resume']), at: z.number(), by: userSchema, criteriaId: z.string(), note: z.string() });

const actionSchema = z.union([disputeActionSchema, pauseActionSchema]);

const refusalSchema = z.strictObject({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() });

const logEntrySchema = z.discriminatedUnion('entry', [
  z.strictObject({ entry: z.literal('signal'), signal: signalSchema }),
  z.strictObject({ entry: z.literal('action'), action: actionSchema }),
  z.strictObject({ entry: z.literal('initial'), objectType: z.enum(OBJECT_TYPES), recordId: z.string(), found: z.boolean(), properties: z.record(z.string(), z.string()) }),
  z.strictObject({ entry: z.literal('refused'), action: disputeActionSchema, problem: refusalSchema }),
]);

const storedAnswerSchema = z.strictObject({
  fingerprint: z.string(),
  answer: z.strictObject({ action: actionSchema, outcome: outcomeSchema.nullable() }),
});

// Scripts decode stored inputs and log entries (dispute-6, log-trim-3): lua-json.ts.
export const encodeAction = (a: Action): string => luaSafeJson(a);
export const decodePauseAction = (json: string): PauseAction => pauseActionSchema.parse(JSON.parse(json));

/** A pending member's payload: a signal (it has `kind`) or a dispute action (it has `type`). */
export function decodePendingInput(json: string): { signal: Signal } | { action: DisputeAction } {
  const value: unknown = JSON.parse(json);
  if (typeof value === 'object' && value !== null && 'kind' in value) return { signal: signalSchema.parse(value) as Signal };
  return { action: disputeActionSchema.parse(value) };
}

export const encodeLogEntry = (e: PortalLogEntry): string => luaSafeJson(e);

export function decodeLogEntry(json: string): PortalLogEntry {
  const e = logEntrySchema.parse(JSON.parse(json));
  switch (e.entry) {
    case 'signal':
      return { entry: 'signal', signal: e.signal as Signal };
    case 'refused':
      return { entry: 'refused', action: e.action, problem: e.problem as DecideError };
    default:
      return e;
  }
}

export const encodeStoredAnswer = (s: StoredAnswer): string => JSON.stringify(s);

export function decodeStoredAnswer(json: string): StoredAnswer {
  const parsed = storedAnswerSchema.parse(JSON.parse(json));
  const outcome = parsed.answer.outcome === null ? null : ({ ...parsed.answer.outcome, trail: parsed.answer.outcome.trail as unknown as TrailEntry[] } satisfies Outcome);
  return { fingerprint: parsed.fingerprint, answer: { action: parsed.answer.action, outcome } };
}
