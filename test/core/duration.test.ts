// Durations of the criteria language (contract §1): parsing to milliseconds, the messages, and formatting back.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.ts';

describe('§1 durations', () => {
  it.each([
    { input: '30s', ms: 30_000 },
    { input: '10m', ms: 600_000 },
    { input: '24h', ms: 86_400_000 },
    { input: '3d', ms: 259_200_000 },
    { input: ' 2h ', ms: 7_200_000 },
    { input: '0s', ms: 0 },
    { input: '0', ms: 0 },
    { input: 0, ms: 0 },
  ])('$input is $ms ms', ({ input, ms }) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms });
  });

  it.each([
    { input: '10 minutes', message: '"10 minutes" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0' },
    { input: '10mx', message: '"10mx" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0' },
    { input: 'x10m', message: '"x10m" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0' },
    { input: '1.5h', message: '"1.5h" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0' },
    { input: '5w', message: '"5w" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0' },
    { input: '', message: '"" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0' },
    { input: '99999999999999999d', message: '"99999999999999999d" is too long' },
    { input: 30, message: 'expected a duration like "30s", "10m", "24h", "3d" or 0, got the number 30' },
    { input: undefined, message: 'expected a duration like "30s", "10m", "24h", "3d" or 0, got nothing' },
    { input: null, message: 'expected a duration like "30s", "10m", "24h", "3d" or 0, got null' },
    { input: true, message: 'expected a duration like "30s", "10m", "24h", "3d" or 0, got boolean' },
    { input: ['1h'], message: 'expected a duration like "30s", "10m", "24h", "3d" or 0, got object' },
  ])('$input is refused: $message', ({ input, message }) => {
    expect(parseDuration(input)).toEqual({ ok: false, message });
  });

  it('the largest duration that is still a safe integer of milliseconds is accepted', () => {
    const s = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
    expect(parseDuration(`${s}s`)).toEqual({ ok: true, ms: s * 1000 });
  });

  it.each([
    { ms: 0, text: '0' },
    { ms: 86_400_000, text: '1d' },
    { ms: 2 * 86_400_000, text: '2d' },
    { ms: 3_600_000, text: '1h' },
    { ms: 90 * 60_000, text: '90m' },
    { ms: 25 * 3_600_000, text: '25h' },
    { ms: 61_000, text: '61s' },
    { ms: 1_500, text: '1500ms' },
  ])('formats $ms ms as $text (the largest whole unit)', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
