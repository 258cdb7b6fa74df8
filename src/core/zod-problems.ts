// The one converter from zod issues to problems: a code, a path of segments and a message a person can act on.
import type { z } from 'zod';
import { isProblemCode } from './problems.ts';
import type { Problem, ProblemCode, ProblemPath } from './problems.ts';

export interface ZodProblemOptions {
  /** Where the parsed value sits in what was read (`['criteria', 1]`, `['events']`), put before every issue's path. */
  readonly at?: ProblemPath;
  /**
   * `contract` (the default) words zod's standard checks one way everywhere (`is required`, `expected a
   * list, got a mapping`), over the schema's own words: criteria files and definition files read so.
   * `schema` keeps the message each check of the schema gives: for schemas that word every check
   * themselves (webhook events, the records file, the environment, HubSpot's answers).
   */
  readonly wording?: 'contract' | 'schema';
}

const UNKNOWN_FIELD: Readonly<Record<NonNullable<ZodProblemOptions['wording']>, string>> = {
  contract: 'unknown field (misspelt? every field name is part of the contract)',
  schema: 'is not a known field',
};

/**
 * Every issue of `error` as a problem; an unknown field is one problem per key. Parse with
 * `reportInput: true` so that a missing value (code `required`) can be told from a wrong one.
 */
export function problemsFromZod(error: z.ZodError, options: ZodProblemOptions = {}): Problem[] {
  const { at = [], wording = 'contract' } = options;
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = [...at, ...(issue.path as readonly (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ code: 'unknown_field', path: [...path, key], message: UNKNOWN_FIELD[wording] });
      continue;
    }
    problems.push({ code: codeOf(issue), path, message: wording === 'schema' ? issue.message : contractMessage(issue) });
  }
  return problems;
}

function codeOf(issue: z.core.$ZodIssue): ProblemCode {
  const missing = 'input' in issue && issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'required' : 'invalid_type';
    case 'invalid_value':
      return missing ? 'required' : 'invalid_value';
    case 'invalid_union':
      return 'invalid_type';
    case 'invalid_format':
    case 'too_small':
    case 'too_big':
      return issue.code;
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
      return 'invalid_value';
    default: {
      // Only a custom check gets here (unknown keys never do); it may name its code in `params.problem` (e.g. `invalid_value`).
      const named = (issue as { params?: { problem?: unknown } }).params?.problem;
      if (isProblemCode(named)) return named;
      return missing ? 'required' : 'custom';
    }
  }
}

function contractMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `expected ${article(issue.expected)}, got ${describeValue(input)}`;
    case 'invalid_value':
      if (input === undefined) return `is required: one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters`;
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    case 'too_big':
      return tooBig(issue, input);
    case 'invalid_format':
      return `${describeValue(input)} does not match the expected format (${issue.pattern ?? issue.format})`;
    default:
      return issue.message;
  }
}

function tooBig(issue: z.core.$ZodIssueTooBig, input: unknown): string {
  const max = Number(issue.maximum);
  if (issue.origin === 'string') return `must be at most ${max} character${max === 1 ? '' : 's'}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${max} entr${max === 1 ? 'y' : 'ies'}`;
  // zod's integer check ends at 2^53 - 1: beyond it a JSON number has already lost digits.
  if (max === Number.MAX_SAFE_INTEGER) return `must be a whole number no larger than ${max} (got ${quoteInput(input)})`;
  return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
}

/**
 * An input as a message may quote it: JSON, except a whole number past 2^53, which JSON would print
 * rounded (99999999999999999999 as 100000000000000000000), a value the person never wrote.
 */
export function quoteInput(v: unknown): string {
  if (tooLargeToBeExact(v)) return 'a number too large to be exact';
  return JSON.stringify(v) ?? String(v);
}

/** Number.isInteger is false for anything not a number. */
const tooLargeToBeExact = (v: unknown): boolean => Number.isInteger(v) && !Number.isSafeInteger(v);

function article(type: string): string {
  const noun = type === 'int' ? 'integer' : type === 'object' ? 'mapping of fields' : type === 'array' ? 'list' : type === 'string' ? 'text' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (tooLargeToBeExact(v)) return quoteInput(v);
  return `${typeof v} ${String(v)}`;
}
