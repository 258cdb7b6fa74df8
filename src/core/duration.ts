// Durations of the criteria language (`30s`, `10m`, `24h`, `3d`, `0`) as milliseconds.

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)(s|m|h|d)$/;

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

/** `d` is exactly 24 h (contract §1): durations are elapsed time, not calendar days. */
export function parseDuration(input: unknown): DurationResult {
  if (input === 0 || input === '0') return { ok: true, ms: 0 };
  if (typeof input !== 'string') {
    return { ok: false, message: `expected a duration like "30s", "10m", "24h", "3d" or 0, got ${describe(input)}` };
  }
  const m = DURATION.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0` };
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (!Number.isSafeInteger(ms)) return { ok: false, message: `"${input}" is too long` };
  return { ok: true, ms };
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  return typeof v === 'number' ? `the number ${v}` : typeof v;
}
