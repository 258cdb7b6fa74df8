// How each environment variable's text is read: blank is unset, whole numbers in range, URLs (never echoed when secret), secrets, dispute resolvers.
import { z } from 'zod';
import type { DisputeResolvers } from '../core/engine/users.ts';

// An empty variable (`FOO=` in an env file) means "not set": it takes the default or is reported missing.
export const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Whether a variable counts as set, as the service reads it: an empty or blank one (`FOO=`) is unset. */
export const isSetValue = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

export const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `is required: ${what}` : `expected ${what}`);

export function wholeNumber<F extends number | undefined>(what: string, fallback: F, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .optional()
      .transform((raw, ctx): number | F => {
        if (raw === undefined) return fallback;
        const text = raw.trim();
        const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
        if (!Number.isSafeInteger(value) || value < min || value > max) {
          const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
          ctx.addIssue({ code: 'custom', message: `must be a whole number ${range} (${what}), got ${JSON.stringify(raw)}` });
          return z.NEVER;
        }
        return value;
      }),
  );
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** An https URL, or http for localhost and 127.0.0.1 (test doubles); the message never echoes the value (a webhook URL is a secret). */
export function httpsUrl(keep: (url: URL) => string) {
  return (raw: string, ctx: z.RefinementCtx): string => {
    const url = parseUrl(raw.trim());
    if (url === null || (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))) {
      ctx.addIssue({ code: 'custom', message: 'must be an https URL (http only for localhost and 127.0.0.1, for test doubles)' });
      return z.NEVER;
    }
    return keep(url);
  };
}

export const publicBaseUrl = z.preprocess(
  unsetIfEmpty,
  z.string({ error: required('the public https address HubSpot calls, e.g. https://billing.example.com') }).transform((raw, ctx): string => {
    const url = parseUrl(raw.trim());
    const local = url !== null && url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
    if (url === null || !(url.protocol === 'https:' || local)) {
      ctx.addIssue({ code: 'custom', message: 'must be an https URL (the public address HubSpot calls); http is allowed only for localhost and 127.0.0.1' });
      return z.NEVER;
    }
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must be a bare origin with an optional path prefix: no query, fragment or credentials' });
      return z.NEVER;
    }
    // Signatures cover the exact URL: keep what was configured, minus a trailing slash (the request path brings its own).
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  }),
);

export const redisUrl = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('redis://127.0.0.1:6379')
    .transform((raw, ctx): string => {
      const url = parseUrl(raw.trim());
      if (url === null || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
        // The value may carry a password: never echo it.
        ctx.addIssue({ code: 'custom', message: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' });
        return z.NEVER;
      }
      return raw.trim();
    }),
);

export const secret = (what: string, minLength = 1) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string({ error: required(what) })
      .min(minLength, { error: `must be at least ${minLength} characters long (${what})` }),
  );

/** `DISPUTE_RESOLVERS`: HubSpot user ids and emails, separated by commas; unset means nobody may resolve. */
export const disputeResolvers = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('')
    .transform((raw, ctx): DisputeResolvers => {
      const userIds = new Set<number>();
      const emails = new Set<string>();
      for (const item of raw.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
        if (/^[1-9][0-9]{0,15}$/.test(item)) userIds.add(Number(item));
        else if (/^[^@\s]+@[^@\s]+$/.test(item)) emails.add(item.toLowerCase());
        else ctx.addIssue({ code: 'custom', message: `"${item}" is neither a HubSpot user id nor an email (list user ids and emails, separated by commas)` });
      }
      return { userIds, emails };
    }),
);
