// Calendar arithmetic in the criteria's time zone: period buckets, billing periods, ISO output.
import { DateTime, IANAZone } from 'luxon';

export const BUCKET_PERIODS = ['hour', 'day', 'week', 'month', 'none'] as const;
export type BucketPeriod = (typeof BUCKET_PERIODS)[number];

// Intl (and so luxon) also takes a bare offset such as `+02:00`; the contract asks for a name, which follows daylight saving.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** An IANA time zone name (`UTC`, `Europe/Berlin`, `Etc/GMT+2`), not an offset. */
export function isValidTimeZone(name: string): boolean {
  return ZONE_NAME.test(name) && IANAZone.isValidZone(name);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * The bucket an instant falls in, in `zone`: `2026-11-03` (day), `2026-11-03T10` (hour),
 * `2026-W45` (ISO week), `2026-11` (month) or `all` (none), as cli.md spells them.
 */
export function bucketOf(at: number, period: BucketPeriod, zone: string): string {
  if (period === 'none') return 'all';
  const dt = DateTime.fromMillis(at, { zone });
  switch (period) {
    case 'month':
      return `${dt.year}-${pad2(dt.month)}`;
    case 'day':
      return `${dt.year}-${pad2(dt.month)}-${pad2(dt.day)}`;
    case 'hour':
      return `${dt.year}-${pad2(dt.month)}-${pad2(dt.day)}T${pad2(dt.hour)}`;
    case 'week':
      return `${dt.weekYear}-W${pad2(dt.weekNumber)}`;
  }
}

/** Billing periods are calendar months in the criteria's time zone (contract §1, §6). */
export function billingPeriodOf(at: number, zone: string): string {
  return bucketOf(at, 'month', zone);
}

export function isoUtc(at: number): string {
  return new Date(at).toISOString();
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)$/;
/** Offsets in use run from -12:00 to +14:00; past 14 hours is a typo, which luxon would read as a shifted instant. */
const MAX_OFFSET_MINUTES = 14 * 60;

export type InstantResult = { ok: true; ms: number } | { ok: false; message: string };

/**
 * An ISO 8601 date-time with an offset or `Z`; a bare date means midnight in `zone`
 * (contract §1). A date-time without an offset is refused: its instant would be a guess.
 */
export function parseInstant(text: string, zone: string): InstantResult {
  let dt: DateTime;
  const withOffset = DATE_TIME_WITH_OFFSET.exec(text);
  if (DATE_ONLY.test(text)) dt = DateTime.fromISO(text, { zone });
  else if (withOffset) {
    const [, , , , sign, hours, minutes = '00'] = withOffset;
    if (sign !== undefined && (Number(minutes) > 59 || Number(hours) * 60 + Number(minutes) > MAX_OFFSET_MINUTES)) {
      return { ok: false, message: `"${text}": ${sign}${hours}:${minutes} is not a real UTC offset (at most 14:00 either side of UTC)` };
    }
    // The offset in the text fixes the instant; the zone it is shown in does not matter here.
    dt = DateTime.fromISO(text);
  } else {
    return {
      ok: false,
      message: `"${text}" is not an ISO 8601 date-time with an offset (e.g. 2026-11-01T00:00:00Z) or a date (2026-11-01)`,
    };
  }
  if (!dt.isValid) return { ok: false, message: `"${text}" is not a real date or time (${dt.invalidExplanation ?? dt.invalidReason})` };
  return { ok: true, ms: dt.toMillis() };
}

/** `2026-11-01` when the instant is midnight in `zone`, else the full local date-time with its offset. */
export function describeInstant(at: number, zone: string): string {
  const dt = DateTime.fromMillis(at, { zone });
  if (dt.hour === 0 && dt.minute === 0 && dt.second === 0 && dt.millisecond === 0) return dt.toISODate() ?? isoUtc(at);
  return dt.toISO({ suppressMilliseconds: true }) ?? isoUtc(at);
}
