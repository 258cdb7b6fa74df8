// `outcome-billing hubspot setup [--dry-run]` (and the `hubspot` command's dispatch): creates the billing properties and verification-log object in a portal.
import { createHubSpotRequest, DEFAULT_HUBSPOT_API_BASE_URL } from '../../adapters/hubspot/client.ts';
import type { HubSpotRequest } from '../../adapters/hubspot/client.ts';
import { loadPropertyDefinitions } from '../../adapters/hubspot/property-definitions.ts';
import { createSetupApi } from '../../adapters/hubspot/setup-api.ts';
import { HubSpotRateLimitedError, HubSpotRejectedError, HubSpotServerError, HubSpotUnavailableError } from '../../app/hubspot-errors.ts';
import { formatSetupAction, runHubSpotSetup } from '../../app/hubspot-setup.ts';
import type { SetupFailure } from '../../app/hubspot-setup.ts';
import { formatProblem } from '../../core/problems.ts';
import { parseCommandArgs, suggestion } from '../args.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { hubspotSubscriptionsCommand } from './hubspot-subscriptions.ts';

export const hubspotHelp = `Usage: outcome-billing hubspot <setup|subscriptions> [options]

  setup [--dry-run]                       create the billing properties and the verification-log
                                          object in the portal of HUBSPOT_ACCESS_TOKEN
  subscriptions [--criteria <path>] [--check]
                                          regenerate the app's webhook subscriptions from the criteria

Run 'outcome-billing hubspot <subcommand> --help' for its options.`;

export async function hubspotCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub === 'setup') return hubspotSetupCommand(rest, io, env);
  if (sub === 'subscriptions') return hubspotSubscriptionsCommand(rest, io, env);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(hubspotHelp);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  throw new UsageError(`unknown hubspot subcommand "${sub}"${suggestion(sub, ['setup', 'subscriptions'])} (setup or subscriptions)`);
}

export const hubspotSetupHelp = `Usage: outcome-billing hubspot setup [--dry-run]

Makes the portal hold what property-definitions/ describes: the "Billing outcome" property group and
its properties on contacts, deals and tickets, and the verification-log custom object (Enterprise only)
with its properties and its associations to contacts, deals and tickets. It reads what exists first,
creates what is missing, updates what differs, and never deletes. Safe to run again.

Prints one line per group, property, object schema and association: created, updated, unchanged, or
conflict (something only a person can fix, such as a property whose unique-value setting differs).
--dry-run sends only reads and prints what it would do.

Environment: HUBSPOT_ACCESS_TOKEN (the static app's access token, required), HUBSPOT_API_BASE_URL
(default ${DEFAULT_HUBSPOT_API_BASE_URL}).

Exit codes: 0 done, 1 a HubSpot error or a conflict (every problem on stderr), 2 usage error.`;

export interface SetupCommandDeps {
  /** Replaces the real client (tests). */
  readonly request?: HubSpotRequest;
}

