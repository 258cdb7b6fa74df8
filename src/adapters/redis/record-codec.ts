// Record state ↔ JSON for Redis, versioned and checked with zod: stored state outlives deploys.
import { z } from 'zod';
import type { Outcome, TrailEntry } from '../../core/engine/outcome.ts';
import type { RecordState } from '../../core/engine/record-state.ts';
import { OBJECT_TYPES, REASONS, STATUSES } from '../../core/types.ts';
import type { Signal } from '../../core/types.ts';
import { luaSafeJson } from './lua-json.ts';

/** Bump when the stored shape changes, and teach decode() the old one. 2 added users as objects, allocation and pauses. */
export const RECORD_SCHEMA_VERSION = 2;

export const userSchema = z.strictObject({ userId: z.number().int().positive(), email: z.string() });

const trailEntrySchema = z.looseObject({ at: z.number(), version: z.number().int(), type: z.string() });

export const outcomeSchema = z.strictObject({
  outcomeId: z.string(),
  idempotencyKey: z.string(),
  seq: z.number().int().positive(),
  criteriaId: z.string(),
  criteriaVersion: z.number().int().positive(),
  objectType: z.enum(OBJECT_TYPES),
  recordId: z.string(),
  status: z.enum(STATUSES),
  reason: z.enum(REASONS).nullable(),
  label: z.string().nullable(),
  tries: z.number().int(),
  suppressed: z.number().int(),
  duplicates: z.number().int(),
  openedAt: z.number(),
  lastPressAt: z.number(),
  deadline: z.number(),
  succeededAt: z.number().nullable(),
  reviewEndsAt: z.number().nullable(),
  settledAt: z.number().nullable(),
  billingPeriod: z.string().nullable(),
  dispute: z
    .strictObject({
      state: z.enum(['open', 'upheld', 'rejected']),
      reason: z.string(),
      openedBy: userSchema,
      openedAt: z.number(),
      resolvedBy: userSchema.nullable(),
      resolvedAt: z.number().nullable(),
      note: z.string().nullable(),
    })
    .nullable(),
  // Schema 1 had no allocation fields; disputes could not be opened live then, so its disputes are all null.
  agentId: z.string().nullable().default(null),
  costCentre: z.string().nullable().default(null),
  overLimit: z.boolean().default(false),
  creditedAt: z.number().nullable(),
  creditPeriod: z.string().nullable(),
  trail: z.array(trailEntrySchema),
});

const storedRecordSchema = z.strictObject({
  schema: z.union([z.literal(1), z.literal(RECORD_SCHEMA_VERSION)]),
  objectType: z.enum(OBJECT_TYPES),
  recordId: z.string(),
  props: z.array(z.tuple([z.string(), z.string()])),
  propTimes: z.array(z.tuple([z.string(), z.number()])),
  gone: z.enum(['deleted', 'merged']).nullable(),
  goneAt: z.number().nullable(),
  mergedInto: z.string().nullable(),
  outcomes: z.array(outcomeSchema),
  // JSON has no infinities: null stands for "nothing applied yet".
  clock: z.number().nullable(),
  paused: z.number().int().nonnegative().default(0),
  // Only once a late input's replay withdrew an outcome (src/core/engine/replay.ts).
  withdrawn: z.array(outcomeSchema).optional(),
  // Only once outcomes left for the archive (src/core/engine/archive.ts).
  archivedTo: z.number().optional(),
});

export function encodeRecord(state: RecordState): string {
  return JSON.stringify({
    schema: RECORD_SCHEMA_VERSION,
    objectType: state.objectType,
    recordId: state.recordId,
    props: [...state.props],
    propTimes: [...state.propTimes],
    gone: state.gone,
    goneAt: Number.isFinite(state.goneAt) ? state.goneAt : null,
    mergedInto: state.mergedInto,
    outcomes: state.outcomes,
    clock: Number.isFinite(state.clock) ? state.clock : null,
    paused: state.paused,
    ...(state.withdrawn && state.withdrawn.length > 0 ? { withdrawn: state.withdrawn } : {}),
    ...(state.archivedTo === undefined ? {} : { archivedTo: state.archivedTo }),
  });
}

const outcomeOf = (o: z.infer<typeof outcomeSchema>): Outcome => ({ ...o, trail: o.trail as unknown as TrailEntry[] }) satisfies Outcome;

/** An archived outcome (the record's `arch:` hash), checked as a state's outcomes are. */
export const decodeOutcome = (json: string): Outcome => outcomeOf(outcomeSchema.parse(JSON.parse(json)));

/** A stored state that does not decode is corruption, not bad input: it throws and the job retries loudly. */
export function decodeRecord(json: string): RecordState {
  const parsed = storedRecordSchema.parse(JSON.parse(json));
  return {
    objectType: parsed.objectType,
    recordId: parsed.recordId,
    props: new Map(parsed.props),
    propTimes: new Map(parsed.propTimes),
    gone: parsed.gone,
    goneAt: parsed.goneAt ?? Number.NEGATIVE_INFINITY,
    mergedInto: parsed.mergedInto,
    outcomes: parsed.outcomes.map(outcomeOf),
    clock: parsed.clock ?? Number.NEGATIVE_INFINITY,
    paused: parsed.paused,
    ...(parsed.withdrawn ? { withdrawn: parsed.withdrawn.map(outcomeOf) } : {}),
    ...(parsed.archivedTo === undefined ? {} : { archivedTo: parsed.archivedTo }),
  };
}

export const signalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('property'), objectType: z.enum(OBJECT_TYPES), recordId: z.string(), at: z.number(), ref: z.string().optional(), source: z.string().optional(), property: z.string(), value: z.string() }),
  z.strictObject({ kind: z.enum(['created', 'deleted', 'restored', 'merged']), objectType: z.enum(OBJECT_TYPES), recordId: z.string(), at: z.number(), ref: z.string().optional(), source: z.string().optional() }),
  z.strictObject({ kind: z.literal('merged_away'), objectType: z.enum(OBJECT_TYPES), recordId: z.string(), at: z.number(), ref: z.string().optional(), source: z.string().optional(), into: z.string() }),
  z.strictObject({
    kind: z.literal('crm_read'),
    objectType: z.enum(OBJECT_TYPES),
    recordId: z.string(),
    at: z.number(),
    ref: z.string().optional(),
    source: z.string().optional(),
    found: z.boolean(),
    properties: z.record(z.string(), z.string()),
  }),
]);

// Scripts decode stored signals (dispute-6, log-trim-3): lua-json.ts.
export const encodeSignal = (s: Signal): string => luaSafeJson(s);
export const decodeSignal = (json: string): Signal => signalSchema.parse(JSON.parse(json)) as Signal;
