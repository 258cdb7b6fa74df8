// Instants as the contract writes them (§1): an offset must be a real UTC offset, never a shifted guess.
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/time.ts';

describe('parseInstant', () => {
  it.each([
    ['2026-11-04T10:00:00Z', '2026-11-04T10:00:00.000Z'],
    ['2026-11-04T10:00:00+14:00', '2026-11-03T20:00:00.000Z'],
    ['2026-11-04T10:00:00-12:00', '2026-11-04T22:00:00.000Z'],
    ['2026-11-04T10:00:00+0530', '2026-11-04T04:30:00.000Z'],
    ['2026-11-04T10:00:00-03', '2026-11-04T13:00:00.000Z'],
  ])('reads %s with its offset', (text, iso) => {
    const r = parseInstant(text, 'UTC');
    expect(r.ok && new Date(r.ms).toISOString()).toBe(iso);
  });

  it.each(['2026-11-04T10:00:00+25:00', '2026-11-04T10:00:00+99:99', '2026-11-04T10:00:00-15:00', '2026-11-04T10:00:00+02:60', '2026-11-04T10:00:00+1499'])(
    'refuses the impossible offset in %s, naming it',
    (text) => {
      const r = parseInstant(text, 'UTC');
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(/is not a real UTC offset/);
    },
  );
});