export async function hubspotSetupCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, deps: SetupCommandDeps = {}): Promise<ExitCode> {
  const { values } = parseCommandArgs(args, { 'dry-run': { type: 'boolean' } });
  if (values.help) {
    io.out(hubspotSetupHelp);
    return EXIT.ok;
  }
  const dryRun = values['dry-run'] === true;

  const definitions = await loadPropertyDefinitions();
  if (!definitions.ok) {
    for (const p of definitions.problems) io.err(`${p.source}: ${formatProblem(p)}`);
    return EXIT.badInput;
  }

  let request = deps.request;
  if (request === undefined) {
    const connection = hubspotConnection(env);
    if ('problem' in connection) {
      io.err(connection.problem);
      return EXIT.badInput;
    }
    request = createHubSpotRequest(connection);
  }

  const report = await runHubSpotSetup(createSetupApi(request), definitions.definitions, { dryRun, onAction: (a) => io.out(formatSetupAction(a, dryRun)) });
  const conflicts = report.actions.filter((a) => a.kind === 'conflict');
  for (const c of conflicts) io.err(`conflict: ${c.subject} ${c.target}: ${c.detail ?? ''}`);
  if (report.failure !== null) {
    io.err(explainFailure(report.failure));
    io.err('What was done before this error stands; setup is safe to run again once it is fixed.');
    return EXIT.badInput;
  }
  if (conflicts.length > 0) {
    io.err(`${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'} need${conflicts.length === 1 ? 's' : ''} a person; everything else is ${dryRun ? 'as listed' : 'in place'}.`);
    return EXIT.badInput;
  }
  const changes = report.actions.filter((a) => a.kind === 'created' || a.kind === 'updated').length;
  io.out(dryRun ? `dry run: ${changes} change${changes === 1 ? '' : 's'} would be made; nothing was sent but reads` : changes === 0 ? 'everything was already in place' : `done: ${changes} change${changes === 1 ? '' : 's'}`);
  return EXIT.ok;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The token and base URL from the environment, checked as the service checks them (config/env.ts). */
export function hubspotConnection(env: NodeJS.ProcessEnv): { accessToken: string; baseUrl: string } | { problem: string } {
  const accessToken = env.HUBSPOT_ACCESS_TOKEN?.trim() ?? '';
  if (accessToken === '') {
    return { problem: "HUBSPOT_ACCESS_TOKEN is not set: copy the static app's access token from the app's Auth tab in HubSpot (see docs/hubspot-setup.md)" };
  }
  const raw = env.HUBSPOT_API_BASE_URL?.trim() ?? '';
  if (raw === '') return { accessToken, baseUrl: DEFAULT_HUBSPOT_API_BASE_URL };
  const url = URL.parse(raw);
  if (url === null || !(url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))) {
    return { problem: 'HUBSPOT_API_BASE_URL: must be an https URL (http only for localhost and 127.0.0.1, for test doubles)' };
  }
  return { accessToken, baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

/** A message a person can act on: what failed, HubSpot's own words, and the likely fix. */
export function explainFailure(failure: SetupFailure): string {
  const { error, step, area } = failure;
  const head = `HubSpot error while ${step}`;
  if (error instanceof HubSpotRejectedError) {
    const said = `HubSpot said ${error.status}${error.category ? ` ${error.category}` : ''}${error.hubspotMessage ? `: ${error.hubspotMessage}` : ''}`;
    if (error.status === 401) return `${head}: the access token was refused (${said}). Check HUBSPOT_ACCESS_TOKEN holds the app's current static token.`;
    const scope = error.category === 'MISSING_SCOPES' || /scope/i.test(error.hubspotMessage ?? '');
    if (error.status === 403 && area === 'custom object') {
      return `${head}: ${said}. Custom objects need a HubSpot Enterprise subscription and the app's crm.schemas.custom.read/write and crm.objects.custom.read/write scopes${scope ? '' : ' (if the portal is not Enterprise, the billing properties above are set up; the verification log cannot be)'}.`;
    }
    if (error.status === 403 || scope) {
      return `${head}: the app lacks a scope this needs (${said}). Add it to requiredScopes in hubspot-app/src/app/app-hsmeta.json, run 'hs project upload', and accept the new scopes for the installed app.`;
    }
    return `${head}: ${said}${error.details.length > 0 ? ` (${error.details.join('; ')})` : ''}`;
  }
  if (error instanceof HubSpotRateLimitedError) return `${head}: rate limited (${error.policyName ?? 'unknown policy'}); run again in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  if (error instanceof HubSpotServerError) return `${head}: HubSpot failed on its side (${error.status}${error.hubspotMessage ? `: ${error.hubspotMessage}` : ''}); run again later.`;
  if (error instanceof HubSpotUnavailableError) return `${head}: ${error.message}. Check the network and HUBSPOT_API_BASE_URL, then run again.`;
  return `${head}: ${error.message}`;
}
