// `outcome-billing hubspot subscriptions [--criteria <path>] [--check]`: regenerates (or checks) the app's webhook subscriptions from the criteria.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSourcedProblem, loadCriteriaFiles, readError } from '../../adapters/files/criteria-files.ts';
import {
  DEFAULT_WEBHOOK_SETTINGS,
  describeMissing,
  generateWebhooks,
  missingSubscriptions,
  ownPropertySubscriptions,
  webhooksComponentSchema,
} from '../../app/hubspot-subscriptions.ts';
import type { WebhooksComponent } from '../../app/hubspot-subscriptions.ts';
import { formatProblem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';

export const WEBHOOKS_FILE = fileURLToPath(new URL('../../../hubspot-app/src/app/webhooks/webhooks-hsmeta.json', import.meta.url));

export const hubspotSubscriptionsHelp = `Usage: outcome-billing hubspot subscriptions [--criteria <path>]... [<path>...] [--check] [--out <file>]

Regenerates the HubSpot app's webhook subscriptions (hubspot-app/src/app/webhooks/webhooks-hsmeta.json)
so they cover every property every criteria version reads for its object (trigger, conditions, failure
and exclusion rules), plus creation, deletion, merge and restore of contacts, deals and tickets, and
contact privacy deletions. The service's own write-back properties (${'ob_'}...) are never subscribed, so its
own writes never come back as signals. The file's targetUrl and maxConcurrentRequests are kept.

  --criteria <path>   criteria file or folder; repeat for several, or list paths after the options
                      (default: CRITERIA_PATH). All are checked together as one set.
  --check             write nothing; exit 1 listing every subscription the criteria need that is missing
  --out <file>        the webhooks file (default: the project's hubspot-app file)

After a change, upload the app again ('hs project upload') so HubSpot applies the subscriptions.

Exit codes: 0 written (or, with --check, complete), 1 criteria problems or missing subscriptions, 2 usage error.`;

export async function hubspotSubscriptionsCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(args, {
    criteria: { type: 'string', multiple: true },
    check: { type: 'boolean' },
    out: { type: 'string' },
  }, { positionals: 'paths' });
  if (values.help) {
    io.out(hubspotSubscriptionsHelp);
    return EXIT.ok;
  }
  // Positional paths too, so a shell glob works: `subscriptions examples/*/criteria.yaml`.
  const given = [...((values.criteria as string[] | undefined) ?? []), ...positionals];
  const paths = given.length > 0 ? given : env.CRITERIA_PATH ? [env.CRITERIA_PATH] : [];
  if (paths.length === 0) throw new UsageError('the subscriptions come from the criteria: pass --criteria <path> or set CRITERIA_PATH');
  const file = (values.out as string | undefined) ?? WEBHOOKS_FILE;

  const loaded = await loadCriteriaFiles(paths);
  if (!loaded.ok) {
    for (const p of loaded.problems) io.err(formatSourcedProblem(p));
    io.err(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in the criteria: nothing was ${values.check ? 'checked' : 'written'}`);
    return EXIT.badInput;
  }
  const versions = loaded.versions.map((v) => v.criteria);
  const existing = await readWebhooksFile(file);

  if (values.check) {
    if ('problem' in existing) {
      io.err(`${file}: ${existing.problem}`);
      return EXIT.badInput;
    }
    const missing = missingSubscriptions(existing.component, versions);
    const own = ownPropertySubscriptions(existing.component);
    for (const m of missing) io.err(`missing: ${describeMissing(m)}`);
    for (const o of own) io.err(`own property subscribed: ${o} (the service's own writes would come back as signals)`);
    if (missing.length > 0 || own.length > 0) {
      io.err(`${file} does not match the criteria: run 'outcome-billing hubspot subscriptions' to regenerate it, then 'hs project upload'`);
      return EXIT.badInput;
    }
    io.out(`${file} covers every property the criteria read (${versions.length} criteria version${versions.length === 1 ? '' : 's'})`);
    return EXIT.ok;
  }

  // A deployer sets the real target URL and concurrency in the file; regenerating must not undo that.
  const kept = 'component' in existing ? existing.component : null;
  if ('problem' in existing && !existing.missing) io.err(`warning: ${file}: ${existing.problem}; writing it anew with the default settings`);
  const generated = generateWebhooks(versions, kept?.config.settings ?? DEFAULT_WEBHOOK_SETTINGS, kept?.uid);
  for (const x of generated.excluded) {
    io.err(`warning: ${x.object}.${x.property} (read by ${x.readBy.join(', ')}) is a property the service writes itself: it is not subscribed, so criteria never see its changes`);
  }
  if (generated.problems.length > 0) {
    for (const p of generated.problems) io.err(p);
    return EXIT.badInput;
  }
  try {
    await writeFile(file, `${JSON.stringify(generated.component, null, 2)}\n`);
  } catch (e) {
    io.err(`cannot write ${file}: ${writeError(e, file)}`);
    return EXIT.badInput;
  }
  const subs = generated.component.config.subscriptions;
  const properties = (subs.crmObjects ?? []).filter((s) => s.propertyName !== undefined).length;
  io.out(`wrote ${file}: ${(subs.crmObjects ?? []).length + (subs.hubEvents ?? []).length} subscriptions (${properties} property changes)`);
  return EXIT.ok;
}

async function readWebhooksFile(file: string): Promise<{ component: WebhooksComponent } | { problem: string; missing: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    return { problem: missing ? 'no such file: generate it without --check' : String(e), missing };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON: ${e instanceof Error ? e.message : String(e)}`, missing: false };
  }
  const parsed = webhooksComponentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problem: `not a webhooks component: ${problemsFromZod(parsed.error, { wording: 'schema' }).map((p) => formatProblem(p)).join('; ')}`, missing: false };
  return { component: parsed.data };
}

function writeError(e: unknown, file: string): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `the folder ${dirname(file)} does not exist (create it, or choose another --out)`;
  return readError(e);
}
