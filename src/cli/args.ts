// Command-line parsing on node:util's parseArgs, turning its errors into usage errors; arity and shared options checked here.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Arity {
  /** `none` (the default): every input comes with its option, so a bare word is a mistake; `paths`: any number of paths. */
  readonly positionals?: 'none' | 'paths';
}

/**
 * Parses a command's arguments; an unknown option, a missing value or (unless the command takes paths)
 * a stray argument is a usage error that names it. With --help nothing else is checked.
 */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O, arity: Arity = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e));
  }
  const stray = parsed.positionals;
  if ((arity.positionals ?? 'none') === 'none' && stray.length > 0 && (parsed.values as { help?: boolean }).help !== true) {
    const named = stray.map((s) => `"${s}"`).join(', ');
    throw new UsageError(`unexpected argument${stray.length === 1 ? '' : 's'} ${named}: this command takes only options, each with one value`);
  }
  return parsed;
}

export type ReportFormat = 'table' | 'json';

/** `--format table|json` and `--trail`, which only the JSON document has room for. */
export function reportFormat(values: { format?: unknown; trail?: unknown }): ReportFormat {
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, not "${format}"`);
  if (values.trail === true && format === 'table') throw new UsageError('--trail needs --format json: the table has no room for the audit trail');
  return format;
}

/** The candidate closest to what was typed (at most two edits away, or one it begins), to suggest after a typo. */
export function nearest(typed: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = typed.length >= 3 && c.startsWith(typed) ? 0 : editDistance(typed.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= 2 ? best : null;
}

/** Damerau-Levenshtein (optimal string alignment): a swap of two neighbours is one edit, as in `legder`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** `: did you mean "validate"?` or nothing. */
export function suggestion(typed: string, candidates: readonly string[]): string {
  const near = nearest(typed, candidates);
  return near === null ? '' : `: did you mean "${near}"?`;
}
