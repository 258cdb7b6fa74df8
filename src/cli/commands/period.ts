// `outcome-billing period close <YYYY-MM>`: freezes a period's invoice as an immutable snapshot with its SHA-256 (or says it was closed already, or why it cannot be yet).
import { createRedisSignalStore } from '../../adapters/redis/signal-store.ts';
import { closePeriod } from '../../app/period-close.ts';
import type { CloseResult } from '../../app/period-close.ts';
import type { PeriodSnapshot } from '../../core/invoice/adjustments.ts';
import { formatProblem } from '../../core/problems.ts';
import { parseCommandArgs, suggestion } from '../args.ts';
import { devSessionHelp } from '../dev-session-fallback.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { LEDGER_OPTIONS, LEDGER_OPTIONS_HELP, openLedger, periodArg } from '../ledger-context.ts';

export const periodHelp = `Usage: outcome-billing period close <YYYY-MM> [--format table|json]
                            [--portal <id>] [--redis-url <url>] [--prefix <key prefix>] [--criteria <path>]

Freezes the period's invoice (as 'invoice --period' prints it now) as an immutable snapshot in Redis,
with the SHA-256 of its canonical JSON. From then on 'invoice' reads the period from its snapshot, and
anything that would change it (a credit, a late correction) goes on the next open period as a line
that names the period and snapshot it adjusts. Closing a closed period changes nothing.

Refused (exit 1, with every reason) while the period has not ended in every criteria's time zone, or
while something due inside it is still waiting: an outcome whose deadline or review end falls inside
the period, or a record with signals or timers due inside it that no worker has applied yet.

${LEDGER_OPTIONS_HELP}

${devSessionHelp('the Redis URL, the prefix or the criteria')}

Exit codes: 0 closed (or already closed), 1 refused or bad input (criteria problems, Redis
unreachable, an unknown portal), 2 usage error.`;

const SEARCH_LIMIT = 1000;

export async function periodCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), clock: () => number = Date.now): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(args, { ...LEDGER_OPTIONS, format: { type: 'string' } }, { positionals: 'paths' });
  if (values.help) {
    io.out(periodHelp);
    return EXIT.ok;
  }
  const [action, periodText, ...extra] = positionals;
  if (action !== 'close') throw new UsageError(action === undefined ? 'say what to do: period close <YYYY-MM>' : `unknown period action "${action}"${suggestion(action, ['close'])}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}": period close takes one period`);
  const period = periodArg(periodText, 'period close');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, not "${format}"`);

  const ledger = await openLedger(values, env, cwd, io);
  if (ledger === null) return EXIT.badInput;
  try {
    const store = createRedisSignalStore(ledger.redis, ledger.prefix);
    // This portal's own due index: other portals' backlogs must not hide its records.
    const dueRecords = async (dueBy: number) => (await store.dueRecords(dueBy, SEARCH_LIMIT, ledger.portalId)).map((d) => d.record);
    const result = await closePeriod(
      { periods: ledger.periods, dueRecords },
      { portalId: ledger.portalId, period, now: clock(), outcomes: ledger.outcomes, criteria: ledger.criteria, closed: ledger.closed },
    );
    return report(io, ledger.portalId, period, result, format);
  } finally {
    await ledger.redis.quit();
  }
}

function report(io: CliIo, portalId: number, period: string, result: CloseResult, format: 'table' | 'json'): ExitCode {
  if (result.kind === 'refused') {
    io.err(`period ${period} of portal ${portalId} cannot be closed yet:`);
    for (const p of result.problems) io.err(`  ${formatProblem(p)}`);
    return EXIT.badInput;
  }
  const snapshot = JSON.parse(result.stored.text) as PeriodSnapshot;
  if (format === 'json') {
    io.out(JSON.stringify({ period, portalId, state: result.kind, sha256: result.stored.sha256, closedAt: snapshot.closedAt, totals: snapshot.totals, lines: snapshot.lines.length }, null, 2));
    return EXIT.ok;
  }
  const total = snapshot.totals.map((t) => `${t.amount} ${t.currency}`).join(', ') || 'nothing';
  const lines = `${snapshot.lines.length} line${snapshot.lines.length === 1 ? '' : 's'}`;
  if (result.kind === 'already') io.out(`period ${period} of portal ${portalId} was already closed at ${snapshot.closedAt}: nothing changed (${lines}, total ${total}, SHA-256 ${result.stored.sha256})`);
  else io.out(`closed period ${period} of portal ${portalId}: ${lines}, total ${total}, SHA-256 ${result.stored.sha256}`);
  return EXIT.ok;
}
