// The card's paging: opaque cursors for a record's outcomes (newest first) and an outcome's trail (oldest first), and pages kept under a size budget.
import { z } from 'zod';
import type { Outcome } from '../core/engine/outcome.ts';
import type { Problem } from '../core/problems.ts';

/**
 * Where an outcome sits in the ledger's order (cli.md: openedAt, then idempotency key, then sequence
 * number). Outcomes never move in it, so a cursor at one walks the rest exactly once, whatever opens meanwhile.
 */
type Position = readonly [openedAt: number, key: string, seq: number];

const positionOf = (o: Outcome): Position => [o.openedAt, o.idempotencyKey, o.seq];

function comparePositions(a: Position, b: Position): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] - b[2];
}

const outcomeCursor = z.tuple([z.literal('o'), z.number().int(), z.string().min(1), z.number().int().min(1)]);
const trailCursor = z.tuple([z.literal('t'), z.number().int().min(1)]);

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decode<T>(cursor: string, schema: z.ZodType<T>): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const BAD_CURSOR: Problem = { code: 'invalid_value', path: ['cursor'], message: 'is not a cursor this list gave: ask again without it to start from the top' };

/**
 * Pages stay well under HubSpot's 1 MB for a `hubspot.fetch` answer: items are added while their JSON
 * fits this many bytes (always at least one), and the next page goes on from there.
 */
export const PAGE_BUDGET_BYTES = 256 * 1024;

/** The longest prefix of `items` (at most `limit`, at least one) whose JSON fits the budget. */
function fitting<T>(items: readonly T[], limit: number, budget: number): T[] {
  const page: T[] = [];
  let bytes = 2;
  for (const item of items.slice(0, limit)) {
    const size = Buffer.byteLength(JSON.stringify(item), 'utf8') + 1;
    if (page.length > 0 && bytes + size > budget) break;
    page.push(item);
    bytes += size;
  }
  return page;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/**
 * One page of a record's outcomes, newest first: those after the cursor's outcome, mapped by `view`.
 * `view` may be async (it reads log ids) and is called for the page's candidates only.
 */
export async function outcomesPage<T>(
  outcomes: readonly Outcome[],
  cursor: string | undefined,
  limit: number,
  view: (page: readonly Outcome[]) => Promise<T[]>,
  budget = PAGE_BUDGET_BYTES,
): Promise<Page<T> | { problem: Problem }> {
  let after: Position | null = null;
  if (cursor !== undefined) {
    const decoded = decode(cursor, outcomeCursor);
    if (decoded === null) return { problem: BAD_CURSOR };
    after = [decoded[1], decoded[2], decoded[3]];
  }
  const newestFirst = [...outcomes].sort((a, b) => comparePositions(positionOf(b), positionOf(a)));
  const rest = after === null ? newestFirst : newestFirst.filter((o) => comparePositions(positionOf(o), after) < 0);
  const candidates = rest.slice(0, limit);
  const items = fitting(await view(candidates), limit, budget);
  const last = candidates[items.length - 1];
  const more = rest.length > items.length && last !== undefined;
  return { items, nextCursor: more ? encode(['o', ...positionOf(last)]) : null };
}

/** One page of a trail, oldest first, from the cursor's entry on. */
export function trailPage<T>(entries: readonly T[], cursor: string | undefined, limit: number, budget = PAGE_BUDGET_BYTES): Page<T> | { problem: Problem } {
  let from = 0;
  if (cursor !== undefined) {
    const decoded = decode(cursor, trailCursor);
    if (decoded === null || decoded[1] > entries.length) return { problem: BAD_CURSOR };
    from = decoded[1];
  }
  const items = fitting(entries.slice(from), limit, budget);
  const next = from + items.length;
  return { items, nextCursor: next < entries.length ? encode(['t', next]) : null };
}
