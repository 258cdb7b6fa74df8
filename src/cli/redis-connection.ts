// A command's one connection to the service's Redis: made once, and a failure told as what was tried, why it failed and what to do.
import { Redis } from 'ioredis';

const CONNECT_TIMEOUT_MS = 3000;

export type CliRedis = { ok: true; redis: Redis } | { ok: false; message: string };

/** Connects without retrying: a command answers now, it does not wait for Redis to come back. */
export async function connectCliRedis(url: string, hint: string): Promise<CliRedis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null });
  // ioredis rejects connect() with "Connection is closed."; the reason came first, as an error event.
  let cause: unknown = null;
  redis.on('error', (e) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    return { ok: true, redis };
  } catch (e) {
    redis.disconnect();
    return { ok: false, message: `cannot reach Redis at ${urlWithoutPassword(url)} (${reason(cause ?? e)}): ${hint}` };
  }
}

/** The URL as it may be printed: a password, or a user name that may be one (`redis://secret@host`), left out. */
export function urlWithoutPassword(raw: string): string {
  const url = URL.parse(raw);
  if (url === null) return '(an unreadable URL)';
  if (url.password === '') url.username = '';
  url.password = '';
  return url.toString();
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'no such host';
  if (code === 'ETIMEDOUT' || /ETIMEDOUT/.test(message)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (/WRONGPASS|NOAUTH|invalid password/i.test(message)) return 'the password or user was refused';
  return message;
}
