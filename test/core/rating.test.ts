// Invoice lines from billed outcomes (contract §6) and the re-rated credits of upheld disputes (§5).

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { formatAmount, parseAmount } from '../../src/core/money.ts';
import { amountFor, parsePrice } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';
import { buildInvoice } from '../../src/core/rating.ts';
import type { BilledItem, InvoiceLine, PriceOf } from '../../src/core/rating.ts';

function compiled(raw: unknown): Price {
  const result = parsePrice(raw);
  if (!result.ok) throw new Error(`expected a valid price: ${JSON.stringify(result.problems)}`);
  return result.price;
}

const CONTRACT_TIERS = [
  { up_to: 100, unit_amount: '50.00' },
  { up_to: 500, unit_amount: '40.00' },
  { up_to: null, unit_amount: '30.00' },
];
const PRICES: Record<string, Price> = {
  'enrich-route@1': compiled({ currency: 'USD', model: 'flat', unit_amount: '0.99' }),
  'enrich-route@2': compiled({ currency: 'USD', model: 'flat', unit_amount: '1.49' }),
  'enrich-route@10': compiled({ currency: 'USD', model: 'flat', unit_amount: '2.00' }),
  'graduated@1': compiled({ currency: 'USD', model: 'graduated', tiers: CONTRACT_TIERS }),
  'volume@1': compiled({ currency: 'USD', model: 'volume', tiers: CONTRACT_TIERS }),
  'yen@1': compiled({ currency: 'JPY', model: 'flat', unit_amount: '500' }),
  'dinar@1': compiled({ currency: 'KWD', model: 'graduated', tiers: [{ up_to: 1, unit_amount: '1.125' }, { up_to: null, unit_amount: '0.250' }] }),
};
const priceOf: PriceOf = (id, version) => {
  const price = PRICES[`${id}@${version}`];
  if (price === undefined) throw new Error(`no price for ${id} v${version}`);
  return price;
};

/** `count` billed outcomes of one criteria version in one period, none credited. */
function billed(criteriaId: string, criteriaVersion: number, billingPeriod: string, count: number): BilledItem[] {
  return Array.from({ length: count }, () => ({ criteriaId, criteriaVersion, billingPeriod, credit: null }));
}

/** Billed outcomes of which the first ones are credited, as given. */
function withCredits(base: BilledItem[], credits: { period: string; at: number }[]): BilledItem[] {
  return base.map((item, i) => ({ ...item, credit: credits[i] ?? null }));
}

function charge(period: string, criteriaId: string, criteriaVersion: number, quantity: number, amount: string, currency = 'USD') {
  return { kind: 'charge', period, criteriaId, criteriaVersion, currency, quantity, amount };
}

function credit(period: string, criteriaId: string, criteriaVersion: number, quantity: number, amount: string, creditFor: string, currency = 'USD') {
  return { kind: 'credit', period, criteriaId, criteriaVersion, currency, quantity, amount, creditFor };
}

/** Lines without their tier breakdown, which the charge tests check separately. */
function summary(lines: InvoiceLine[]): unknown[] {
  return lines.map((line) => {
    if (line.kind !== 'charge') return line;
    const { tiers: _tiers, ...rest } = line;
    return rest;
  });
}

const NOV = '2026-11';
const DEC = '2026-12';
const JAN = '2027-01';
const t = (iso: string): number => Date.parse(iso);

