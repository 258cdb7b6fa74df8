// The card's API as the card reads it (docs/card-api.md): every answer is parsed here before it is shown.
//
// Written by hand from docs/card-api.md while the service's route schemas are being built; replace it with
// the copy generated from them once they exist (ARCHITECTURE.md, principle 7). Objects are not strict and
// codes (status, reason, kinds) are strings: a field or a code a newer service adds must not blank the
// card; words/ says an unknown code as it is.
import { z } from 'zod';

const time = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);
const user = z.object({ userId: z.number(), email: z.string() });

export const disputeSchema = z.object({
  state: z.enum(['open', 'upheld', 'rejected']),
  openedAt: time,
  openedBy: user,
  reason: z.string(),
  resolvedAt: time.nullable(),
  resolvedBy: user.nullable(),
  note: z.string().nullable(),
});

export const outcomeSchema = z.object({
  outcomeId: z.string().min(1),
  criteria: z.object({ id: z.string(), version: z.number().int(), name: z.string() }),
  status: z.string(),
  reason: z.string().nullable(),
  label: z.string().nullable(),
  tries: count,
  suppressed: count,
  duplicates: count,
  openedAt: time,
  succeededAt: time.nullable(),
  settledAt: time.nullable(),
  deadline: time.nullable(),
  reviewEndsAt: time.nullable(),
  billingPeriod: z.string().nullable(),
  charge: z.object({ amount: z.string(), currency: z.string() }).nullable(),
  // Billable past the criteria's budget limit for the period: not charged. A service that predates limits sends none.
  overLimit: z.boolean().default(false),
  dispute: disputeSchema.nullable(),
  canDispute: z.boolean(),
  canResolve: z.boolean(),
  verificationLogUrl: z.string().nullable(),
  trailLength: count,
});

export const pressAdviceSchema = z.object({ criteriaId: z.string(), criteriaName: z.string(), kind: z.string(), until: time });
export const pausedSchema = z.object({ criteriaId: z.string(), criteriaName: z.string(), since: time });

export const outcomesPageSchema = z.object({
  record: z.object({ objectType: z.string(), recordId: z.string() }),
  viewer: z.object({ userId: z.number(), canResolve: z.boolean() }),
  outcomes: z.array(outcomeSchema),
  nextCursor: z.string().nullable(),
  pressAdvice: z.array(pressAdviceSchema),
  paused: z.array(pausedSchema),
});

/** One audit-trail entry: `at`, `version` and `type`, and the fields of its type (docs/card-api.md). */
export const trailEntrySchema = z.looseObject({
  at: time,
  version: z.number().int(),
  type: z.string(),
  kind: z.string().optional(),
  property: z.string().optional(),
  value: z.string().optional(),
  found: z.boolean().optional(),
  checks: z.looseObject({ success: z.boolean().optional() }).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  cause: z.string().optional(),
  reason: z.string().optional(),
  label: z.string().optional(),
  by: user.optional(),
  note: z.string().optional(),
  signalAt: time.optional(),
  change: z.string().optional(),
  fields: z.array(z.string()).optional(),
  lateInput: z.looseObject({ input: z.string(), kind: z.string(), at: time, ref: z.string().optional() }).optional(),
});

/** The version the outcome is pinned to: who published it in HubSpot and when, or (both null) a file's. Absent from an older service. */
export const pinnedVersionSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  publishedBy: z.object({ userId: z.number().int(), email: z.string().nullable() }).nullable(),
  publishedAt: time.nullable(),
});

export const trailPageSchema = z.object({ outcomeId: z.string(), entries: z.array(trailEntrySchema), nextCursor: z.string().nullable(), criteria: pinnedVersionSchema.optional() });

/** A write's 202: the stored action and, once applied, the outcome after it. */
export const writeAnswerSchema = z.object({ outcome: outcomeSchema.nullable().optional() });

/** docs/http-api.md's one error body. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    problems: z.array(z.object({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  }),
});

export const DISPUTE_CATEGORIES = ['wrong_record', 'not_achieved', 'duplicate', 'reversed_later', 'other'] as const;
export type DisputeCategory = (typeof DISPUTE_CATEGORIES)[number];
export const RESOLUTIONS = ['upheld', 'rejected'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export type Outcome = z.infer<typeof outcomeSchema>;
export type Dispute = z.infer<typeof disputeSchema>;
export type PressAdvice = z.infer<typeof pressAdviceSchema>;
export type Paused = z.infer<typeof pausedSchema>;
export type OutcomesPage = z.infer<typeof outcomesPageSchema>;
export type TrailEntry = z.infer<typeof trailEntrySchema>;
export type TrailPage = z.infer<typeof trailPageSchema>;
