// The home page's one call to the billing service (GET /ui/home) through hubspot.fetch, its answer parsed, a failure in finance's words.
import { hubspot } from '@hubspot/ui-extensions';
import { errorBodySchema, homePageSchema } from './schema.ts';
import type { HomeData } from './schema.ts';

export interface Failure {
  /** `away`: nothing came back or the service could not answer now; trying again may help. */
  readonly kind: 'away' | 'refused' | 'unexpected';
  readonly message: string;
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
  if (status >= 500) return { kind: 'away', message: `The billing service could not answer just now (${said}). Try again in a moment.` };
  const details = problems.map((p) => p.message).filter((m) => m !== said);
  return { kind: 'refused', message: [said, ...details].join(' — ') };
}

/** One period's figures; `period` null asks for the current one. */
export async function fetchHome(base: string, period: string | null): Promise<Result<HomeData>> {
  const url = `${base}/ui/home${period === null ? '' : `?period=${encodeURIComponent(period)}`}`;
  let response: Response;
  try {
    response = await hubspot.fetch(url, { method: 'GET', timeout: TIMEOUT_MS });
  } catch {
    return { ok: false, failure: { kind: 'away', message: UNREACHABLE } };
  }
  const body = await readJson(response);
  if (!response.ok) return { ok: false, failure: failureOf(response.status, body) };
  const parsed = homePageSchema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: { kind: 'unexpected', message: NOT_UNDERSTOOD } };
}
