// Contract §1 instants at the edges: the largest real UTC offsets, offsets without minutes, and why a date is not real.
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/time.ts';

const offsetProblem = (text: string, offset: string) => ({ ok: false, message: `"${text}": ${offset} is not a real UTC offset (at most 14:00 either side of UTC)` });

describe('§1 UTC offsets', () => {
  it('minutes up to 59 are read', () => {
    expect(parseInstant('2026-11-04T10:00:00+05:59', 'UTC')).toEqual({ ok: true, ms: Date.parse('2026-11-04T04:01:00Z') });
  });

  it('past 14:00 by minutes only is refused, and the message shows the offset as hours and minutes', () => {
    expect(parseInstant('2026-11-04T10:00:00+14:30', 'UTC')).toEqual(offsetProblem('2026-11-04T10:00:00+14:30', '+14:30'));
    expect(parseInstant('2026-11-04T10:00:00-1401', 'UTC')).toEqual(offsetProblem('2026-11-04T10:00:00-1401', '-14:01'));
    expect(parseInstant('2026-11-04T10:00:00+25', 'UTC')).toEqual(offsetProblem('2026-11-04T10:00:00+25', '+25:00'));
  });
});

describe('§1 a date that is not real says which part is wrong', () => {
  it.each([
    ['2026-02-30', /as a day/],
    ['2026-13-01T00:00:00Z', /as a month/],
  ])('%s', (text, why) => {
    const r = parseInstant(text, 'UTC');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(why);
  });
});
