// The dev session file: what `npm run dev` tells the CLI (`send`, `ledger`) about the service it runs, read back through zod.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { formatProblem } from '../../core/problems.ts';
import type { Problem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { parseJsonText, stripBom } from '../json-text.ts';
import { readError } from './criteria-files.ts';

/** Relative to the folder `npm run dev` runs in (npm runs scripts from the checkout); git-ignored. */
export const DEV_SESSION_FILE = join('.outcome-billing', 'dev.json');

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}, not empty` });

const httpUrl = text('the http(s) URL of the service\'s webhook').refine((value) => /^https?:\/\/[^/]/.test(value) && URL.canParse(value), {
  error: "must be the http(s) URL of the service's webhook",
});

export const devSessionSchema = z.object({
  webhookUrl: httpUrl,
  hubspotClientSecret: text('the client secret the service checks signatures with'),
  adminToken: text('the admin token of the read API'),
  criteriaPath: text('the absolute path of the criteria').refine(isAbsolute, { error: 'must be an absolute path' }),
  redisUrl: text('a redis:// URL').refine((value) => /^rediss?:\/\//.test(value), { error: 'must be a redis:// or rediss:// URL' }),
  redisPrefix: text('the key prefix'),
  pid: z.number({ error: 'must be the process id of npm run dev' }).int().positive(),
  startedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
});

export type DevSession = z.infer<typeof devSessionSchema>;

export type DevSessionRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'found'; readonly session: DevSession }
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[] };

/** Where the session file of a dev process started in `cwd` is. */
export const devSessionPath = (cwd: string): string => join(cwd, DEV_SESSION_FILE);

/** The file's settings; `absent` when there is no file (no `npm run dev` ran here), `invalid` with what is wrong where. */
export async function readDevSession(path: string): Promise<DevSessionRead> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'invalid', problems: [{ code: 'unreadable', path: [], message: `cannot be read: ${readError(e)}` }] };
  }
  // parseJsonText, not JSON.parse: V8's message would quote the text around the error, the secret included.
  const json = parseJsonText(stripBom(content));
  if (!json.ok) return { kind: 'invalid', problems: [{ code: 'syntax', path: [], message: `is not JSON: line ${json.error.line}, column ${json.error.column}: ${json.error.message}` }] };
  const parsed = devSessionSchema.safeParse(json.value, { reportInput: true });
  return parsed.success ? { kind: 'found', session: parsed.data } : { kind: 'invalid', problems: problemsFromZod(parsed.error, { wording: 'schema' }) };
}

/** `<file>: <field>: <what is wrong>`, one line per problem. */
export const formatDevSessionProblems = (file: string, problems: readonly Problem[]): string[] =>
  problems.map((p) => `${file}: ${formatProblem(p, '(the whole file)')}`);

/**
 * Written whole under a temporary name, then renamed: a reader never sees half a file, and the file is
 * created 0600 (it holds the client secret and the admin token) in a folder only its owner may list.
 */
export async function writeDevSession(path: string, session: DevSession): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates.
  await chmod(dirname(path), 0o700);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(devSessionSchema.parse(session), null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
