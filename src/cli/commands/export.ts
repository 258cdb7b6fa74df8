// `outcome-billing export`: a portal's stored signals, actions and criteria versions as files `simulate` replays into the same ledger.
import { writeFile } from 'node:fs/promises';
import { exportLedger } from '../../app/ledger-export.ts';
import type { LedgerExport } from '../../app/ledger-export.ts';
import { readError } from '../../adapters/files/criteria-files.ts';
import { actionsFileText, criteriaFileText, eventsFileText, recordsFileText } from '../../adapters/files/export-files.ts';
import { createCriteriaRegistry } from '../../adapters/redis/criteria-registry.ts';
import { createRedisSignalStore } from '../../adapters/redis/signal-store.ts';
import { isoUtc, parseInstant } from '../../core/time.ts';
import { parseCommandArgs } from '../args.ts';
import { devSessionHelp } from '../dev-session-fallback.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { connectLiveRedis, liveRedisSettings } from '../live-redis.ts';

export const exportHelp = `Usage: outcome-billing export --portal <id> --events <file> --actions <file> --criteria <file>
                            [--records <file>] [--since <ISO time>] [--until <ISO time>]
                            [--redis-url <url>] [--prefix <key prefix>]

Writes what the live ledger of one portal is a function of, so that
  outcome-billing simulate --criteria <file> --events <file> --actions <file> [--records <file>]
reproduces it field for field: the backtest's input, and the auditor's.

  --events <file>     the stored signals as HubSpot webhook events (a JSON array); the CRM reads the
                      ledger applied are events of the service's own type outcomeBilling.crmRead
  --actions <file>    the operator actions (disputes, resolutions, pauses, resumes) in the order taken
  --criteria <file>   every criteria version in the registry, as one file with a \`criteria:\` list
  --records <file>    the records the ledger started from their HubSpot snapshot, before their first signal
  --since, --until    only signals and actions with event times in this window (inclusive)

The service keeps a portal's log for SIGNAL_RETENTION_MS (35 days by default): older signals and disputes
are gone from it, every pause, resume and first snapshot is kept, and simulate matches the ledger for
the outcomes whose inputs all lie inside it.

Reads REDIS_URL (default redis://127.0.0.1:6379) and REDIS_PREFIX (default ob); the options override them.

${devSessionHelp('the Redis URL or the prefix')}

Exit codes: 0 success, 1 bad input (Redis unreachable, a portal with nothing stored under the prefix,
a file that cannot be written), 2 usage error.`;

interface Files {
  readonly events: string;
  readonly actions: string;
  readonly criteria: string;
  readonly records: string | undefined;
}

export async function exportCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<ExitCode> {
  const { values } = parseCommandArgs(args, {
    portal: { type: 'string' },
    events: { type: 'string' },
    actions: { type: 'string' },
    criteria: { type: 'string' },
    records: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'redis-url': { type: 'string' },
    prefix: { type: 'string' },
  });
  if (values.help) {
    io.out(exportHelp);
    return EXIT.ok;
  }
  const portal = values.portal as string | undefined;
  if (portal === undefined || !/^\d+$/.test(portal)) throw new UsageError(portal === undefined ? 'export needs --portal <id>' : `--portal must be a HubSpot portal id (digits), not "${portal}"`);
  const files = filesOf(values);
  const window = { since: instant(values.since, '--since'), until: instant(values.until, '--until') };
  const live = await liveRedisSettings(values, env, cwd, io);
  if (live === null) return EXIT.badInput;
  const redis = await connectLiveRedis(live, io, "start Redis, or point export at the service's Redis with --redis-url or REDIS_URL (and its key prefix with --prefix or REDIS_PREFIX)");
  if (redis === null) return EXIT.badInput;
  try {
    const store = createRedisSignalStore(redis, live.prefix);
    // An unknown portal or a mistyped prefix would export empty files that replay into an empty ledger.
    const portals = await store.portals();
    if (!portals.includes(Number(portal))) {
      const stored = portals.length === 0 ? `no portal is stored under the key prefix "${live.prefix}"` : `the portals stored under the key prefix "${live.prefix}" are ${portals.join(', ')}`;
      io.err(`portal ${portal} has nothing stored: ${stored} (check --portal, and --prefix or REDIS_PREFIX)`);
      return EXIT.badInput;
    }
    const exported = await exportLedger(store, Number(portal), window);
    const versions = await createCriteriaRegistry(redis, live.prefix).read();
    const written = await writeAll(io, [
      [files.events, eventsFileText(Number(portal), exported)],
      [files.actions, actionsFileText(exported)],
      [files.criteria, criteriaFileText(versions)],
      ...(files.records === undefined ? [] : [[files.records, recordsFileText(exported)] as [string, string]]),
    ]);
    if (!written) return EXIT.badInput;
    report(io, Number(portal), exported, versions.length, files);
    return EXIT.ok;
  } finally {
    await redis.quit();
  }
}

function filesOf(values: Record<string, unknown>): Files {
  const need = (name: 'events' | 'actions' | 'criteria'): string => {
    const path = values[name] as string | undefined;
    if (path === undefined) throw new UsageError(`export needs --${name} <file>`);
    return path;
  };
  return { events: need('events'), actions: need('actions'), criteria: need('criteria'), records: values.records as string | undefined };
}

function instant(text: unknown, option: string): number | null {
  if (text === undefined) return null;
  const parsed = parseInstant(text as string, 'UTC');
  if (!parsed.ok) throw new UsageError(`${option}: ${parsed.message}`);
  return parsed.ms;
}

/** Writes every file, reporting each that cannot be written; false when any could not. */
async function writeAll(io: CliIo, texts: readonly (readonly [string, string])[]): Promise<boolean> {
  let ok = true;
  for (const [path, text] of texts) {
    try {
      await writeFile(path, text, 'utf8');
    } catch (e) {
      io.err(`${path}: ${readError(e)}`);
      ok = false;
    }
  }
  return ok;
}

function report(io: CliIo, portal: number, exported: LedgerExport, versions: number, files: Files): void {
  const first = exported.signals[0]?.at;
  const last = exported.signals.at(-1)?.at;
  const span = first === undefined || last === undefined ? '' : ` from ${isoUtc(first)} to ${isoUtc(last)}`;
  io.out(`portal ${portal}: ${exported.signals.length} signals${span} to ${files.events}, ${exported.actions.length} actions to ${files.actions}, ${versions} criteria versions to ${files.criteria}`);
  if (files.records !== undefined) io.out(`${exported.records.length} records' first snapshots to ${files.records}`);
  else if (exported.records.length > 0) {
    io.err(`${exported.records.length} records started from their HubSpot snapshot: pass --records <file> to export their properties, or simulate will not reproduce their outcomes`);
  }
  const deleted = exported.records.filter((r) => !r.found).length;
  if (deleted > 0) io.err(`${deleted} records were already deleted in HubSpot when first seen: the records file cannot say so, and simulate treats them as present`);
  if (exported.refused > 0) io.err(`${exported.refused} stored actions were refused when applied: simulate refuses them too and says why`);
}
