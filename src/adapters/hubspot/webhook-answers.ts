// A webhook receiver's answer to one delivery, read as HubSpot reads it: accepted, refused, or worth another try.
import { z } from 'zod';
import { formatPath } from '../../core/problems.ts';

export interface ReceiverCounts {
  readonly accepted: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly ignored: number;
  /** Events the receiver set aside (malformed, another portal, more than 24 h ahead); 0 from a receiver that does not say. */
  readonly quarantined: number;
}

export type Answer =
  /** `counts` is null when a 2xx body is not the service's `{ accepted, stored, duplicates, ignored, quarantined }`. */
  | { readonly kind: 'accepted'; readonly status: number; readonly counts: ReceiverCounts | null }
  /** A 4xx other than 429 (or a redirect): sending the same delivery again would get the same answer. */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string }
  /** A 5xx or a 429: the receiver may take it later. */
  | { readonly kind: 'retry'; readonly status: number; readonly reason: string; readonly retryAfterMs: number | null }
  /** No answer: refused or broken connection, or none in time. */
  | { readonly kind: 'unreachable'; readonly reason: string; readonly retryAfterMs: null };

const count = z.number().int().min(0);
const countsSchema = z.object({ accepted: count, stored: count, duplicates: count, ignored: count, quarantined: count.default(0) });

// docs/http-api.md: every error answer of the service has this body.
const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    problems: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  }),
});

/** Problems quoted in a reason; the rest are counted. */
const PROBLEMS_SHOWN = 3;

export function readAnswer(status: number, retryAfter: string | null, text: string): Answer {
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    const counts = countsSchema.safeParse(body);
    return { kind: 'accepted', status, counts: counts.success ? counts.data : null };
  }
  const reason = describeRefusal(status, body, text);
  if (status === 429 || status >= 500) return { kind: 'retry', status, reason, retryAfterMs: retryAfterMs(retryAfter) };
  return { kind: 'refused', status, reason };
}

/** `400 invalid_batch: the body is not ... (events[1].eventId: expected an integer event id)`. */
function describeRefusal(status: number, body: unknown, text: string): string {
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) {
    const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    return snippet === '' ? `${status}` : `${status}: ${snippet}`;
  }
  const { code, message, problems = [] } = parsed.data.error;
  const shown = problems.slice(0, PROBLEMS_SHOWN).map((p) => `${formatPath(p.path, '(body)')}: ${p.message}`);
  if (problems.length > PROBLEMS_SHOWN) shown.push(`${problems.length - PROBLEMS_SHOWN} more`);
  return `${status} ${code}: ${message}${shown.length > 0 ? ` (${shown.join('; ')})` : ''}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds; an HTTP date is not read (the backoff applies). */
function retryAfterMs(header: string | null): number | null {
  const text = header?.trim() ?? '';
  return /^\d{1,6}$/.test(text) ? Number(text) * 1000 : null;
}
