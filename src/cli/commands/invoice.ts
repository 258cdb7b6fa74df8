// `outcome-billing invoice`: a period's invoice from the live ledger (or its snapshot once closed), each outcome with its verification-log URL; as a table, JSON or CSV, optionally broken down.
import { createRedisWritebackStore } from '../../adapters/redis/writeback-store.ts';
import { verificationLogIds } from '../../app/card-view.ts';
import { periodInvoice } from '../../app/invoices.ts';
import { BREAKDOWNS } from '../../core/invoice/allocation.ts';
import type { Breakdown } from '../../core/invoice/allocation.ts';
import { parseCommandArgs } from '../args.ts';
import { devSessionHelp } from '../dev-session-fallback.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { invoiceCsv, renderInvoiceTable, withBreakdown } from '../invoice-report.ts';
import type { InvoiceReport } from '../invoice-report.ts';
import { LEDGER_OPTIONS, LEDGER_OPTIONS_HELP, openLedger, periodArg } from '../ledger-context.ts';

export const invoiceHelp = `Usage: outcome-billing invoice --period <YYYY-MM> [--format table|json|csv] [--by criteria|cost-centre|agent]
                             [--portal <id>] [--redis-url <url>] [--prefix <key prefix>] [--criteria <path>]

Prints a billing period's invoice from the live service's ledger: simulate's lines (charges, credits),
each with its outcome ids and, for every outcome, the URL of its verification-log record in HubSpot
(empty until the write-back has written it). A closed period's invoice is read from its snapshot (with
its SHA-256); an open period also carries adjustment lines for closed periods the ledger now rates
differently, each naming the period and snapshot it adjusts.

  --period <YYYY-MM>    the billing period
  --format              table (default), json, or csv (one row per line; with --by, per line and group)
  --by                  break every line down by criteria id, cost centre or agent (contract §9); the
                        parts of a line sum to it, and the groups sum to the invoice
${LEDGER_OPTIONS_HELP}

${devSessionHelp('the Redis URL, the prefix or the criteria')}

Exit codes: 0 success, 1 bad input (criteria problems, Redis unreachable, an unknown portal, a snapshot
changed after close), 2 usage error.`;

export async function invoiceCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<ExitCode> {
  const { values } = parseCommandArgs(args, { ...LEDGER_OPTIONS, period: { type: 'string' }, format: { type: 'string' }, by: { type: 'string' } });
  if (values.help) {
    io.out(invoiceHelp);
    return EXIT.ok;
  }
  const period = periodArg(values.period, 'invoice --period');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json' && format !== 'csv') throw new UsageError(`--format must be table, json or csv, not "${format}"`);
  const by = values.by as Breakdown | undefined;
  if (by !== undefined && !BREAKDOWNS.includes(by)) throw new UsageError(`--by must be one of ${BREAKDOWNS.join(', ')}, not "${String(by)}"`);

  const ledger = await openLedger(values, env, cwd, io);
  if (ledger === null) return EXIT.badInput;
  try {
    const logs = verificationLogIds(createRedisWritebackStore(ledger.redis, ledger.prefix));
    const doc = await periodInvoice(logs, { portalId: ledger.portalId, period, outcomes: ledger.outcomes, criteria: ledger.criteria, closed: ledger.closed });
    const byId = new Map(ledger.outcomes.map((o) => [o.outcomeId, o] as const));
    const report: InvoiceReport =
      by === undefined
        ? doc
        : withBreakdown(doc, by, (id, line) => (by === 'criteria' ? line.criteriaId : by === 'agent' ? (byId.get(id)?.agentId ?? null) : (byId.get(id)?.costCentre ?? null)));
    io.out(format === 'json' ? JSON.stringify(report, null, 2) : format === 'csv' ? invoiceCsv(report) : renderInvoiceTable(report));
    return EXIT.ok;
  } finally {
    await ledger.redis.quit();
  }
}
