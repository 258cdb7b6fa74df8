// `outcome-billing reconcile`: the ledger, the period's invoice and the verification log read back from HubSpot, compared three ways; every mismatch printed; --repair queues the fixes.
import { createHubSpotRequest } from '../../adapters/hubspot/client.ts';
import { createVerificationLogApi } from '../../adapters/hubspot/verification-logs.ts';
import { createRedisRateLimiter, HUBSPOT_BURST_LIMITS } from '../../adapters/redis/rate-limiter.ts';
import { createRedisReconcileResults } from '../../adapters/redis/reconcile-results.ts';
import { createRedisRepairQueue } from '../../adapters/redis/repair-queue.ts';
import { reconcile, summaryOf } from '../../app/reconcile.ts';
import type { ReconcileReport } from '../../app/reconcile.ts';
import { parseCommandArgs } from '../args.ts';
import { devSessionHelp } from '../dev-session-fallback.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { LEDGER_OPTIONS, LEDGER_OPTIONS_HELP, openLedger, periodArg } from '../ledger-context.ts';
import { renderTable } from '../table.ts';
import { hubspotConnection } from './hubspot-setup.ts';

export const reconcileHelp = `Usage: outcome-billing reconcile --period <YYYY-MM> [--format table|json] [--repair]
                               [--portal <id>] [--redis-url <url>] [--prefix <key prefix>] [--criteria <path>]

Compares three ways the live ledger, the period's invoice (its snapshot once closed) and the
verification log read back from HubSpot: every outcome on the invoice or billed in the period has a
log record with the same status, criteria version, amount and periods, and every log record of the
period has its outcome. Each mismatch is printed with what each side says:

  missing_in_hubspot     the outcome has no verification-log record
  extra_in_hubspot       a log record of the period whose outcome the ledger does not have
  status_differs, version_differs, amount_differs, period_differs
                         the log says something else than the ledger
  missing_in_ledger      the invoice names an outcome the ledger does not have

HubSpot is read with the objects list endpoint, page by page (not search, which stops at 10,000),
through the rate limiter the service's workers share (HUBSPOT_BURST_LIMIT, default 100).

  --repair    queue the write-backs that fix HubSpot's side (the service's write-back drain sends
              them) and archive log records that belong to no outcome; run reconcile again after
${LEDGER_OPTIONS_HELP}

Environment: HUBSPOT_ACCESS_TOKEN (required), HUBSPOT_API_BASE_URL, HUBSPOT_BURST_LIMIT; REDIS_URL,
REDIS_PREFIX, CRITERIA_PATH as for 'ledger'.

${devSessionHelp('the Redis URL, the prefix or the criteria')}

Exit codes: 0 the three agree, 1 any mismatch (also after --repair: the fixes are only queued) or bad
input (HubSpot or Redis unreachable, no token), 2 usage error.`;

export async function reconcileCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<ExitCode> {
  const { values } = parseCommandArgs(args, { ...LEDGER_OPTIONS, period: { type: 'string' }, format: { type: 'string' }, repair: { type: 'boolean' } });
  if (values.help) {
    io.out(reconcileHelp);
    return EXIT.ok;
  }
  const period = periodArg(values.period, 'reconcile --period');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, not "${format}"`);
  const hubspot = hubspotConnection(env);
  if ('problem' in hubspot) {
    io.err(`reconcile reads the verification log from HubSpot: ${hubspot.problem}`);
    return EXIT.badInput;
  }
  const burst = Number(env.HUBSPOT_BURST_LIMIT?.trim() || '100');
  if (!(HUBSPOT_BURST_LIMITS as readonly number[]).includes(burst)) {
    io.err(`HUBSPOT_BURST_LIMIT must be ${HUBSPOT_BURST_LIMITS.join(', ')}: the app's HubSpot burst limit per 10 seconds`);
    return EXIT.badInput;
  }
  const ledger = await openLedger(values, env, cwd, io);
  if (ledger === null) return EXIT.badInput;
  try {
    const warn = (obj: object, msg: string) => io.err(`${msg} ${JSON.stringify(obj)}`);
    const result = await reconcile(
      {
        api: createVerificationLogApi(createHubSpotRequest(hubspot)),
        limiter: createRedisRateLimiter(ledger.redis, ledger.prefix, { burstLimit: burst }),
        repairs: createRedisRepairQueue(ledger.redis, ledger.prefix),
        clock: Date.now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: { info: () => undefined, warn, error: warn },
      },
      { portalId: ledger.portalId, period, outcomes: ledger.outcomes, criteria: ledger.criteria, closed: ledger.closed, repair: values.repair === true },
    );
    if (!result.ok) {
      io.err(result.message);
      return EXIT.badInput;
    }
    // Kept for the home page's "last reconcile" of each period.
    await createRedisReconcileResults(ledger.redis, ledger.prefix).save(ledger.portalId, period, summaryOf(result.report, Date.now()));
    io.out(format === 'json' ? JSON.stringify(result.report, null, 2) : renderReconcile(result.report));
    return result.report.mismatches.length === 0 ? EXIT.ok : EXIT.badInput;
  } finally {
    await ledger.redis.quit();
  }
}

function renderReconcile(r: ReconcileReport): string {
  const parts = [
    `Reconcile ${r.period} (${r.state}) for portal ${r.portalId}: ${r.checked.invoiceLines} invoice lines, ${r.checked.logsRead} verification logs read in ${r.checked.pages} pages`,
  ];
  if (r.mismatches.length === 0) parts.push('The ledger, the invoice and HubSpot agree.');
  else {
    parts.push(
      renderTable(
        ['MISMATCH', 'OUTCOME', 'LEDGER', 'INVOICE', 'HUBSPOT', 'LOG'],
        r.mismatches.map((m) => [m.kind, m.outcomeId, m.ledger ?? '-', m.invoice ?? '-', m.hubspot ?? '-', m.logId ?? '-']),
      ),
      `${r.mismatches.length} mismatch${r.mismatches.length === 1 ? '' : 'es'}`,
    );
  }
  if (r.adjusted.length > 0) parts.push(`Changed after close and carried by adjustment lines: ${r.adjusted.join(', ')}`);
  if (r.repair) {
    parts.push(
      `Repair: ${r.repair.queued} write-backs queued (the service's write-back drain sends them), ${r.repair.archived} logs with no outcome archived` +
        (r.repair.notRepairable > 0 ? `; ${r.repair.notRepairable} cannot be fixed from HubSpot's side (the invoice names outcomes the ledger does not have)` : '') +
        '. Run reconcile again once the drain has run.',
    );
  }
  return parts.join('\n');
}