describe('buildInvoice: charges (§6)', () => {
  it('cli.md: one line per period, id and version, with its tiers', () => {
    expect(buildInvoice(billed('enrich-route', 1, NOV, 4), priceOf)).toEqual([
      {
        ...charge(NOV, 'enrich-route', 1, 4, '3.96'),
        tiers: [{ from: 1, to: null, quantity: 4, unitAmount: '0.99', amount: '3.96' }],
      },
    ]);
  });

  const cases: { rule: string; items: BilledItem[]; lines: unknown[] }[] = [
    { rule: '§6 nothing billed, empty invoice', items: [], lines: [] },
    {
      rule: '§6 each outcome rated with its pinned version: one line per version',
      items: [...billed('enrich-route', 2, NOV, 3), ...billed('enrich-route', 1, NOV, 2)],
      lines: [charge(NOV, 'enrich-route', 1, 2, '1.98'), charge(NOV, 'enrich-route', 2, 3, '4.47')],
    },
    {
      rule: '§6 lines sorted by period, id, then version as a number',
      items: [
        ...billed('volume', 1, DEC, 1),
        ...billed('enrich-route', 10, NOV, 1),
        ...billed('graduated', 1, NOV, 1),
        ...billed('enrich-route', 2, NOV, 1),
        ...billed('enrich-route', 1, DEC, 1),
      ],
      lines: [
        charge(NOV, 'enrich-route', 2, 1, '1.49'),
        charge(NOV, 'enrich-route', 10, 1, '2.00'),
        charge(NOV, 'graduated', 1, 1, '50.00'),
        charge(DEC, 'enrich-route', 1, 1, '0.99'),
        charge(DEC, 'volume', 1, 1, '50.00'),
      ],
    },
    {
      rule: '§6 billed in the period it settled: tiers count per period',
      items: [...billed('graduated', 1, NOV, 101), ...billed('graduated', 1, DEC, 1)],
      lines: [charge(NOV, 'graduated', 1, 101, '5040.00'), charge(DEC, 'graduated', 1, 1, '50.00')],
    },
    { rule: '§6 graduated at a boundary', items: billed('graduated', 1, NOV, 500), lines: [charge(NOV, 'graduated', 1, 500, '21000.00')] },
    { rule: '§6 graduated past a boundary', items: billed('graduated', 1, NOV, 501), lines: [charge(NOV, 'graduated', 1, 501, '21030.00')] },
    { rule: '§6 volume at a boundary', items: billed('volume', 1, NOV, 100), lines: [charge(NOV, 'volume', 1, 100, '5000.00')] },
    { rule: '§6 volume past a boundary', items: billed('volume', 1, NOV, 101), lines: [charge(NOV, 'volume', 1, 101, '4040.00')] },
    { rule: '§6 JPY has no minor digits', items: billed('yen', 1, NOV, 3), lines: [charge(NOV, 'yen', 1, 3, '1500', 'JPY')] },
    { rule: '§6 KWD has 3 minor digits', items: billed('dinar', 1, NOV, 3), lines: [charge(NOV, 'dinar', 1, 3, '1.625', 'KWD')] },
  ];
  it.each(cases)('$rule', ({ items, lines }) => {
    expect(summary(buildInvoice(items, priceOf))).toEqual(lines);
  });

  it('§6 graduated: the charge line shows the tiers that priced it', () => {
    const [line] = buildInvoice(billed('graduated', 1, NOV, 501), priceOf);
    expect(line?.kind === 'charge' ? line.tiers : undefined).toEqual([
      { from: 1, to: 100, quantity: 100, unitAmount: '50.00', amount: '5000.00' },
      { from: 101, to: 500, quantity: 400, unitAmount: '40.00', amount: '16000.00' },
      { from: 501, to: null, quantity: 1, unitAmount: '30.00', amount: '30.00' },
    ]);
  });

  it('§6 volume: the charge line shows the one tier that holds n', () => {
    const [line] = buildInvoice(billed('volume', 1, NOV, 101), priceOf);
    expect(line?.kind === 'charge' ? line.tiers : undefined).toEqual([
      { from: 101, to: 500, quantity: 101, unitAmount: '40.00', amount: '4040.00' },
    ]);
  });

  it('§6 each version is priced once per invoice', () => {
    const spy = vi.fn(priceOf);
    buildInvoice([...billed('enrich-route', 1, NOV, 5), ...billed('enrich-route', 1, DEC, 5), ...billed('volume', 1, NOV, 2)], spy);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('buildInvoice: credits (§5)', () => {
  const cases: { rule: string; items: BilledItem[]; lines: unknown[] }[] = [
    {
      rule: '§5 a credited outcome stays on its charge line; the credit follows it in the same period',
      items: withCredits(billed('enrich-route', 1, NOV, 3), [{ period: NOV, at: t('2026-11-20T00:00:00Z') }]),
      lines: [charge(NOV, 'enrich-route', 1, 3, '2.97'), credit(NOV, 'enrich-route', 1, -1, '-0.99', NOV)],
    },
    {
      rule: '§5 the credit goes on the invoice of the period in which the dispute was upheld',
      items: withCredits(billed('enrich-route', 1, NOV, 3), [{ period: DEC, at: t('2026-12-02T00:00:00Z') }]),
      lines: [charge(NOV, 'enrich-route', 1, 3, '2.97'), credit(DEC, 'enrich-route', 1, -1, '-0.99', NOV)],
    },
    {
      rule: '§5 graduated: a credit across a tier boundary is re-rated (101 → 100 gives back 40, not 30 or 50)',
      items: withCredits(billed('graduated', 1, NOV, 101), [{ period: DEC, at: t('2026-12-01T00:00:00Z') }]),
      lines: [charge(NOV, 'graduated', 1, 101, '5040.00'), credit(DEC, 'graduated', 1, -1, '-40.00', NOV)],
    },
    {
      rule: '§5 graduated: two credits across the boundary, amount(101) − amount(99)',
      items: withCredits(billed('graduated', 1, NOV, 101), [
        { period: DEC, at: t('2026-12-01T00:00:00Z') },
        { period: DEC, at: t('2026-12-01T00:00:00Z') },
      ]),
      lines: [charge(NOV, 'graduated', 1, 101, '5040.00'), credit(DEC, 'graduated', 1, -2, '-90.00', NOV)],
    },
    {
      rule: '§5 graduated: past the last boundary, amount(501) − amount(499)',
      items: withCredits(billed('graduated', 1, NOV, 501), [
        { period: NOV, at: t('2026-11-28T00:00:00Z') },
        { period: NOV, at: t('2026-11-29T00:00:00Z') },
      ]),
      lines: [charge(NOV, 'graduated', 1, 501, '21030.00'), credit(NOV, 'graduated', 1, -2, '-70.00', NOV)],
    },
    {
      rule: '§5 volume: inside a tier, the tier unit amount',
      items: withCredits(billed('volume', 1, NOV, 102), [{ period: DEC, at: t('2026-12-01T00:00:00Z') }]),
      lines: [charge(NOV, 'volume', 1, 102, '4080.00'), credit(DEC, 'volume', 1, -1, '-40.00', NOV)],
    },
    {
      rule: '§6 volume: across a boundary amount(101) − amount(100) is negative, and a credit is never below 0',
      items: withCredits(billed('volume', 1, NOV, 101), [{ period: DEC, at: t('2026-12-01T00:00:00Z') }]),
      lines: [charge(NOV, 'volume', 1, 101, '4040.00'), credit(DEC, 'volume', 1, -1, '0.00', NOV)],
    },
    {
      rule: '§6 volume: two credits across the boundary, 0 then amount(100) − amount(99)',
      items: withCredits(billed('volume', 1, NOV, 101), [
        { period: DEC, at: t('2026-12-01T00:00:00Z') },
        { period: DEC, at: t('2026-12-03T00:00:00Z') },
      ]),
      lines: [charge(NOV, 'volume', 1, 101, '4040.00'), credit(DEC, 'volume', 1, -2, '-50.00', NOV)],
    },
    {
      rule: '§5 several credits on one line at different times: one credit line per period upheld, in time order',
      // 101 billed: the two December credits give back amount(101) − amount(99) = 40 + 50; the January one amount(99) − amount(98).
      items: withCredits(billed('graduated', 1, NOV, 101), [
        { period: JAN, at: t('2027-01-05T00:00:00Z') },
        { period: DEC, at: t('2026-12-20T00:00:00Z') },
        { period: DEC, at: t('2026-12-01T00:00:00Z') },
      ]),
      lines: [
        charge(NOV, 'graduated', 1, 101, '5040.00'),
        credit(DEC, 'graduated', 1, -2, '-90.00', NOV),
        credit(JAN, 'graduated', 1, -1, '-50.00', NOV),
      ],
    },
    {
      rule: '§5 one credit line per original period: credits for two periods upheld in the same one',
      items: [
        ...withCredits(billed('graduated', 1, NOV, 101), [{ period: JAN, at: t('2027-01-02T00:00:00Z') }]),
        ...withCredits(billed('graduated', 1, DEC, 2), [{ period: JAN, at: t('2027-01-03T00:00:00Z') }]),
      ],
      lines: [
        charge(NOV, 'graduated', 1, 101, '5040.00'),
        charge(DEC, 'graduated', 1, 2, '100.00'),
        credit(JAN, 'graduated', 1, -1, '-40.00', NOV),
        credit(JAN, 'graduated', 1, -1, '-50.00', DEC),
      ],
    },
    {
      rule: '§5 charges before credits within a period, credits per version',
      items: [
        ...withCredits(billed('enrich-route', 1, NOV, 2), [{ period: DEC, at: t('2026-12-02T00:00:00Z') }]),
        ...billed('enrich-route', 1, DEC, 1),
        ...billed('enrich-route', 2, DEC, 1),
      ],
      lines: [
        charge(NOV, 'enrich-route', 1, 2, '1.98'),
        charge(DEC, 'enrich-route', 1, 1, '0.99'),
        credit(DEC, 'enrich-route', 1, -1, '-0.99', NOV),
        charge(DEC, 'enrich-route', 2, 1, '1.49'),
      ],
    },
    {
      rule: '§5 every outcome credited: the credits cancel the charge',
      items: withCredits(billed('graduated', 1, NOV, 2), [
        { period: NOV, at: t('2026-11-10T00:00:00Z') },
        { period: NOV, at: t('2026-11-11T00:00:00Z') },
      ]),
      lines: [charge(NOV, 'graduated', 1, 2, '100.00'), credit(NOV, 'graduated', 1, -2, '-100.00', NOV)],
    },
    {
      rule: '§5 JPY credit has no minor digits',
      items: withCredits(billed('yen', 1, NOV, 3), [{ period: NOV, at: t('2026-11-10T00:00:00Z') }]),
      lines: [charge(NOV, 'yen', 1, 3, '1500', 'JPY'), credit(NOV, 'yen', 1, -1, '-500', NOV, 'JPY')],
    },
    {
      rule: '§5 KWD credit across a boundary, 3 digits',
      items: withCredits(billed('dinar', 1, NOV, 2), [
        { period: NOV, at: t('2026-11-10T00:00:00Z') },
        { period: DEC, at: t('2026-12-10T00:00:00Z') },
      ]),
      lines: [
        charge(NOV, 'dinar', 1, 2, '1.375', 'KWD'),
        credit(NOV, 'dinar', 1, -1, '-0.250', NOV, 'KWD'),
        credit(DEC, 'dinar', 1, -1, '-1.125', NOV, 'KWD'),
      ],
    },
  ];
  it.each(cases)('$rule', ({ items, lines }) => {
    expect(summary(buildInvoice(items, priceOf))).toEqual(lines);
    // Whatever order the outcomes come in, the credits are taken in time order.
    expect(summary(buildInvoice([...items].reverse(), priceOf))).toEqual(lines);
  });
});

describe('buildInvoice: properties', () => {
  function minorOf(text: string, currency: string): bigint {
    return text.startsWith('-') ? -parseAmount(text.slice(1), currency) : parseAmount(text, currency);
  }

  const tieredPrice = fc
    .record({
      model: fc.constantFrom('graduated' as const, 'volume' as const),
      bounds: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 4 }),
      units: fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { minLength: 5, maxLength: 5 }),
      currency: fc.constantFrom('USD', 'JPY', 'KWD'),
    })
    .map(({ model, bounds, units, currency }) => {
      const upTos = [...[...bounds].sort((a, b) => a - b), null];
      const tiers = upTos.map((up_to, i) => ({ up_to, unit_amount: formatAmount(units[i] ?? 0n, currency) }));
      return compiled({ currency, model, tiers });
    });

  const periods = ['2026-11', '2026-12', '2027-01', '2027-02'];

  /** A line of n outcomes, all credited at random times, each in the period its time falls in. */
  const fullyCredited = fc.integer({ min: 1, max: 250 }).chain((n) =>
    fc.array(fc.integer({ min: 0, max: periods.length * 1000 - 1 }), { minLength: n, maxLength: n }),
  );

  function creditTotal(price: Price, times: number[]): { charged: bigint; credited: bigint; quantity: number } {
    const items = times.map((at): BilledItem => ({
      criteriaId: 'p',
      criteriaVersion: 1,
      billingPeriod: '2026-11',
      credit: { period: periods[Math.floor(at / 1000)] ?? '?', at },
    }));
    const lines = buildInvoice(items, () => price);
    let charged = 0n;
    let credited = 0n;
    let quantity = 0;
    for (const line of lines) {
      if (line.kind === 'charge') charged += minorOf(line.amount, line.currency);
      else {
        credited += minorOf(line.amount, line.currency);
        quantity += line.quantity;
      }
    }
    return { charged, credited, quantity };
  }

  it('§5 graduated: when every outcome of a line is credited, the credits add up to −amount(n)', () => {
    fc.assert(
      fc.property(tieredPrice.filter((p) => p.model === 'graduated'), fullyCredited, (price, times) => {
        const { charged, credited, quantity } = creditTotal(price, times);
        expect(charged).toBe(amountFor(price, times.length).amountMinor);
        expect(credited).toBe(-charged);
        expect(quantity).toBe(-times.length);
      }),
    );
  });

  it('§6 volume: no credit line is above 0, and a fully credited line gives back at least amount(n)', () => {
    fc.assert(
      fc.property(tieredPrice.filter((p) => p.model === 'volume'), fullyCredited, (price, times) => {
        const { charged, credited } = creditTotal(price, times);
        // Each step gives back max(0, amount(m) − amount(m − 1)): at least the (telescoping) total amount(n).
        expect(credited <= -charged).toBe(true);
        const items = withCredits(billed('p', 1, '2026-11', times.length), times.map((at) => ({ period: '2026-12', at })));
        for (const line of buildInvoice(items, () => price)) if (line.kind === 'credit') expect(minorOf(line.amount, line.currency) <= 0n).toBe(true);
      }),
    );
  });

  it('§5 graduated: after k credits, charge + credits = amount(n − k)', () => {
    fc.assert(
      fc.property(
        tieredPrice.filter((p) => p.model === 'graduated'),
        fc.integer({ min: 1, max: 250 }),
        fc.array(fc.integer({ min: 0, max: 3999 }), { maxLength: 250 }),
        (price, n, times) => {
          const creditTimes = times.slice(0, n);
          const items = withCredits(
            billed('p', 1, '2026-11', n),
            creditTimes.map((at) => ({ period: periods[Math.floor(at / 1000)] ?? '?', at })),
          );
          const net = buildInvoice(items, () => price).reduce((sum, line) => sum + minorOf(line.amount, line.currency), 0n);
          expect(net).toBe(amountFor(price, n - creditTimes.length).amountMinor);
        },
      ),
    );
  });
});
