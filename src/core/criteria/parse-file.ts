// Reads a criteria file (YAML or JSON; one version or a `criteria:` list) into checked versions, or every problem.
import { parseDocument } from 'yaml';
import { budgetCurrencyProblems, compileBudget } from '../budget.ts';
import { isValidTimeZone, parseInstant } from '../time.ts';
import type { Problem, ProblemPath } from '../problems.ts';
import { problemsFromZod } from '../zod-problems.ts';
import { criteriaVersionSchema, isWholeVersion } from './schema.ts';
import type { CriteriaVersionParsed } from './schema.ts';
import type { CriteriaVersion } from './types.ts';

/** A version together with where it was written, so set-level problems can point at it. */
export interface LocatedVersion {
  readonly criteria: CriteriaVersion;
  /** `[]` for a file of one version, `['criteria', i]` inside a list. */
  readonly path: ProblemPath;
  /** The version as written, keys sorted: equal texts mean an unchanged version, however the file is laid out. */
  readonly canonical: string;
}

export type ParseCriteriaResult =
  | { ok: true; versions: LocatedVersion[] }
  /** `compiled`: the versions of a rejected file that passed their own checks, only so set-wide rules can be checked alongside. */
  | { ok: false; problems: Problem[]; compiled: LocatedVersion[] };

const MAX_ALIASES = 100;

/** Parses the text of one file. A file with any problem is rejected whole (contract §1); its sound versions come back only for set-wide checks. */
export function parseCriteriaText(text: string): ParseCriteriaResult {
  // yaml's defaults refuse a key given twice and place each error at its line and column.
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      compiled: [],
      problems: doc.errors.map((e) => ({
        code: 'syntax',
        path: [e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)'],
        message: firstLine(e.message),
      })),
    };
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // yaml refuses to expand aliases past the limit (a few lines could otherwise grow without bound) and
    // an alias with no anchor before it; it says the second well enough, the first in terms of attacks.
    const { message } = e as Error;
    const tooMany = message.startsWith('Excessive alias count');
    return { ok: false, problems: [{ code: 'syntax', path: ['(file)'], message: tooMany ? `uses YAML aliases (*name) more than ${MAX_ALIASES} times: write the values out instead` : message }], compiled: [] };
  }
  // Fields beside `criteria:` do not stop the entries being checked: every problem is listed at once (contract §1).
  const { entries, problems } = splitEntries(root);
  const versions: LocatedVersion[] = [];
  for (const { value, path } of entries) {
    const parsed = criteriaVersionSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) problems.push(...problemsFromZod(parsed.error, { at: path }));
    const crossField = checkAcrossFields(value, path);
    problems.push(...crossField.problems);
    // A budget amount with more decimals than the currency cannot be compiled: it is only a problem.
    const budgetProblems = value !== null && typeof value === 'object' ? budgetCurrencyProblems(value as Record<string, unknown>, path) : [];
    problems.push(...budgetProblems);
    if (parsed.success && crossField.effectiveFrom !== null && budgetProblems.length === 0) {
      versions.push({ criteria: compile(parsed.data, crossField.effectiveFrom), path, canonical: canonicalJson(value) });
    }
  }
  return problems.length > 0 ? { ok: false, problems, compiled: versions } : { ok: true, versions };
}

interface Entries {
  readonly entries: { value: unknown; path: ProblemPath }[];
  readonly problems: Problem[];
}

function splitEntries(root: unknown): Entries {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { entries: [], problems: [{ code: 'invalid_type', path: [], message: 'expected a criteria version (a mapping of fields) or `criteria:` with a list of them' }] };
  }
  if (!('criteria' in root)) return { entries: [{ value: root, path: [] }], problems: [] };
  const problems: Problem[] = [];
  for (const key of Object.keys(root)) {
    if (key !== 'criteria') problems.push({ code: 'unknown_field', path: [key], message: 'unknown field: a file with `criteria:` holds only that list' });
  }
  const list = (root as { criteria: unknown }).criteria;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ code: Array.isArray(list) ? 'too_small' : 'invalid_type', path: ['criteria'], message: 'expected a list of one or more criteria versions' });
    return { entries: [], problems };
  }
  return { entries: list.map((value, i) => ({ value, path: ['criteria', i] })), problems };
}

/** Rules that tie two fields together, checked on the raw input so they are reported even when other fields are wrong. */
function checkAcrossFields(value: unknown, path: ProblemPath): { problems: Problem[]; effectiveFrom: number | null } {
  const problems: Problem[] = [];
  // An entry that is not a mapping has no fields to tie (its own problem is said by the schema).
  const raw: Record<string, unknown> = { ...(value as object) };
  // A version that is not a whole number has its own problem; "since version 0.5" would only confuse.
  if (isWholeVersion(raw.version) && raw.version > 1 && (raw.change_notes === undefined || raw.change_notes === '')) {
    problems.push({ code: 'required', path: [...path, 'change_notes'], message: `is required when version is more than 1 (say what changed since version ${raw.version - 1})` });
  }
  let effectiveFrom: number | null = null;
  if (typeof raw.effective_from === 'string') {
    // An invalid zone is reported on `timezone`; read the date in UTC meanwhile so its own problems still show.
    const zone = typeof raw.timezone === 'string' && isValidTimeZone(raw.timezone) ? raw.timezone : 'UTC';
    const parsed = parseInstant(raw.effective_from, zone);
    if (parsed.ok) effectiveFrom = parsed.ms;
    else problems.push({ code: 'invalid_format', path: [...path, 'effective_from'], message: parsed.message });
  }
  return { problems, effectiveFrom };
}

function compile(p: CriteriaVersionParsed, effectiveFrom: number): CriteriaVersion {
  return {
    id: p.id,
    version: p.version,
    name: p.name,
    description: p.description ?? null,
    owner: p.owner,
    effectiveFrom,
    changeNotes: p.change_notes ?? null,
    object: p.object,
    timezone: p.timezone,
    trigger: { property: p.trigger.property, when: p.trigger.when ?? null },
    success: p.success,
    withinMs: p.within,
    failIf: p.fail_if ?? null,
    failureReasons: p.failure_reasons,
    exclude: p.exclude,
    retryWindowMs: p.retry_window,
    cooldownMs: p.cooldown,
    idempotencyPeriod: p.idempotency_period,
    reviewWindowMs: p.review_window,
    onTimeout: p.on_timeout,
    approveIf: p.approve_if ?? null,
    rejectIf: p.reject_if ?? null,
    cap: p.cap ?? null,
    price: p.price,
    billingPeriod: p.billing_period,
    budget: p.budget === undefined ? null : compileBudget(p.budget, p.price.currency),
    costCentreProperty: p.cost_centre_property ?? null,
  };
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

/** yaml's pretty message is the text, ` at line L, column C:` and a code frame; the path already says where. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
