// Errors as data, one shape everywhere: what kind of problem (code), where (path) and what to do (message).

/** A field name or a list index (from 0); a leading string may also name a place outside any field (a file, `line 4`). */
export type PathSegment = string | number;
export type ProblemPath = readonly PathSegment[];

/**
 * The kinds of problem, so a UI can render a problem by its kind and place it at its field:
 * - `required`: a value is missing.
 * - `invalid_type`: a value of the wrong type (a text where a list goes).
 * - `invalid_value`: the right type but not an allowed value (not one of the choices, out of range).
 * - `invalid_format`: text that is not in the expected form (a pattern, an id, a date).
 * - `unknown_field`: a field the schema does not define (a misspelling, as often as not).
 * - `too_small` / `too_big`: under a minimum or over a maximum (a length, a count, a size).
 * - `not_found`: names something that does not exist (an outcome id).
 * - `duplicate`: given twice where once is allowed (a version, a record).
 * - `conflict`: contradicts another value (another field, another version, another event of the batch).
 * - `syntax`: the text cannot be read as YAML or JSON at all; the path says where it breaks.
 * - `unreadable`: a file or folder that cannot be read.
 * - `custom`: any other rule, said by the message.
 */
export const PROBLEM_CODES = [
  'required',
  'invalid_type',
  'invalid_value',
  'invalid_format',
  'unknown_field',
  'too_small',
  'too_big',
  'not_found',
  'duplicate',
  'conflict',
  'syntax',
  'unreadable',
  'custom',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const isProblemCode = (value: unknown): value is ProblemCode => (PROBLEM_CODES as readonly unknown[]).includes(value);

/** An error as data: what is wrong and where, e.g. `{ code: 'required', path: ['criteria', 1, 'success'], message: 'is required' }`. */
export interface Problem {
  readonly code: ProblemCode;
  /** From the root of what was read; empty for the whole of it. */
  readonly path: ProblemPath;
  /** Says what is wrong and what would be right, without repeating the path. */
  readonly message: string;
}

/**
 * `criteria[1].price.tiers[0].up_to`: indexes in brackets, names after dots (contract §1). The one
 * way a path is printed; an empty path prints as `whole` (what "the whole input" is called there).
 */
export function formatPath(path: ProblemPath, whole = '(top level)'): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out === '' ? whole : out;
}

/** `price.tiers[0].up_to: must be a positive integer, ...`: one problem on one line. */
export function formatProblem(problem: Problem, whole?: string): string {
  return `${formatPath(problem.path, whole)}: ${problem.message}`;
}
