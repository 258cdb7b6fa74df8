// The home page's API as the page reads it (docs/card-api.md, "The home page"): every answer is parsed here before it is shown.
//
// Written by hand from docs/card-api.md, as the card's is; test/adapters/http/ui-home.test.ts parses the
// service's own answer with it, so the two cannot drift apart unnoticed. Codes (reasons, states) are
// strings: a code a newer service adds is said as it is, never a blank page.
import { z } from 'zod';

const time = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);
const amount = z.string().regex(/^-?\d+(\.\d+)?$/);

export const forecastSchema = z.object({
  mtd: amount,
  runRate: amount,
  approvalRate: z.number().min(0).max(1),
  accrual: amount,
  low: amount,
  likely: amount,
  high: amount,
  daysLeft: z.number().min(0),
  perDay: z.object({ low: z.number(), mean: z.number(), high: z.number() }),
});

export const criteriaHomeSchema = z.object({
  criteriaId: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  charge: z.object({ amount, expected: amount.nullable(), limit: amount.nullable(), thresholds: z.array(z.number()), percentOfExpected: z.number().nullable() }),
  forecast: forecastSchema.nullable(),
  daily: z.array(z.object({ date: z.iso.date(), billable: count })),
  funnel: z.object({ presses: count, attempts: count, successes: count, billable: count, yield: z.number().min(0).max(1).nullable(), unitSpend: amount.nullable() }),
  notBillable: z.array(z.object({ reason: z.string(), count })),
  openDisputes: z.array(z.object({ outcomeId: z.string(), objectType: z.string(), recordId: z.string(), billingPeriod: z.string().nullable(), openedAt: time, reason: z.string() })),
  alerts: z.array(z.object({ threshold: z.number(), charge: amount, expected: amount, currency: z.string(), firedAt: time })),
});

export const periodStateSchema = z.object({
  period: z.string(),
  state: z.string(),
  closedAt: time.nullable(),
  lastReconcile: z
    .object({ at: time, clean: z.boolean(), mismatches: count, byKind: z.record(z.string(), z.number()), repaired: z.object({ queued: count, archived: count }).nullable() })
    .nullable(),
});

export const homePageSchema = z.object({
  period: z.string().regex(/^\d{4}-\d{2}$/),
  asOf: time,
  criteria: z.array(criteriaHomeSchema),
  periods: z.array(periodStateSchema),
});

/** docs/http-api.md's one error body. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    problems: z.array(z.object({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  }),
});

export type HomeData = z.infer<typeof homePageSchema>;
export type CriteriaHome = z.infer<typeof criteriaHomeSchema>;
export type HomeForecast = z.infer<typeof forecastSchema>;
export type PeriodState = z.infer<typeof periodStateSchema>;
