// What invoice, period close and reconcile share: the settings, the criteria for prices, one Redis connection, the portal, its outcomes and its closed periods.
import { formatSourcedProblem, loadCriteriaFiles } from '../adapters/files/criteria-files.ts';
import { createRedisPeriodStore } from '../adapters/redis/period-store.ts';
import type { RedisClient } from '../adapters/redis/connection.ts';
import { createRedisSignalStore } from '../adapters/redis/signal-store.ts';
import { portalOutcomes } from '../app/ledger-outcomes.ts';
import { readClosed } from '../app/invoices.ts';
import type { PeriodStore } from '../app/period-ports.ts';
import type { SignalStore } from '../app/ports.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { ClosedPeriod } from '../core/invoice/adjustments.ts';
import { isPeriod } from '../core/invoice/periods.ts';
import { markOverLimit } from '../core/ledger-view.ts';
import { formatProblem } from '../core/problems.ts';
import { given } from './dev-session-fallback.ts';
import { UsageError } from './io.ts';
import type { CliIo } from './io.ts';
import { connectLiveRedis, liveRedisSettings } from './live-redis.ts';

/** The options every live-ledger command takes besides its own. */
export const LEDGER_OPTIONS = {
  portal: { type: 'string' },
  'redis-url': { type: 'string' },
  prefix: { type: 'string' },
  criteria: { type: 'string' },
} as const;

export const LEDGER_OPTIONS_HELP = `  --portal <id>         the HubSpot portal (needed when several are stored)
  --redis-url <url>     the service's Redis (else REDIS_URL, else redis://127.0.0.1:6379)
  --prefix <prefix>     its key prefix (else REDIS_PREFIX, else ob)
  --criteria <path>     the criteria files, for prices and time zones (else CRITERIA_PATH)`;

export interface LedgerContext {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly portalId: number;
  readonly criteria: CriteriaSet;
  readonly store: SignalStore;
  readonly periods: PeriodStore;
  readonly outcomes: Outcome[];
  readonly closed: Map<string, ClosedPeriod>;
}

/** `--period YYYY-MM` or a positional period; a usage error otherwise. */
export function periodArg(text: unknown, what: string): string {
  if (typeof text !== 'string') throw new UsageError(`${what} needs a billing period (YYYY-MM)`);
  if (!isPeriod(text)) throw new UsageError(`"${text}" is not a billing period: write it as YYYY-MM, e.g. 2026-11`);
  return text;
}

export function portalArg(text: unknown): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) throw new UsageError(`--portal must be a HubSpot portal id (digits), not "${String(text)}"`);
  return Number(text);
}

/**
 * Opens the live ledger of one portal; null after a problem, which has been reported on io.err (the
 * command then exits 1). The caller quits `redis` when done.
 */
export async function openLedger(values: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string, io: CliIo): Promise<LedgerContext | null> {
  const portalWanted = portalArg(values.portal);
  const criteriaPath = [values.criteria as string | undefined, env.CRITERIA_PATH].find(given);
  const live = await liveRedisSettings(values, env, cwd, io, criteriaPath === undefined);
  if (live === null) return null;
  const path = criteriaPath ?? live.session?.criteriaPath;
  if (path === undefined) throw new UsageError('invoices need the criteria for their prices: set CRITERIA_PATH, pass --criteria or start `npm run dev` in this folder');
  const criteria = await loadCriteriaFiles([path]);
  if (!criteria.ok) {
    for (const p of criteria.problems) io.err(formatSourcedProblem(p));
    return null;
  }
  const redis = await connectLiveRedis(live, io, "start Redis, or point the command at the service's Redis with --redis-url or REDIS_URL (and its key prefix with --prefix or REDIS_PREFIX)");
  if (redis === null) return null;
  const fail = async (message: string) => {
    io.err(message);
    await redis.quit();
    return null;
  };
  const store = createRedisSignalStore(redis, live.prefix);
  const portals = await store.portals();
  // Outcome ids do not name the portal: two accounts' ledgers must never be rated as one invoice.
  if (portalWanted === undefined && portals.length > 1) return fail(`several portals are stored (${portals.join(', ')}): name one with --portal`);
  const portalId = portalWanted ?? portals[0];
  if (portalId === undefined) return fail(`no portal is stored under the key prefix "${live.prefix}" (check --prefix or REDIS_PREFIX)`);
  const periods = createRedisPeriodStore(redis, live.prefix);
  const closed = await readClosed(periods, portalId);
  if (!closed.ok) return fail(closed.problems.map((p) => formatProblem(p)).join('\n'));
  // Over limit is read off the whole ledger (contract §8), as simulate does: the log amounts reconcile expects depend on it.
  const outcomes = markOverLimit(await portalOutcomes(store, portalId), criteria.set);
  return { redis, prefix: live.prefix, portalId, criteria: criteria.set, store, periods, outcomes, closed: closed.closed };
}
