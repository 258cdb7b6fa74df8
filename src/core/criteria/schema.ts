// The zod schema of one criteria version as written (contract §1); every field rule lives here.
import { z } from 'zod';
import { parseCondition } from '../conditions/index.ts';
import { budgetSchema } from '../budget.ts';
import { parseDuration } from '../duration.ts';
import { priceSchema } from '../price.ts';
import { BUCKET_PERIODS, isValidTimeZone } from '../time.ts';
import { ATTEMPT_REASONS, OBJECT_TYPES } from '../types.ts';
import { quoteInput } from '../zod-problems.ts';
import type { Condition } from '../types.ts';

const condition = z.string().transform((source, ctx): Condition => {
  const parsed = parseCondition(source);
  if (parsed.ok) return parsed.condition;
  ctx.addIssue({ code: 'custom', message: `${parsed.error.message} at column ${parsed.error.column}` });
  return z.NEVER;
});

/** A duration in ms; `0` is one (only `within` must be more). */
const duration = z.unknown().transform((input, ctx): number => {
  if (input === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return z.NEVER;
  }
  const parsed = parseDuration(input);
  if (parsed.ok) return parsed.ms;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});

const text = z.string().trim().min(1);

/** 1, 2, 3 ...: a version number that JSON and YAML hold exactly. */
export const isWholeVersion = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/**
 * Text that must match `pattern`, said in words with the text found: a plain `.regex()` would print
 * the pattern instead, since the contract wording rewrites zod's format checks.
 */
const matching = (pattern: RegExp, rule: string) =>
  z.string().check((ctx) => {
    if (!pattern.test(ctx.value)) ctx.issues.push({ code: 'custom', input: ctx.value, message: `${rule} (got ${quoteInput(ctx.value)})`, params: { problem: 'invalid_format' } });
  });

/** HubSpot internal property names: letters, digits and underscores, as HubSpot creates them. */
const propertyName = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a HubSpot internal property name: letters, digits and underscores, not starting with a digit');

export const criteriaVersionSchema = z.strictObject({
  id: matching(/^[a-z0-9-]+$/, 'must use only lower-case letters, digits and "-"'),
  version: z.number().check((ctx) => {
    if (!isWholeVersion(ctx.value)) ctx.issues.push({ code: 'custom', input: ctx.value, message: `must be a whole number, 1 or more (got ${quoteInput(ctx.value)})`, params: { problem: 'invalid_value' } });
  }),
  name: text,
  description: z.string().optional(),
  owner: text,
  // Parsed together with `timezone` in compile.ts: a bare date means midnight there.
  effective_from: z.string(),
  change_notes: text.optional(),
  object: z.enum(OBJECT_TYPES),
  timezone: z
    .string()
    .refine(isValidTimeZone, { message: 'is not an IANA time zone name such as "UTC" or "Europe/Berlin" (a place, not an offset like "+02:00", so that daylight saving is followed)' })
    .default('UTC'),
  trigger: z.strictObject({ property: propertyName, when: condition.optional() }),
  success: condition,
  within: duration.refine((ms) => ms > 0, 'must be more than 0'),
  fail_if: condition.optional(),
  failure_reasons: z.array(z.strictObject({ if: condition, reason: z.enum(ATTEMPT_REASONS) })).default([]),
  exclude: z.array(z.strictObject({ if: condition, label: text })).default([]),
  retry_window: duration.default(0),
  cooldown: duration.default(0),
  idempotency_period: z.enum(BUCKET_PERIODS).default('day'),
  review_window: duration.default(0),
  on_timeout: z.enum(['confirm', 'reject']).default('confirm'),
  approve_if: condition.optional(),
  reject_if: condition.optional(),
  cap: z
    .strictObject({
      max: z.number().int().positive(),
      per: z.enum(['record']).default('record'),
      period: z.enum(['day', 'week', 'month']).default('day'),
    })
    .optional(),
  price: priceSchema,
  billing_period: z.enum(['month']).default('month'),
  budget: budgetSchema.optional(),
  cost_centre_property: propertyName.optional(),
});

export type CriteriaVersionInput = z.input<typeof criteriaVersionSchema>;
export type CriteriaVersionParsed = z.output<typeof criteriaVersionSchema>;
