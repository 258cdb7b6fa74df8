// `error` events of connections, queues and workers as one structured log line each, at most one per source and kind of error per interval.
import type { Logger } from './logger.ts';

/** What emits `error` (and, for a connection, `ready` once it is back): an ioredis client, a BullMQ Queue, Worker or QueueEvents. */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

export interface ErrorEventsOptions {
  /** The same error from the same source is logged at most once per this; the next line counts the ones left out. */
  readonly intervalMs?: number;
  readonly clock?: () => number;
}

export interface ErrorEvents {
  /** Listens to `source`'s errors (and its `ready` when it has one): without a listener they print as raw stacks, or crash the process. */
  watch(emitter: ErrorEmitter, source: string): void;
}

const DEFAULT_INTERVAL_MS = 30_000;
/** Kinds of error kept at once; a long outage has one or two, so this only bounds a pathological stream of distinct messages. */
const MAX_KINDS = 100;

interface Seen {
  loggedAt: number;
  suppressed: number;
}

/**
 * Each line says where (`source`), the error's code and message (ioredis and BullMQ put neither
 * credentials nor personal data in them; the stack is left out: it is the library's, and multi-line).
 * A Redis outage makes every connection emit an error per reconnection attempt: within `intervalMs`
 * only the first of a kind is logged, and the next line carries how many were left out. A connection
 * that comes back after errors says so once.
 */
export function createErrorEvents(logger: Logger, options: ErrorEventsOptions = {}): ErrorEvents {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const clock = options.clock ?? Date.now;
  const seen = new Map<string, Seen>();

  const onError = (source: string, error: unknown) => {
    const { code, message } = describe(error);
    const key = `${source}\u0000${code ?? message}`;
    const now = clock();
    const last = seen.get(key);
    if (last !== undefined && now - last.loggedAt < intervalMs) {
      last.suppressed += 1;
      return;
    }
    if (last === undefined && seen.size >= MAX_KINDS) forgetOld(seen, now - intervalMs);
    seen.set(key, { loggedAt: now, suppressed: 0 });
    const suppressed = last?.suppressed ?? 0;
    logger.warn({ source, error: { code, message }, ...(suppressed > 0 ? { suppressed, sinceMs: now - last!.loggedAt } : {}) }, 'Redis or queue error');
  };

  const onReady = (source: string) => {
    let errors = 0;
    for (const [key, s] of seen) {
      if (!key.startsWith(`${source}\u0000`)) continue;
      errors += 1 + s.suppressed;
      seen.delete(key);
    }
    if (errors > 0) logger.info({ source, errorsSinceLastReady: errors }, 'connection ready again');
  };

  return {
    watch(emitter, source) {
      emitter.on('error', (error) => onError(source, error));
      // Only ioredis clients have a `ready` that means "connected again"; BullMQ's classes are watched for errors alone.
      const readyEmitter = emitter as unknown as { on(event: 'ready', listener: () => void): unknown; status?: unknown };
      if (typeof readyEmitter.status === 'string') readyEmitter.on('ready', () => onReady(source));
    },
  };
}

function describe(error: unknown): { code: string | undefined; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message.split('\n')[0]!.slice(0, 300) };
  }
  return { code: undefined, message: String(error).slice(0, 300) };
}

/** Drops the kinds not seen since `before`; when all are recent, the oldest. */
function forgetOld(seen: Map<string, Seen>, before: number): void {
  for (const [key, s] of seen) if (s.loggedAt < before) seen.delete(key);
  if (seen.size >= MAX_KINDS) seen.delete(seen.keys().next().value!);
}
