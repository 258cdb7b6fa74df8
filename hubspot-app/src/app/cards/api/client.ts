// The card's calls to the billing service (docs/card-api.md) through hubspot.fetch, each answer parsed, each failure in the reps' words.
import { hubspot } from '@hubspot/ui-extensions';
import type { z } from 'zod';
import { errorBodySchema, outcomesPageSchema, trailPageSchema, writeAnswerSchema } from './schema.ts';
import type { DisputeCategory, OutcomesPage, Resolution, TrailPage } from './schema.ts';

/** What went wrong, sorted by what the rep can do about it. */
export type FailureKind = 'unreachable' | 'unavailable' | 'refused' | 'invalid' | 'forbidden' | 'not_found' | 'unexpected';
export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
}
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

/** Below HubSpot's own 15 s, so the card says something before HubSpot gives up for it. */
const TIMEOUT_MS = 12_000;
export const OUTCOMES_PAGE_SIZE = 20;
export const TRAIL_PAGE_SIZE = 50;

const UNREACHABLE = "The billing service can't be reached right now. Check your connection, then try again.";
const NOT_UNDERSTOOD = 'The billing service answered in a form this card does not understand. Tell your HubSpot admin: the card and the service may be out of step.';

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** The service's error body in words: a refusal's own reason first, then every problem with where it is. */
function failureOf(status: number, body: unknown): Failure {
  const parsed = errorBodySchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : null;
  const problems = error?.problems ?? [];
  const said = error?.message ?? `The billing service answered ${status}.`;
  if (status === 409) return { kind: 'refused', message: problems[0]?.message ?? said };
  if (status === 400) {
    const details = problems.map((p) => (p.path.length > 0 ? `${p.path.join('.')}: ${p.message}` : p.message));
    return { kind: 'invalid', message: details.length > 0 ? details.join('; ') : said };
  }
  if (status === 401 || status === 403) return { kind: 'forbidden', message: said };
  if (status === 404) return { kind: 'not_found', message: said };
  if (status >= 500) return { kind: 'unavailable', message: `The billing service could not answer just now (${said}) Try again in a moment.` };
  return { kind: 'unexpected', message: said };
}

async function call<T>(url: string, options: Parameters<typeof hubspot.fetch>[1], schema: z.ZodType<T>): Promise<Result<T>> {
  let response: Response;
  try {
    response = await hubspot.fetch(url, { timeout: TIMEOUT_MS, ...options });
  } catch {
    return { ok: false, failure: { kind: 'unreachable', message: UNREACHABLE } };
  }
  const body = await readJson(response);
  if (!response.ok) return { ok: false, failure: failureOf(response.status, body) };
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: { kind: 'unexpected', message: NOT_UNDERSTOOD } };
}

function query(params: Record<string, string | number | null>): string {
  const pairs = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== null);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

/** The record's outcomes, newest first, one page from `cursor` (null: the first). */
export function fetchOutcomes(base: string, objectTypeId: string, recordId: string, cursor: string | null): Promise<Result<OutcomesPage>> {
  const path = `/ui/records/${encodeURIComponent(objectTypeId)}/${encodeURIComponent(recordId)}/outcomes`;
  return call(`${base}${path}?${query({ limit: OUTCOMES_PAGE_SIZE, cursor })}`, { method: 'GET' }, outcomesPageSchema);
}

/** One outcome's audit trail, oldest first, one page from `cursor`. */
export function fetchTrail(base: string, outcomeId: string, cursor: string | null): Promise<Result<TrailPage>> {
  const path = `/ui/outcomes/${encodeURIComponent(outcomeId)}/trail`;
  return call(`${base}${path}?${query({ limit: TRAIL_PAGE_SIZE, cursor })}`, { method: 'GET' }, trailPageSchema);
}

export interface DisputeRequest {
  readonly requestId: string;
  readonly outcomeId: string;
  readonly category: DisputeCategory;
  readonly note: string;
}

export interface ResolveRequest {
  readonly requestId: string;
  readonly outcomeId: string;
  readonly resolution: Resolution;
  readonly note: string;
}

export function openDispute(base: string, request: DisputeRequest): Promise<Result<unknown>> {
  return call(`${base}/ui/disputes`, { method: 'POST', body: { ...request } }, writeAnswerSchema);
}

export function resolveDispute(base: string, request: ResolveRequest): Promise<Result<unknown>> {
  return call(`${base}/ui/disputes/resolve`, { method: 'POST', body: { ...request } }, writeAnswerSchema);
}
