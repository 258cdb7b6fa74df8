// The `price` block of a criteria version (contract §1): its schema, its compiled form and what n outcomes cost (§6).

import { z } from 'zod';
import { amountProblem, currencyFor, currencyProblem, findCurrency, parseAmount } from './money.ts';
import type { Currency } from './money.ts';
import type { Problem } from './problems.ts';
import { problemsFromZod, quoteInput } from './zod-problems.ts';

export const PRICE_MODELS = ['flat', 'graduated', 'volume'] as const;
export type PriceModel = (typeof PRICE_MODELS)[number];

/** One compiled tier: it holds the outcomes up to `upTo` (inclusive); null means no upper bound. */
export interface Tier {
  readonly upTo: number | null;
  readonly unitMinor: bigint;
}

export interface FlatPrice {
  readonly currency: string;
  readonly digits: number;
  readonly model: 'flat';
  readonly unitMinor: bigint;
}

export interface TieredPrice {
  readonly currency: string;
  readonly digits: number;
  readonly model: 'graduated' | 'volume';
  /** Non-empty, `upTo` strictly increasing, only the last one null. */
  readonly tiers: readonly Tier[];
}

/** A price ready to rate with: amounts in integer minor units of `currency`. */
export type Price = FlatPrice | TieredPrice;

/** The part of an amount that one tier prices; `to` null means no upper bound. */
export interface TierCharge {
  readonly from: number;
  readonly to: number | null;
  readonly quantity: number;
  readonly unitMinor: bigint;
  readonly amountMinor: bigint;
}

