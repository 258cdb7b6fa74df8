// `outcome-billing send`: posts recorded HubSpot webhook events to a running service, signed and batched as HubSpot sends them.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { readError } from '../../adapters/files/criteria-files.ts';
import { WEBHOOK_PATH, localWebhookUrl } from '../../adapters/http/paths.ts';
import { parseEventsText } from '../../adapters/hubspot/events-file.ts';
import { shiftToNow, toDeliveries } from '../../adapters/hubspot/webhook-deliveries.ts';
import type { Delivery } from '../../adapters/hubspot/webhook-deliveries.ts';
import { sendDeliveries } from '../../adapters/hubspot/webhook-sender.ts';
import type { SenderDeps, SendTally } from '../../adapters/hubspot/webhook-sender.ts';
import { DEFAULT_PORT } from '../../config/env.ts';
import { formatFileProblem } from '../file-problem.ts';
import { parseCommandArgs } from '../args.ts';
import { DEV_SESSION_FILE } from '../../adapters/files/dev-session.ts';
import { DEV_SESSION_NOTE, devRunning, devSessionHelp, given, readDevSessionFallback } from '../dev-session-fallback.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { progressLine, summaryLines } from '../send-report.ts';

export const DEFAULT_TARGET = localWebhookUrl(DEFAULT_PORT);

export const sendHelp = `Usage: outcome-billing send --events <file> [--to <url>] [--secret <s>] [--now] [--rate <events/s>]

Posts recorded HubSpot webhook events to a running service the way HubSpot delivers them: batches
of at most 100 events (a batch array in the file stays one batch), each signed with HubSpot's v3
signature, at most 10 requests at a time. A 5xx, a 429 or a failed connection is retried with
exponential backoff (6 tries in all); any other 4xx is a refusal, reported with the service's reason.

  --events <file>     HubSpot webhook events, read as simulate reads them: a JSON array or JSON Lines
  --to <url>          the service's webhook URL (default: npm run dev's, else ${DEFAULT_TARGET});
                      it is also the URL signed, so it must be the service's PUBLIC_BASE_URL followed
                      by ${WEBHOOK_PATH}
  --secret <s>        the app's client secret the service checks signatures with
                      (default: the environment's HUBSPOT_CLIENT_SECRET, else npm run dev's)
  --now               move every occurredAt by one offset (printed) so the earliest event occurs now
  --rate <events/s>   pace the batches so that no more than this many events are sent per second

Events are sent as read: ids as decimal strings, unknown fields left out. Progress is shown on a
terminal only; the summary counts what the service accepted, stored, found duplicate and ignored.

${devSessionHelp('--to and the secret')}

Exit codes: 0 every batch accepted, 1 bad input or a batch refused or given up, 2 usage error.`;

export interface SendCommandDeps extends SenderDeps {
  readonly env: NodeJS.ProcessEnv;
  /** Where a running `npm run dev`'s session file is looked for. */
  readonly cwd: string;
  /** Where the progress line goes; shown only when it is a terminal. */
  readonly progress: { readonly isTTY?: boolean; write(text: string): unknown };
}

const defaultDeps = (): SendCommandDeps => ({ env: process.env, cwd: process.cwd(), fetch, clock: Date.now, sleep: (ms) => sleep(ms), progress: process.stderr });

interface SendArgs {
  readonly eventsPath: string;
  /** As given by --to, checked; undefined when not given. */
  readonly url: string | undefined;
  /** From --secret or the environment; undefined when neither gives one. */
  readonly secret: string | undefined;
  readonly now: boolean;
  readonly rate: number | null;
}

function readArgs(args: readonly string[], env: NodeJS.ProcessEnv): SendArgs | 'help' {
  const { values } = parseCommandArgs(args, {
    events: { type: 'string' },
    to: { type: 'string' },
    secret: { type: 'string' },
    now: { type: 'boolean' },
    rate: { type: 'string' },
  });
  if (values.help) return 'help';
  const eventsPath = values.events as string | undefined;
  if (eventsPath === undefined) throw new UsageError('send needs --events <file>');
  const rateText = values.rate as string | undefined;
  const rate = rateText === undefined ? null : Number(rateText);
  if (rate !== null && !(Number.isFinite(rate) && rate > 0)) throw new UsageError(`--rate must be a number of events per second above 0, not "${rateText}"`);
  const secret = [values.secret as string | undefined, env.HUBSPOT_CLIENT_SECRET].find(given);
  const to = values.to as string | undefined;
  return { eventsPath, url: to === undefined ? undefined : targetUrl(to), secret, now: values.now === true, rate };
}

