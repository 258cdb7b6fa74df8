// `outcome-billing criteria export <dir>` and `criteria publish <file>`: the criteria registry (files and versions published in HubSpot) from the command line.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RedisClient } from '../../adapters/redis/connection.ts';
import { formatSourcedProblem, loadCriteriaFiles, readError } from '../../adapters/files/criteria-files.ts';
import { webhooksFileReader } from '../../adapters/files/webhooks-file.ts';
import { createCriteriaRegistry } from '../../adapters/redis/criteria-registry.ts';
import { createPublishedCriteriaStore } from '../../adapters/redis/published-criteria.ts';
import { publishCriteria, SUBSCRIPTION_ADVICE } from '../../app/criteria-publish.ts';
import { combine, publishedSource } from '../../app/published-criteria.ts';
import type { PublishedVersion } from '../../app/published-criteria.ts';
import { criteriaEditors } from '../../config/user-lists.ts';
import { versionKey } from '../../core/criteria/criteria-set.ts';
import type { SourcedVersion } from '../../core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../core/criteria/parse-file.ts';
import { formatProblem } from '../../core/problems.ts';
import { isoUtc } from '../../core/time.ts';
import { parseCommandArgs, suggestion } from '../args.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { connectLiveRedis, liveRedisSettings } from '../live-redis.ts';

export const criteriaHelp = `Usage: outcome-billing criteria export <dir> [--criteria <path>] [--redis-url <url>] [--prefix <prefix>]
       outcome-billing criteria publish <file> --by <HubSpot user id> [--notes <text>] [--effective-from <ISO>]
                                [--email <email>] [--criteria <path>] [--redis-url <url>] [--prefix <prefix>]

The criteria registry is the CRITERIA_PATH files and the versions published in HubSpot (the settings
page, or this command), together: an id@version comes from exactly one of them.

export   writes every version in the registry as YAML, one file each: <dir>/<id>/v<version>.yaml,
         a comment on top saying where it comes from (a file, or who published it in HubSpot and when).
         Versions the ledger has run with whose file is gone are written too, from Redis.
publish  publishes <file> (one version) as the next version of its id, under the settings page's rules:
         the number is the next one (leave version out, or give that number); change notes are required
         (--notes, else the file's change_notes); it takes effect at --effective-from, else the file's
         effective_from, else now, never in the past. --by must be one of CRITERIA_EDITORS. Running
         services pick it up without a restart. A property the app's webhook subscriptions do not
         cover is named on stderr.

  --criteria <path>     the criteria files (else CRITERIA_PATH; else only what Redis knows)
  --redis-url <url>     the service's Redis (else REDIS_URL, else redis://127.0.0.1:6379)
  --prefix <prefix>     its key prefix (else REDIS_PREFIX, else ob)

Exit codes: 0 written or published, 1 bad input (every problem on stderr, with the file and field;
a conflict names both sources; a user who is not an editor; Redis unreachable), 2 usage error.`;

const OPTIONS = {
  criteria: { type: 'string' },
  'redis-url': { type: 'string' },
  prefix: { type: 'string' },
  by: { type: 'string' },
  email: { type: 'string' },
  notes: { type: 'string' },
  'effective-from': { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof OPTIONS, string>>;

export async function criteriaCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), clock: () => number = Date.now): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, { positionals: 'paths' });
  if (values.help) {
    io.out(criteriaHelp);
    return EXIT.ok;
  }
  const [action, path, ...extra] = positionals;
  if (action !== 'export' && action !== 'publish') {
    throw new UsageError(action === undefined ? 'say what to do: criteria export <dir> or criteria publish <file>' : `unknown criteria action "${action}"${suggestion(action, ['export', 'publish'])}`);
  }
  if (path === undefined) throw new UsageError(`criteria ${action} needs ${action === 'export' ? 'a folder to write into' : 'the file to publish'}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}": criteria ${action} takes one path`);
  const v = values as Values;
  const by = action === 'publish' ? publisherArg(v, env) : null;
  const settings = await liveRedisSettings(values, env, cwd, io);
  if (settings === null) return EXIT.badInput;
  const files = await fileVersions(v.criteria ?? env.CRITERIA_PATH, io);
  if (files === null) return EXIT.badInput;
  const redis = await connectLiveRedis(settings, io, 'criteria reads the published versions from the service\'s Redis');
  if (redis === null) return EXIT.badInput;
  try {
    if (by === null) return await exportAll(redis, settings.prefix, files, path, io);
    return await publishFile(redis, settings.prefix, files, path, v, by, io, clock);
  } finally {
    await redis.quit();
  }
}

