// `outcome-billing simulate`: replays recorded HubSpot events through the decision core with virtual time.
import { readFile } from 'node:fs/promises';
import { parseActionsText } from '../../adapters/files/actions-file.ts';
import { formatSourcedProblem, loadCriteriaFiles, readError } from '../../adapters/files/criteria-files.ts';
import { parseEventsText } from '../../adapters/hubspot/events-file.ts';
import { parseRecordsText } from '../../adapters/hubspot/records-file.ts';
import { toSignals } from '../../adapters/hubspot/webhook-signals.ts';
import { alertView, budgetAlerts, budgetAtOf, priceOfVersions } from '../../core/alerts/thresholds.ts';
import { outcomeView } from '../../core/ledger-view.ts';
import { simulate } from '../../core/simulate.ts';
import type { SimulationRefusal } from '../../core/simulate.ts';
import { isPauseAction } from '../../core/engine/input.ts';
import type { Action } from '../../core/engine/input.ts';
import { isoUtc, parseInstant } from '../../core/time.ts';
import { formatPath } from '../../core/problems.ts';
import type { Problem, ProblemPath } from '../../core/problems.ts';
import { parseCommandArgs, reportFormat } from '../args.ts';
import { formatFileProblem } from '../file-problem.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { renderTableReport } from '../ledger-report.ts';
import type { LedgerReport } from '../ledger-report.ts';

export const simulateHelp = `Usage: outcome-billing simulate --criteria <file> --events <file> [--records <file>]
                              [--actions <file>] [--until <ISO time>] [--format table|json] [--trail]

Replays recorded HubSpot webhook events through the same decision core the live service uses, with
virtual time, and prints the ledger, the invoice and the budget alerts the replay fires (criteria with
a budget, contract §8). Needs neither Redis nor HubSpot.

  --criteria <file>   criteria file (YAML or JSON) or folder; may be given more than once
  --events <file>     HubSpot webhook events: a JSON array (batches may be nested) or JSON Lines
  --records <file>    the records' properties before the first event: [{ objectType, id, properties }]
  --actions <file>    operator actions, a JSON array or JSON Lines, in the order taken:
                      { type: open_dispute, at, by: { userId, email }, outcomeId, reason },
                      resolve_dispute (outcomeId, resolution upheld|rejected, note),
                      pause or resume (criteriaId, note); at is ISO 8601 with an offset.
                      An action that does not apply is refused on stderr; the run goes on
  --until <time>      stop the clock there, inclusive (ISO 8601 with offset); default: until all settle
  --format <f>        table (default, for people) or json (cli.md's document)
  --trail             include each outcome's audit trail; needs --format json (a usage error with the table)

Exit codes: 0 success, 1 bad input (every problem listed on stderr), 2 usage error.`;