/** Where to post and what to sign with: the options and environment, then `npm run dev`'s session, then the default URL. */
async function target(parsed: SendArgs, deps: SendCommandDeps, io: CliIo): Promise<{ url: string; secret: string | undefined } | null> {
  if (parsed.url !== undefined && parsed.secret !== undefined) return { url: parsed.url, secret: parsed.secret };
  const dev = await readDevSessionFallback(deps.cwd, io);
  if (!dev.ok) return null;
  if (dev.session !== null) io.err(DEV_SESSION_NOTE);
  // The file outlives its dev process (ledger still reads what it stored); posting to a stopped one would only retry for seconds.
  if (parsed.url === undefined && dev.session !== null && !devRunning(dev.session)) {
    io.err(`the \`npm run dev\` that wrote ${DEV_SESSION_FILE} (pid ${dev.session.pid}, started ${dev.session.startedAt}) is not running: start it again, or give --to`);
    return null;
  }
  return { url: parsed.url ?? dev.session?.webhookUrl ?? DEFAULT_TARGET, secret: parsed.secret ?? dev.session?.hubspotClientSecret };
}

/** The URL as fetch will call it (and so as it is signed); http or https only. */
function targetUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--to must be a URL such as ${DEFAULT_TARGET}, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--to must be an http or https URL, not "${text}"`);
  return url.href;
}

/** --now's shift, said once, so the same events can be replayed by `simulate` at the times the service got them. */
function moved(batches: readonly Delivery[], now: number, io: CliIo): Delivery[] {
  const shifted = shiftToNow(batches, now);
  const first = batches[0]?.events[0];
  const shiftedFirst = shifted[0]?.events[0];
  if (first !== undefined && shiftedFirst !== undefined) {
    io.out(`--now: every event moved by ${shiftedFirst.occurredAt - first.occurredAt} ms, the earliest to ${new Date(now).toISOString()}`);
  }
  return shifted;
}

export async function sendCommand(args: readonly string[], io: CliIo, overrides: Partial<SendCommandDeps> = {}): Promise<ExitCode> {
  const deps = { ...defaultDeps(), ...overrides };
  const parsed = readArgs(args, deps.env);
  if (parsed === 'help') {
    io.out(sendHelp);
    return EXIT.ok;
  }
  const { eventsPath } = parsed;
  let text: string;
  try {
    text = await readFile(eventsPath, 'utf8');
  } catch (e) {
    io.err(`${eventsPath}: ${readError(e)}`);
    return EXIT.badInput;
  }
  const events = parseEventsText(text, eventsPath);
  if (!events.ok) {
    for (const p of events.problems) io.err(formatFileProblem(eventsPath, p));
    io.err(`${events.problems.length} problem${events.problems.length === 1 ? '' : 's'}: nothing was sent`);
    return EXIT.badInput;
  }
  const to = await target(parsed, deps, io);
  if (to === null) return EXIT.badInput;
  if (to.secret === undefined) {
    io.err("no secret to sign with: pass --secret <s> or set HUBSPOT_CLIENT_SECRET to the app's client secret the service checks, or start `npm run dev` in this folder (nothing was sent)");
    return EXIT.badInput;
  }
  const batches = toDeliveries(events.events, events.locations);
  const deliveries = parsed.now ? moved(batches, deps.clock(), io) : batches;
  const tty = deps.progress.isTTY === true;
  let shown = 0;
  const onProgress = (tally: SendTally) => {
    const line = progressLine(tally);
    deps.progress.write(`\r${line.padEnd(shown)}`);
    shown = line.length;
  };
  const tally = await sendDeliveries(deliveries, { url: to.url, secret: to.secret, ratePerSecond: parsed.rate, onProgress: tty ? onProgress : undefined }, deps);
  if (tty && shown > 0) deps.progress.write(`\r${' '.repeat(shown)}\r`);
  const { out, err } = summaryLines(tally, to.url);
  for (const line of err) io.err(line);
  for (const line of out) io.out(line);
  // cli.md has one code for a command that did not do what it was asked: 1, as for bad input.
  return tally.refused.length + tally.gaveUp.length === 0 ? EXIT.ok : EXIT.badInput;
}
