// `outcome-billing ledger`: prints the live ledger from Redis, in the same shapes as `simulate`.
import { formatSourcedProblem, loadCriteriaFiles } from '../../adapters/files/criteria-files.ts';
import { createRedisSignalStore } from '../../adapters/redis/signal-store.ts';
import { loadWithArchive } from '../../app/ledger-outcomes.ts';
import type { Outcome } from '../../core/engine/outcome.ts';
import { compareOutcomes, invoiceOf, markOverLimit, outcomeView, summarize } from '../../core/ledger-view.ts';
import { parseCommandArgs, reportFormat } from '../args.ts';
import { devSessionHelp, given } from '../dev-session-fallback.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { renderTableReport } from '../ledger-report.ts';
import { liveRedisSettings } from '../live-redis.ts';
import { connectCliRedis } from '../redis-connection.ts';

export const ledgerHelp = `Usage: outcome-billing ledger [--portal <id>] [--format table|json] [--trail]
                            [--redis-url <url>] [--prefix <key prefix>] [--criteria <path>]

Prints the live service's ledger (every outcome, the invoice and the summary) from Redis, in the same
shapes as 'simulate'. Reads REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default ob) and
CRITERIA_PATH (needed for prices) from the environment; the options override them. --trail adds each
outcome's audit trail and needs --format json (a usage error with the table).

${devSessionHelp('the Redis URL, the prefix or the criteria')}

Exit codes: 0 success, 1 bad input (criteria problems, Redis unreachable), 2 usage error.`;

const REDIS_HINT = "start Redis, or point the ledger at the service's Redis with --redis-url or REDIS_URL (and its key prefix with --prefix or REDIS_PREFIX)";

export interface LedgerSettings {
  readonly redisUrl: string;
  readonly clusterNodes: readonly string[];
  readonly prefix: string;
  readonly criteriaPath: string;
}

/** Each setting from its option, else the environment, else `npm run dev`'s session, else the service's default; null after an invalid session file. */
async function settings(values: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string, io: CliIo): Promise<LedgerSettings | null> {
  const criteriaPath = [values.criteria as string | undefined, env.CRITERIA_PATH].find(given);
  const live = await liveRedisSettings(values, env, cwd, io, criteriaPath === undefined);
  if (live === null) return null;
  const criteria = criteriaPath ?? live.session?.criteriaPath;
  if (criteria === undefined) throw new UsageError('the ledger needs the criteria for its prices: set CRITERIA_PATH, pass --criteria or start `npm run dev` in this folder');
  return { redisUrl: live.redisUrl, clusterNodes: live.clusterNodes, prefix: live.prefix, criteriaPath: criteria };
}

export async function ledgerCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<ExitCode> {
  const { values } = parseCommandArgs(args, {
    portal: { type: 'string' },
    format: { type: 'string' },
    trail: { type: 'boolean' },
    'redis-url': { type: 'string' },
    prefix: { type: 'string' },
    criteria: { type: 'string' },
  });
  if (values.help) {
    io.out(ledgerHelp);
    return EXIT.ok;
  }
  const format = reportFormat(values);
  const portalText = values.portal as string | undefined;
  if (portalText !== undefined && !/^\d+$/.test(portalText)) throw new UsageError(`--portal must be a HubSpot portal id (digits), not "${portalText}"`);
  const chosen = await settings(values, env, cwd, io);
  if (chosen === null) return EXIT.badInput;

  const criteria = await loadCriteriaFiles([chosen.criteriaPath]);
  if (!criteria.ok) {
    for (const p of criteria.problems) io.err(formatSourcedProblem(p));
    return EXIT.badInput;
  }
  const connected = await connectCliRedis(chosen.redisUrl, REDIS_HINT, chosen.clusterNodes);
  if (!connected.ok) {
    io.err(connected.message);
    return EXIT.badInput;
  }
  const { redis } = connected;
  try {
    const store = createRedisSignalStore(redis, chosen.prefix);
    const portals = await store.portals();
    // Outcome ids do not name the portal: two accounts' ledgers must never be rated as one invoice.
    if (portalText === undefined && portals.length > 1) {
      io.err(`several portals are stored (${portals.join(', ')}): name one with --portal`);
      return EXIT.badInput;
    }
    const outcomes: Outcome[] = [];
    let paused = 0;
    for await (const ref of store.listRecords(portalText === undefined ? undefined : Number(portalText))) {
      const { state } = await loadWithArchive(store, ref, Number.NEGATIVE_INFINITY);
      if (!state) continue;
      outcomes.push(...state.outcomes);
      paused += state.paused;
    }
    outcomes.sort(compareOutcomes);
    markOverLimit(outcomes, criteria.set);
    const report = {
      outcomes: outcomes.map((o) => outcomeView(o, values.trail === true)),
      invoice: invoiceOf(outcomes, criteria.set),
      summary: summarize(outcomes, paused),
    };
    io.out(format === 'json' ? JSON.stringify(report, null, 2) : renderTableReport(report));
    return EXIT.ok;
  } finally {
    await redis.quit();
  }
}