export async function simulateCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseCommandArgs(args, {
    criteria: { type: 'string', multiple: true },
    events: { type: 'string' },
    records: { type: 'string' },
    actions: { type: 'string' },
    until: { type: 'string' },
    format: { type: 'string' },
    trail: { type: 'boolean' },
  });
  if (values.help) {
    io.out(simulateHelp);
    return EXIT.ok;
  }
  const { criteriaPaths, eventsPath, format, until } = usage(values);

  // Read and check every input before replaying anything, and report all their problems at once.
  const problems: string[] = [];
  const criteria = await loadCriteriaFiles(criteriaPaths);
  if (!criteria.ok) problems.push(...criteria.problems.map(formatSourcedProblem));
  const events = await readInput(eventsPath, problems, (text) => parseEventsText(text, eventsPath));
  const recordsPath = values.records as string | undefined;
  const records = recordsPath === undefined ? { ok: true as const, records: [] } : await readInput(recordsPath, problems, (text) => parseRecordsText(text, recordsPath));
  const actionsPath = values.actions as string | undefined;
  const actions = actionsPath === undefined ? { ok: true as const, actions: [], locations: [] } : await readInput(actionsPath, problems, (text) => parseActionsText(text, actionsPath));
  const mapped = events?.ok ? toSignals(events.events, { locations: events.locations }) : null;
  collect(problems, eventsPath, events);
  collect(problems, eventsPath, mapped);
  if (recordsPath !== undefined) collect(problems, recordsPath, records);
  if (actionsPath !== undefined) collect(problems, actionsPath, actions);
  if (problems.length > 0 || !criteria.ok || !mapped?.ok || !records?.ok || !events?.ok || !actions?.ok) {
    for (const p of problems) io.err(p);
    io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing was simulated`);
    return EXIT.badInput;
  }

  const result = simulate({ criteria: criteria.set, records: records.records, signals: mapped.signals, actions: actions.actions, until });
  const refused = result.refused.map((r) => refusalView(r, actions.actions, actions.locations));
  const report: LedgerReport = {
    outcomes: result.outcomes.map((o) => outcomeView(o, values.trail === true)),
    invoice: result.invoice,
    summary: result.summary,
    alerts: budgetAlerts(result.outcomes, priceOfVersions(criteria.set), budgetAtOf(criteria.set)).map(alertView),
    input: {
      portalId: mapped.portalId,
      events: events.events.length,
      duplicates: mapped.duplicates.length,
      ignored: mapped.ignored.map((i) => ({ at: i.at, subscriptionType: i.subscriptionType, reason: i.reason })),
      signals: mapped.signals.length,
      actions: actions.actions.length,
      refused,
      until: until === null ? null : isoUtc(until),
    },
  };
  // Nothing is dropped silently: ignored events are named on stderr whatever the format.
  for (const i of mapped.ignored) io.err(`${eventsPath}: ${i.at}: ignored: ${i.message}`);
  for (const r of refused) io.err(`${actionsPath ?? 'actions'}: ${r.where}: refused: ${r.at} ${r.type} ${r.target}: ${r.reason}`);
  io.out(format === 'json' ? JSON.stringify(report, null, 2) : renderTableReport(report));
  return EXIT.ok;
}

/** The command line's required files and its options, or a usage error. */
function usage(values: Record<string, unknown>): { criteriaPaths: string[]; eventsPath: string; format: 'table' | 'json'; until: number | null } {
  const criteriaPaths = (values.criteria ?? []) as string[];
  const eventsPath = values.events as string | undefined;
  if (criteriaPaths.length === 0) throw new UsageError('simulate needs --criteria <file>');
  if (eventsPath === undefined) throw new UsageError('simulate needs --events <file>');
  const format = reportFormat(values);
  if (values.until === undefined) return { criteriaPaths, eventsPath, format, until: null };
  const parsed = parseInstant(values.until as string, 'UTC');
  if (!parsed.ok) throw new UsageError(`--until: ${parsed.message}`);
  return { criteriaPaths, eventsPath, format, until: parsed.ms };
}

async function readInput<T>(path: string, problems: string[], parse: (text: string) => T): Promise<T | null> {
  try {
    return parse(await readFile(path, 'utf8'));
  } catch (e) {
    problems.push(`${path}: ${readError(e)}`);
    return null;
  }
}

function collect(problems: string[], source: string, result: { ok: boolean; problems?: readonly Problem[] } | null): void {
  if (result && !result.ok) for (const p of result.problems ?? []) problems.push(formatFileProblem(source, p));
}

/** A refused action as people read it: where it is in the file, when, what, on what, and why. */
function refusalView(r: SimulationRefusal, actions: readonly Action[], locations: readonly ProblemPath[]) {
  const a = r.action;
  const index = actions.indexOf(a);
  // A field at fault (a blank note, a missing user) is named; an outcome or criteria id is in the target already.
  const field = r.error.code === 'invalid_action' || r.error.code === 'invalid_dispute' ? `${formatPath(r.error.path)} ` : '';
  return {
    where: formatPath(locations[index] ?? ['actions', index]),
    at: isoUtc(a.at),
    type: a.type,
    target: isPauseAction(a) ? a.criteriaId : a.outcomeId,
    code: r.error.code,
    reason: `${field}${r.error.message}`,
  };
}
