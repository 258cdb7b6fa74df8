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

export const criteriaIdSchema = z.object({
  id: z.string(),
  name: z.string(),
  object: z.string(),
  paused: z.object({ since: time, by: z.object({ userId: z.number().int(), email: z.string() }), note: z.string() }).nullable(),
  nextVersion: z.number().int().positive(),
  draft: z.string(),
  versions: z.array(versionSchema),
});

export const criteriaListSchema = z.object({
  now: time,
  canPublish: z.boolean(),
  canPause: z.boolean(),
  criteria: z.array(criteriaIdSchema),
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
  version: z.object({ id: z.string(), version: z.number().int(), effectiveFrom: time, changeNotes: z.string(), publishedBy: user, publishedAt: time, text: z.string() }),
  uncovered: uncoveredSchema,
  advice: z.string().nullable(),
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
