// The settings page's API as the page reads it (docs/card-api.md, "The settings page"): every answer is parsed here before it is shown.
//
// Written by hand from docs/card-api.md, as the card's and the home page's are;
// test/hubspot-app/settings-page.test.tsx parses the service's own answers with it.
import { z } from 'zod';

const time = z.iso.datetime({ offset: true });
const user = z.object({ userId: z.number().int(), email: z.string().nullable() });

export const versionSchema = z.object({
  version: z.number().int().positive(),
  state: z.string(),
  name: z.string(),
  owner: z.string(),
  effectiveFrom: time,
  changeNotes: z.string().nullable(),
  source: z.string(),
  file: z.string().nullable(),
  publishedBy: user.nullable(),
  publishedAt: time.nullable(),
  text: z.string(),
});

/** Upheld disputes by reason over the recent billing periods, the open ones, and which version answers each (outcome id → version). */
export const disputesSchema = z.object({
  periods: z.array(z.string()),
  upheld: z.array(z.object({ reason: z.string(), count: z.number().int(), outcomeIds: z.array(z.string()) })),
  open: z.array(z.object({ outcomeId: z.string(), reason: z.string() })),
  answeredBy: z.record(z.string(), z.number().int()),
});

const memberSchema = z.object({ userId: z.number().int().nullable(), email: z.string().nullable(), fromEnvironment: z.boolean() });
export const accessSchema = z.object({ editors: z.array(memberSchema), resolvers: z.array(memberSchema) });

export const criteriaIdSchema = z.object({
  id: z.string(),
  name: z.string(),
  object: z.string(),
  paused: z.object({ since: time, by: z.object({ userId: z.number().int(), email: z.string() }), note: z.string() }).nullable(),
  nextVersion: z.number().int().positive(),
  draft: z.string(),
  versions: z.array(versionSchema),
  // A service that predates them sends none.
  disputes: disputesSchema.nullable().optional(),
});

export const criteriaListSchema = z.object({
  now: time,
  canPublish: z.boolean(),
  canPause: z.boolean(),
  criteria: z.array(criteriaIdSchema),
  access: accessSchema.nullable().optional(),
});

export const problemSchema = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

const uncoveredSchema = z.array(z.object({ object: z.string(), property: z.string() }));

export const draftCheckSchema = z.object({
  valid: z.boolean(),
  nextVersion: z.number().int().nullable(),
  problems: z.array(problemSchema.extend({ field: z.string(), line: z.string() })),
  conflict: z.object({ message: z.string(), sources: z.array(z.string()) }).nullable(),
  uncovered: uncoveredSchema,
  advice: z.string().nullable(),
});

export const publishedSchema = z.object({
  version: z.object({ id: z.string(), version: z.number().int(), effectiveFrom: time, changeNotes: z.string(), publishedBy: user, publishedAt: time, text: z.string(), answers: z.array(z.string()).optional() }),
  uncovered: uncoveredSchema,
  advice: z.string().nullable(),
});

const sideSchema = z.object({
  presses: z.number().int(),
  attempts: z.number().int(),
  successes: z.number().int(),
  billable: z.number().int(),
  pending: z.number().int(),
  charge: z.array(z.object({ currency: z.string(), amount: z.string() })),
  yield: z.number().nullable(),
  notBillable: z.array(z.object({ reason: z.string(), count: z.number().int() })),
});
const verdictSchema = z.object({ criteriaVersion: z.number().int(), status: z.string(), reason: z.string().nullable() });

/** The backtest (docs/card-api.md, "POST /ui/criteria/backtest"): both sides' figures and the first changed verdicts, as the service computed them. */
export const backtestSchema = z.object({
  window: z.object({ from: time, to: time, asOf: time }),
  draft: z.object({ criteriaId: z.string(), version: z.number().int() }),
  asIs: sideSchema,
  withDraft: sideSchema,
  changes: z.array(
    z.object({
      outcomeId: z.string(),
      criteriaId: z.string(),
      objectType: z.string(),
      recordId: z.string(),
      openedAt: time,
      recordUrl: z.url({ protocol: /^https$/ }),
      before: verdictSchema.nullable(),
      after: verdictSchema.nullable(),
    }),
  ),
  changedCount: z.number().int(),
  signals: z.number().int(),
});

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), problems: z.array(problemSchema).optional() }),
});

export type CriteriaList = z.infer<typeof criteriaListSchema>;
export type CriteriaEntry = z.infer<typeof criteriaIdSchema>;
export type VersionEntry = z.infer<typeof versionSchema>;
export type DraftCheck = z.infer<typeof draftCheckSchema>;
export type Published = z.infer<typeof publishedSchema>;
export type Problem = z.infer<typeof problemSchema>;
export type Disputes = z.infer<typeof disputesSchema>;
export type Backtest = z.infer<typeof backtestSchema>;
export type BacktestSide = z.infer<typeof sideSchema>;
export type Verdict = z.infer<typeof verdictSchema>;
export type Access = z.infer<typeof accessSchema>;
export type AccessMember = z.infer<typeof memberSchema>;