function publisherArg(v: Values, env: NodeJS.ProcessEnv): { userId: number; email: string | null; editors: ReadonlySet<number> } {
  if (v.by === undefined || !/^[1-9][0-9]{0,15}$/.test(v.by)) throw new UsageError('criteria publish needs --by <HubSpot user id> (one of CRITERIA_EDITORS): who publishes is kept with the version');
  const editors = criteriaEditors.safeParse(env.CRITERIA_EDITORS);
  if (!editors.success) throw new UsageError(`CRITERIA_EDITORS: ${editors.error.issues.map((i) => i.message).join('; ')}`);
  return { userId: Number(v.by), email: v.email ?? null, editors: editors.data };
}

async function fileVersions(path: string | undefined, io: CliIo): Promise<SourcedVersion[] | null> {
  if (path === undefined || path === '') return [];
  const loaded = await loadCriteriaFiles([path]);
  if (loaded.ok) return loaded.versions;
  for (const p of loaded.problems) io.err(formatSourcedProblem(p));
  io.err(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in the criteria files: nothing was done`);
  return null;
}

const KNOWN_SOURCE = 'Redis (a version the ledger has run with; its file is not in the criteria path)';

/** Files first, then the ledger's known versions neither in the files nor published (a file since removed). */
async function registryFiles(redis: RedisClient, prefix: string, files: readonly SourcedVersion[], published: readonly PublishedVersion[]): Promise<SourcedVersion[]> {
  const have = new Set([...files.map((f) => versionKey(f.criteria.id, f.criteria.version)), ...published.map((p) => versionKey(p.id, p.version))]);
  const extra: SourcedVersion[] = [];
  for (const k of await createCriteriaRegistry(redis, prefix).read()) {
    if (have.has(versionKey(k.id, k.version))) continue;
    const parsed = parseCriteriaText(k.canonical);
    if (parsed.ok) extra.push(...parsed.versions.map((x) => ({ ...x, source: KNOWN_SOURCE })));
  }
  return [...files, ...extra];
}

async function exportAll(redis: RedisClient, prefix: string, given: readonly SourcedVersion[], dir: string, io: CliIo): Promise<ExitCode> {
  const published = await createPublishedCriteriaStore(redis, prefix).readAll();
  const files = await registryFiles(redis, prefix, given, published);
  const checked = combine(files, published);
  if (!checked.ok) {
    for (const p of checked.problems) io.err(p);
    io.err('the registry has problems: nothing was written');
    return EXIT.badInput;
  }
  const texts = [
    ...files.map((f) => ({ id: f.criteria.id, version: f.criteria.version, text: `# from ${f.source}\n${stringify(JSON.parse(f.canonical))}` })),
    ...published.map((p) => ({ id: p.id, version: p.version, text: `# ${publishedSource(p)}\n${p.text}` })),
  ];
  try {
    for (const t of texts) {
      await mkdir(join(dir, t.id), { recursive: true });
      await writeFile(join(dir, t.id, `v${t.version}.yaml`), t.text);
    }
  } catch (e) {
    io.err(`${dir}: ${readError(e)}`);
    return EXIT.badInput;
  }
  io.out(`wrote ${texts.length} criteria version${texts.length === 1 ? '' : 's'} to ${dir} (${files.length} from files, ${published.length} published in HubSpot)`);
  return EXIT.ok;
}

async function publishFile(
  redis: RedisClient,
  prefix: string,
  given: readonly SourcedVersion[],
  file: string,
  v: Values,
  by: { userId: number; email: string | null; editors: ReadonlySet<number> },
  io: CliIo,
  clock: () => number,
): Promise<ExitCode> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.err(`${file}: ${readError(e)}`);
    return EXIT.badInput;
  }
  const store = createPublishedCriteriaStore(redis, prefix);
  const files = await registryFiles(redis, prefix, given, await store.readAll());
  const deps = { store, fileVersions: () => files, editors: by.editors, subscriptions: webhooksFileReader(), clock };
  const r = await publishCriteria(deps, { text, changeNotes: v.notes ?? null, effectiveFrom: v['effective-from'] ?? null }, { userId: by.userId, email: by.email });
  if (r.kind === 'forbidden') io.err(`${file}: ${r.message}`);
  if (r.kind === 'conflict') io.err(`${file}: ${r.message}`);
  if (r.kind === 'invalid') for (const p of r.problems) io.err(`${file}: ${formatProblem(p)}`);
  if (r.kind !== 'forbidden' && r.kind !== 'conflict') {
    for (const u of r.uncovered) io.err(`${file}: reads ${u.object}.${u.property}, which no webhook subscription covers: ${SUBSCRIPTION_ADVICE}`);
  }
  if (r.kind !== 'ok') {
    if (r.kind === 'invalid') io.err(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: nothing was published`);
    return EXIT.badInput;
  }
  const p = r.version;
  io.out(`published ${p.id} v${p.version}, effective ${isoUtc(p.effectiveFrom)}, by user ${p.publishedBy.userId}`);
  return EXIT.ok;
}
