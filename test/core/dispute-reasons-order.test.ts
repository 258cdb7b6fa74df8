// The order the settings page lists disputes in, and the refusal of an answer for an outcome never disputed.
import { describe, expect, it } from 'vitest';
import { summarizeDisputes, unanswerable } from '../../src/core/dispute-reasons.ts';
import type { Dispute, Outcome } from '../../src/core/engine/outcome.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';

const by = { userId: 7, email: 'ed@example.com' };
const at = (iso: string) => Date.parse(iso);
function disputed(id: string, state: Dispute['state'], reason: string, openedAt: string, resolvedAt: string | null = null): Outcome {
  const dispute: Dispute = { state, reason, openedBy: by, openedAt: at(openedAt), resolvedBy: resolvedAt === null ? null : by, resolvedAt: resolvedAt === null ? null : at(resolvedAt), note: null };
  return { ...outcomeFixture({ recordId: id, criteriaId: 'resolve', status: state === 'upheld' ? 'credited' : 'billable', dispute }), outcomeId: id };
}
const PERIODS = ['2026-11'];

describe('the open disputes, oldest first', () => {
  it('orders by when each was opened, and at one instant by outcome id, whatever order the ledger holds them in', () => {
    const outcomes = [
      disputed('o-c', 'open', 'late', '2026-11-03T00:00:00Z'),
      disputed('o-b', 'open', 'wrong owner', '2026-11-01T00:00:00Z'),
      disputed('o-z', 'open', 'dup', '2026-11-02T00:00:00Z'),
      disputed('o-a', 'open', 'dup', '2026-11-02T00:00:00Z'),
    ];
    const ids = (list: readonly Outcome[]) => summarizeDisputes(list, 'resolve', PERIODS, 'UTC').open.map((o) => o.outcomeId);
    expect(ids(outcomes)).toEqual(['o-b', 'o-a', 'o-z', 'o-c']);
    expect(ids([...outcomes].reverse())).toEqual(['o-b', 'o-a', 'o-z', 'o-c']);
  });
});

describe('upheld reasons', () => {
  it('at equal counts keep the order their first dispute appeared in, and a wording used as often as another is shown as first seen', () => {
    const outcomes = [
      disputed('u1', 'upheld', 'Wrong contact', '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
      disputed('u2', 'upheld', 'Duplicate', '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
      disputed('u3', 'upheld', 'wrong contact ', '2026-11-01T00:00:00Z', '2026-11-06T00:00:00Z'),
      disputed('u4', 'upheld', 'duplicate', '2026-11-01T00:00:00Z', '2026-11-06T00:00:00Z'),
    ];
    expect(summarizeDisputes(outcomes, 'resolve', PERIODS, 'UTC').upheld).toEqual([
      { reason: 'Wrong contact', count: 2, outcomeIds: ['u1', 'u3'] },
      { reason: 'Duplicate', count: 2, outcomeIds: ['u2', 'u4'] },
    ]);
  });

  it('a more frequent group comes first even when it appeared later', () => {
    const outcomes = [
      disputed('u1', 'upheld', 'Rare', '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
      disputed('u2', 'upheld', 'Common', '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
      disputed('u3', 'upheld', 'COMMON', '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
      disputed('u4', 'upheld', 'COMMON', '2026-11-01T00:00:00Z', '2026-11-05T00:00:00Z'),
    ];
    expect(summarizeDisputes(outcomes, 'resolve', PERIODS, 'UTC').upheld.map((r) => [r.reason, r.count])).toEqual([['COMMON', 3], ['Rare', 1]]);
  });
});

describe('answers', () => {
  it('refuses an outcome of the id that was never disputed, without failing on the missing dispute', () => {
    const plain = { ...outcomeFixture({ recordId: 'p', criteriaId: 'resolve', status: 'billable', dispute: null }), outcomeId: 'p' };
    expect(unanswerable([plain], 'resolve', ['p'])).toEqual([{ index: 0, message: 'p has no upheld or open dispute to answer' }]);
  });
});
