// Calendar arithmetic in the criteria's time zone (time.ts): buckets, billing periods, instants read and shown.
import { describe, expect, it } from 'vitest';
import { billingPeriodOf, bucketOf, describeInstant, isoUtc, isValidTimeZone, parseInstant } from '../../src/core/time.ts';

const t = (iso: string) => Date.parse(iso);
const NY = 'America/New_York';

describe('buckets (cli.md spellings) in the criteria zone', () => {
  it.each([
    { at: '2026-11-04T03:30:00Z', period: 'day', zone: 'UTC', bucket: '2026-11-04' },
    { at: '2026-11-04T03:30:00Z', period: 'day', zone: NY, bucket: '2026-11-03' },
    { at: '2026-01-05T09:00:00Z', period: 'day', zone: 'UTC', bucket: '2026-01-05' },
    { at: '2026-11-04T03:30:00Z', period: 'hour', zone: 'UTC', bucket: '2026-11-04T03' },
    { at: '2026-11-04T03:30:00Z', period: 'hour', zone: NY, bucket: '2026-11-03T22' },
    { at: '2026-12-31T15:00:00Z', period: 'hour', zone: 'UTC', bucket: '2026-12-31T15' },
    { at: '2026-11-04T03:30:00Z', period: 'month', zone: 'UTC', bucket: '2026-11' },
    { at: '2026-12-01T03:30:00Z', period: 'month', zone: NY, bucket: '2026-11' },
    { at: '2026-02-01T00:00:00Z', period: 'month', zone: 'UTC', bucket: '2026-02' },
    { at: '2026-11-04T03:30:00Z', period: 'week', zone: 'UTC', bucket: '2026-W45' },
    { at: '2026-03-02T10:00:00Z', period: 'week', zone: 'UTC', bucket: '2026-W10' },
    // ISO week-numbering year: 1 January 2027 is a Friday, in the last week of 2026.
    { at: '2027-01-01T10:00:00Z', period: 'week', zone: 'UTC', bucket: '2026-W53' },
    { at: '2026-01-05T10:00:00Z', period: 'week', zone: 'UTC', bucket: '2026-W02' },
    { at: '2026-11-04T03:30:00Z', period: 'none', zone: NY, bucket: 'all' },
  ] as const)('$at by $period in $zone is $bucket', ({ at, period, zone, bucket }) => {
    expect(bucketOf(t(at), period, zone)).toBe(bucket);
  });

  it('a billing period is the calendar month in the zone', () => {
    expect(billingPeriodOf(t('2026-12-01T03:00:00Z'), NY)).toBe('2026-11');
    expect(billingPeriodOf(t('2026-12-01T03:00:00Z'), 'UTC')).toBe('2026-12');
  });
});

describe('time zones and ISO output', () => {
  it.each([
    ['UTC', true],
    ['America/New_York', true],
    ['Europe/Berlin', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('%s is an IANA name: %s', (zone, ok) => {
    expect(isValidTimeZone(zone)).toBe(ok);
  });

  it('isoUtc prints milliseconds and Z', () => {
    expect(isoUtc(t('2026-11-03T10:00:00.5Z'))).toBe('2026-11-03T10:00:00.500Z');
  });
});

describe('§1 instants: a date-time with an offset, or a date at midnight in the zone', () => {
  it.each([
    { text: '2026-11-01', zone: 'UTC', iso: '2026-11-01T00:00:00.000Z' },
    { text: '2026-11-01', zone: NY, iso: '2026-11-01T04:00:00.000Z' },
    { text: '2026-11-01T00:00:00Z', zone: NY, iso: '2026-11-01T00:00:00.000Z' },
    { text: '2026-11-01T00:00Z', zone: 'UTC', iso: '2026-11-01T00:00:00.000Z' },
    { text: '2026-11-01T12:30:15.250+02:00', zone: 'UTC', iso: '2026-11-01T10:30:15.250Z' },
    { text: '2026-11-01T12:30:15-0500', zone: 'UTC', iso: '2026-11-01T17:30:15.000Z' },
    { text: '2026-11-01T12:30+05', zone: 'UTC', iso: '2026-11-01T07:30:00.000Z' },
  ])('$text in $zone is $iso', ({ text, zone, iso }) => {
    expect(parseInstant(text, zone)).toEqual({ ok: true, ms: t(iso) });
  });

  it.each([
    '2026-11-01T00:00:00',
    '2026-11-01 00:00:00Z',
    '2026-11-01T00:00:00ZZ',
    'x2026-11-01',
    '2026-11-01x',
    '2026-11-01T00:00:00Zx',
    'x2026-11-01T00:00:00Z',
    '26-11-01',
    '2026-11-01T00:00:00+5',
    'yesterday',
  ])('%s is not an ISO 8601 date-time with an offset', (text) => {
    expect(parseInstant(text, 'UTC')).toEqual({
      ok: false,
      message: `"${text}" is not an ISO 8601 date-time with an offset (e.g. 2026-11-01T00:00:00Z) or a date (2026-11-01)`,
    });
  });

  it.each(['2026-02-30', '2026-13-01T00:00:00Z', '2026-11-01T25:00:00Z'])('%s is refused as no real date or time, saying why', (text) => {
    const r = parseInstant(text, 'UTC');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(new RegExp(`^"${text}" is not a real date or time \\(.+\\)$`));
  });
});

describe('instants as people read them', () => {
  it.each([
    { at: '2026-11-01T04:00:00Z', zone: NY, text: '2026-11-01' },
    { at: '2026-11-01T00:00:00Z', zone: 'UTC', text: '2026-11-01' },
    { at: '2026-11-01T00:00:00Z', zone: NY, text: '2026-10-31T20:00:00-04:00' },
    { at: '2026-11-01T00:30:00Z', zone: 'UTC', text: '2026-11-01T00:30:00Z' },
    { at: '2026-11-01T00:00:30Z', zone: 'UTC', text: '2026-11-01T00:00:30Z' },
    { at: '2026-11-01T00:00:00.250Z', zone: 'UTC', text: '2026-11-01T00:00:00.250Z' },
    { at: '2026-11-01T05:00:00Z', zone: 'UTC', text: '2026-11-01T05:00:00Z' },
  ])('$at in $zone is shown as $text', ({ at, zone, text }) => {
    expect(describeInstant(t(at), zone)).toBe(text);
  });
});
