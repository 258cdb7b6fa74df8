// The settings page's calls to the billing service (docs/card-api.md, "The settings page") through hubspot.fetch, each answer parsed, each failure in RevOps' words.
import { hubspot } from '@hubspot/ui-extensions';
import { z } from 'zod';
import { accessSchema, backtestSchema, criteriaListSchema, draftCheckSchema, errorBodySchema, publishedSchema } from './schema.ts';
import type { Access, Backtest, CriteriaList, DraftCheck, Problem, Published } from './schema.ts';

/**
 * `away`: nothing came back or the service could not answer now (trying again may help); `forbidden`:
 * the user may not do this; `invalid`: the draft has problems (in `problems`); `conflict`: the version
 * exists or was taken meanwhile; `refused`: any other refusal; `unexpected`: an answer the page cannot read.
 */
export interface Failure {
  readonly kind: 'away' | 'forbidden' | 'invalid' | 'conflict' | 'refused' | 'unexpected';
  readonly message: string;
  readonly problems: readonly Problem[];
}
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

/** Below HubSpot's own 15 s, so the page says something before HubSpot gives up for it. */
const TIMEOUT_MS = 12_000;

const UNREACHABLE = "The billing service can't be reached right now. Check your connection, then try again.";
const NOT_UNDERSTOOD = 'The billing service answered in a form this page does not understand. Tell your HubSpot admin: the app and the service may be out of step.';

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function failureOf(status: number, body: unknown): Failure {
  const parsed = errorBodySchema.safeParse(body);
  const said = parsed.success ? parsed.data.error.message : `The billing service answered ${status}.`;
  const problems = parsed.success ? (parsed.data.error.problems ?? []) : [];
  if (status >= 500) return { kind: 'away', message: `The billing service could not answer just now (${said}). Try again in a moment.`, problems: [] };
  if (status === 403) return { kind: 'forbidden', message: said, problems };
  if (status === 409) return { kind: 'conflict', message: said, problems };
  if (status === 400 && parsed.success && parsed.data.error.code === 'invalid_request') return { kind: 'invalid', message: said, problems };
  return { kind: 'refused', message: said, problems };
}

async function call<T>(url: string, options: Parameters<typeof hubspot.fetch>[1], schema: z.ZodType<T>): Promise<Result<T>> {
  let response: Response;
  try {
    response = await hubspot.fetch(url, { timeout: TIMEOUT_MS, ...options });
  } catch {
    return { ok: false, failure: { kind: 'away', message: UNREACHABLE, problems: [] } };
  }
  const body = await readJson(response);
  if (!response.ok) return { ok: false, failure: failureOf(response.status, body) };
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: { kind: 'unexpected', message: NOT_UNDERSTOOD, problems: [] } };
}

/** A draft as the page sends it: the YAML text, the change notes, and when it takes effect (null: now). */
export interface Draft {
  readonly text: string;
  readonly changeNotes: string;
  readonly effectiveFrom: string | null;
  /** Outcome ids of the disputes this version answers (upheld or open, of its criteria id). */
  readonly answers?: readonly string[];
}

export const fetchCriteria = (base: string): Promise<Result<CriteriaList>> => call(`${base}/ui/criteria`, { method: 'GET' }, criteriaListSchema);

export const checkDraft = (base: string, draft: Draft): Promise<Result<DraftCheck>> =>
  call(`${base}/ui/criteria/validate`, { method: 'POST', body: { text: draft.text, changeNotes: draft.changeNotes, effectiveFrom: draft.effectiveFrom } }, draftCheckSchema);

export const publishDraft = (base: string, requestId: string, draft: Draft): Promise<Result<Published>> => {
  const { answers, ...rest } = draft;
  return call(`${base}/ui/criteria/publish`, { method: 'POST', body: { requestId, ...rest, ...(answers && answers.length > 0 ? { answers: [...answers] } : {}) } }, publishedSchema);
};

/** The draft text tried on past data from `from` (ISO) to now; without `from`, the service's default window (30 days, within what it keeps). */
export const runBacktest = (base: string, text: string, from: string | null): Promise<Result<Backtest>> =>
  call(`${base}/ui/criteria/backtest`, { method: 'POST', body: { text, ...(from === null ? {} : { from }) } }, backtestSchema);

/** Adds or removes a criteria editor or dispute resolver: a user id, or (a resolver) an email. */
export interface AccessChange {
  readonly op: 'add' | 'remove';
  readonly list: 'editors' | 'resolvers';
  readonly userId: number | null;
  readonly email: string | null;
}

export const changeAccess = (base: string, requestId: string, change: AccessChange): Promise<Result<{ access: Access }>> =>
  call(`${base}/ui/criteria/access`, { method: 'POST', body: { requestId, ...change } }, z.object({ access: accessSchema }));

export const setPause = (base: string, requestId: string, criteriaId: string, action: 'pause' | 'resume', note: string): Promise<Result<unknown>> =>
  // The answer is the card's (the stored action); the page reads the list again instead.
  call(`${base}/ui/pauses`, { method: 'POST', body: { requestId, criteriaId, action, note } }, z.unknown());