export interface Rated {
  readonly amountMinor: bigint;
  /** Only tiers that price at least one outcome, in tier order. */
  readonly tiers: readonly TierCharge[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUpTo(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0);
}

// The form of an amount does not depend on the currency; its decimals are checked on the whole block.
// z.custom aborts by default, which would keep the block-level rules from running: hence `abort: false`.
const amountText = z.custom<string>((v) => amountProblem(v) === undefined, {
  abort: false,
  error: (iss) => amountProblem(iss.input),
});

// A block or tier that is not a mapping, and unknown fields, read in the contract's standard wording (problemsFromZod).
const tierSchema = z.strictObject({
  up_to: z.custom<number | null>(isUpTo, {
    abort: false,
    error: (iss) =>
      iss.input === undefined
        ? 'required: a positive integer, or null for the last tier'
        : `must be a positive integer, or null for the last tier (got ${quoteInput(iss.input)})`,
  }),
  unit_amount: amountText,
});

const rawPriceSchema = z.strictObject({
  currency: z.custom<string>((v) => currencyProblem(v) === undefined, {
    abort: false,
    error: (iss) => currencyProblem(iss.input),
  }),
  // A custom check rather than z.enum, so a missing model reads "required" wherever the issue is rendered.
  model: z.custom<PriceModel>((v) => (PRICE_MODELS as readonly unknown[]).includes(v), {
    abort: false,
    error: (iss) =>
      iss.input === undefined
        ? `required: one of ${PRICE_MODELS.join(', ')}`
        : `must be one of ${PRICE_MODELS.join(', ')} (got ${JSON.stringify(iss.input)})`,
  }),
  unit_amount: amountText.optional(),
  tiers: z.array(tierSchema).optional(),
});

/** The raw block as written in a criteria file. */
export type RawPrice = z.input<typeof rawPriceSchema>;

type Ctx = Parameters<Parameters<typeof rawPriceSchema.superRefine>[0]>[1];

/**
 * The rules that span fields. It runs even when some fields already failed (so every problem is listed
 * at once) and therefore reads the block defensively.
 */
function checkBlock(block: Record<string, unknown>, ctx: Ctx): void {
  const issue = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  const { model, unit_amount: unitAmount, tiers } = block;

  if (model === 'flat') {
    if (unitAmount === undefined) issue(['unit_amount'], 'required for a flat price');
    if (tiers !== undefined) issue(['tiers'], 'not allowed for a flat price: tiers go with graduated and volume');
  } else if (model === 'graduated' || model === 'volume') {
    if (unitAmount !== undefined) {
      issue(['unit_amount'], `not allowed for a ${model} price: each tier has its own unit_amount`);
    }
    if (tiers === undefined) issue(['tiers'], `required for a ${model} price`);
    else if (Array.isArray(tiers) && tiers.length === 0) issue(['tiers'], 'must have at least one tier');
  }

  if (Array.isArray(tiers)) checkTierBounds(tiers, issue);

  const currency = findCurrency(block['currency']);
  if (currency === undefined) return;
  checkDecimals(unitAmount, currency, ['unit_amount'], issue);
  if (Array.isArray(tiers)) {
    tiers.forEach((tier: unknown, i) => {
      if (isRecord(tier)) checkDecimals(tier['unit_amount'], currency, ['tiers', i, 'unit_amount'], issue);
    });
  }
}

function checkTierBounds(tiers: unknown[], issue: (path: (string | number)[], message: string) => void): void {
  const last = tiers.length - 1;
  // The bound to beat is the latest valid numeric one, so one bad tier does not hide the next.
  let previous: { index: number; upTo: number } | undefined;
  tiers.forEach((tier, i) => {
    if (!isRecord(tier)) return;
    const upTo = tier['up_to'];
    if (!isUpTo(upTo)) return;
    const path = ['tiers', i, 'up_to'];
    if (upTo === null) {
      if (i !== last) issue(path, 'only the last tier may have up_to: null');
      return;
    }
    if (previous !== undefined && upTo <= previous.upTo) {
      const which = previous.index === i - 1 ? "the previous tier's up_to" : `tiers[${previous.index}].up_to`;
      issue(path, `must be greater than ${which} (${previous.upTo})`);
    }
    if (i === last) issue(path, 'the last tier must have up_to: null, so that every outcome falls in a tier');
    previous = { index: i, upTo };
  });
}

function checkDecimals(
  text: unknown,
  currency: Currency,
  path: (string | number)[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  // A missing or malformed amount is its field's to report; only the decimals are left to check.
  if (amountProblem(text) !== undefined) return;
  const problem = amountProblem(text, currency);
  if (problem !== undefined) issue(path, problem);
}

type ValidBlock = z.output<typeof rawPriceSchema>;

function compile(block: ValidBlock): Price {
  // The block passed validation, so its currency is known.
  const currency = currencyFor(block.currency);
  const base = { currency: currency.code, digits: currency.digits };
  if (block.model === 'flat') {
    return { ...base, model: 'flat', unitMinor: parseAmount(block.unit_amount, currency) };
  }
  // Validation requires tiers for graduated and volume.
  const tiers = block.tiers!.map((t) => ({ upTo: t.up_to, unitMinor: parseAmount(t.unit_amount, currency) }));
  return { ...base, model: block.model, tiers };
}

/**
 * The `price` block (contract §1). Every problem is reported, each at its path inside the block;
 * the output is the compiled Price.
 */
export const priceSchema = rawPriceSchema
  .superRefine((block, ctx) => checkBlock(block as Record<string, unknown>, ctx), {
    when: (payload) => isRecord(payload.value),
  })
  .transform(compile);

/** Validates and compiles a raw `price` block; problems carry paths inside the block (`tiers[1].up_to`). */
export function parsePrice(input: unknown): { ok: true; price: Price } | { ok: false; problems: Problem[] } {
  const result = priceSchema.safeParse(input, { reportInput: true });
  return result.success ? { ok: true, price: result.data } : { ok: false, problems: problemsFromZod(result.error) };
}

function checkQuantity(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`outcome count must be a non-negative integer, got ${n}`);
}

/** The lowest outcome number a tier holds (1-based). */
function tierStart(tiers: readonly Tier[], i: number): number {
  return i === 0 ? 1 : (tiers[i - 1]?.upTo ?? Number.POSITIVE_INFINITY) + 1;
}

/** What n outcomes of one line cost (contract §6), with the tiers that priced them. */
export function amountFor(price: Price, n: number): Rated {
  checkQuantity(n);
  if (n === 0) return { amountMinor: 0n, tiers: [] };
  if (price.model === 'flat') {
    const amountMinor = BigInt(n) * price.unitMinor;
    return { amountMinor, tiers: [{ from: 1, to: null, quantity: n, unitMinor: price.unitMinor, amountMinor }] };
  }
  if (price.model === 'volume') {
    const i = price.tiers.findIndex((t) => t.upTo === null || n <= t.upTo);
    const tier = price.tiers[i];
    if (tier === undefined) throw new RangeError(`no tier holds ${n} outcomes (the last tier must have upTo null)`);
    const amountMinor = BigInt(n) * tier.unitMinor;
    const charge = { from: tierStart(price.tiers, i), to: tier.upTo, quantity: n, unitMinor: tier.unitMinor, amountMinor };
    return { amountMinor, tiers: [charge] };
  }
  const charges: TierCharge[] = [];
  let amountMinor = 0n;
  let from = 1;
  for (const tier of price.tiers) {
    if (from > n) break;
    const to = tier.upTo === null ? n : Math.min(tier.upTo, n);
    const quantity = to - from + 1;
    const tierAmount = BigInt(quantity) * tier.unitMinor;
    charges.push({ from, to: tier.upTo, quantity, unitMinor: tier.unitMinor, amountMinor: tierAmount });
    amountMinor += tierAmount;
    from = to + 1;
  }
  if (from <= n) throw new RangeError(`no tier holds ${n} outcomes (the last tier must have upTo null)`);
  return { amountMinor, tiers: charges };
}
