// Upheld disputes by reason over recent billing periods, and which outcomes a version may say it answers.
import { describe, expect, it } from 'vitest';
import { recentPeriods, summarizeDisputes, unanswerable } from '../../src/core/dispute-reasons.ts';
import type { Dispute, Outcome } from '../../src/core/engine/outcome.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';

const by = { userId: 7, email: 'ed@example.com' };
const dispute = (state: Dispute['state'], reason: string, resolvedAt: string | null): Dispute => ({
  state,
  reason,
  openedBy: by,
  openedAt: Date.parse('2026-09-01T00:00:00Z'),
  resolvedBy: resolvedAt === null ? null : by,
  resolvedAt: resolvedAt === null ? null : Date.parse(resolvedAt),
  note: null,
});
let n = 0;
const disputed = (d: Dispute | null, criteriaId = 'resolve'): Outcome => outcomeFixture({ recordId: String(++n), criteriaId, status: d?.state === 'upheld' ? 'credited' : 'billable', dispute: d });

describe('recentPeriods', () => {
  it('counts back across a year end, in the given zone', () => {
    expect(recentPeriods(Date.parse('2027-01-31T23:30:00Z'), 'UTC', 3)).toEqual(['2026-11', '2026-12', '2027-01']);
    // Already February in Tokyo.
    expect(recentPeriods(Date.parse('2027-01-31T23:30:00Z'), 'Asia/Tokyo', 2)).toEqual(['2027-01', '2027-02']);
  });
});

describe('summarizeDisputes', () => {
  it('groups upheld reasons trimmed and case-insensitively, most first, in the most used wording; only the id and periods asked', () => {
    const outcomes = [
      disputed(dispute('upheld', 'Wrong record', '2026-12-02T00:00:00Z')),
      disputed(dispute('upheld', '  wrong record ', '2026-11-15T00:00:00Z')),
      disputed(dispute('upheld', 'Wrong record', '2026-10-15T00:00:00Z')),
      disputed(dispute('upheld', 'Customer did it', '2026-12-01T00:00:00Z')),
      // Before the periods, another id, rejected: not counted.
      disputed(dispute('upheld', 'Customer did it', '2026-09-30T00:00:00Z')),
      disputed(dispute('upheld', 'Customer did it', '2026-12-01T00:00:00Z'), 'close'),
      disputed(dispute('rejected', 'Customer did it', '2026-12-01T00:00:00Z')),
      disputed(dispute('open', 'Too slow', null)),
      disputed(null),
    ];
    const s = summarizeDisputes(outcomes, 'resolve', ['2026-10', '2026-11', '2026-12'], 'UTC');
    expect(s.upheld.map((r) => [r.reason, r.count, r.outcomeIds.length])).toEqual([
      ['Wrong record', 3, 3],
      ['Customer did it', 1, 1],
    ]);
    expect(s.upheld[0]!.outcomeIds).toEqual([outcomes[0]!.outcomeId, outcomes[1]!.outcomeId, outcomes[2]!.outcomeId]);
    expect(s.open).toEqual([{ outcomeId: outcomes[7]!.outcomeId, reason: 'Too slow' }]);
  });
});

describe('unanswerable', () => {
  it('names each outcome that is not an upheld or open dispute of the id, at its index', () => {
    const upheld = disputed(dispute('upheld', 'x', '2026-12-01T00:00:00Z'));
    const open = disputed(dispute('open', 'y', null));
    const rejected = disputed(dispute('rejected', 'z', '2026-12-01T00:00:00Z'));
    const other = disputed(dispute('upheld', 'x', '2026-12-01T00:00:00Z'), 'close');
    const ids = [upheld.outcomeId, open.outcomeId, rejected.outcomeId, other.outcomeId, 'nope', upheld.outcomeId];
    expect(unanswerable([upheld, open, rejected, other], 'resolve', ids).map((p) => [p.index, p.message.replace(/^\S+ /, '')])).toEqual([
      [2, 'has no upheld or open dispute to answer'],
      [3, 'is an outcome of close, not of resolve'],
      [4, 'is not an outcome of this HubSpot account'],
      [5, 'is named twice'],
    ]);
  });
});
