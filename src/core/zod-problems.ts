// Turns zod issues into the core's problems: a readable field path and a message a person can act on.
import type { z } from 'zod';
import type { Problem } from './types.ts';

export type PathSegment = string | number;

/** `criteria[1].price.tiers[0].up_to`: list indexes count from 0 (contract §1). */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Parse with every issue collected; pass `reportInput` so a missing field can be told from a wrong one. */
export function zodProblems(error: z.ZodError, prefix = ''): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const base = joinPath(prefix, formatPath(issue.path));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: joinPath(base, key), message: 'unknown field (misspelt? every field name is part of the contract)' });
      }
      continue;
    }
    problems.push({ path: base === '' ? '(top level)' : base, message: messageOf(issue) });
  }
  return problems;
}

function messageOf(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `expected ${article(issue.expected)}, got ${describeValue(input)}`;
    case 'invalid_value':
      if (input === undefined) return `is required: one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    case 'invalid_format':
      return `${describeValue(input)} does not match the expected format (${issue.pattern ?? issue.format})`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  const noun = type === 'int' ? 'integer' : type === 'object' ? 'mapping of fields' : type === 'array' ? 'list' : type === 'string' ? 'text' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return `${typeof v} ${String(v)}`;
}
