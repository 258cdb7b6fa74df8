// `outcome-billing criteria export` and `criteria publish` (issue 8 item 7): the registry of files and published versions from the command line (real Redis).
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { criteriaCommand } from '../../src/cli/commands/criteria.ts';
import { createPublishedCriteriaStore } from '../../src/adapters/redis/published-criteria.ts';
import type { CliRun } from '../support/cli.ts';
import { tempFile } from '../support/cli.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { BASE_CRITERIA } from '../support/scenario.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const ENV = { CRITERIA_EDITORS: '7, 8' };

async function run(args: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await criteriaCommand(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, env, '/', () => NOW);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const draftOf = (o: Record<string, unknown>) => {
  const d: Record<string, unknown> = { ...BASE_CRITERIA, ...o };
  for (const k of Object.keys(d)) if (d[k] === undefined) delete d[k];
  return stringify(d);
};

describe('outcome-billing criteria', () => {
  const prefix = testPrefix('criteria-cli');
  let redis: Redis;
  const files = tempFile('resolve.yaml', stringify(BASE_CRITERIA));
  const common = ['--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', files];

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('publishes a file as the next version of its id, then exports files and published versions as YAML', async () => {
    const file = tempFile('next.yaml', draftOf({ version: undefined, effective_from: undefined, within: '2h' }));
    const published = await run(['publish', file, '--by', '7', '--notes', 'two hours', ...common]);
    expect(published, published.err).toMatchObject({ code: 0, out: 'published resolve v2, effective 2026-12-03T10:00:00.000Z, by user 7' });
    const [stored] = await createPublishedCriteriaStore(redis, prefix).readAll();
    expect(stored).toMatchObject({ id: 'resolve', version: 2, changeNotes: 'two hours', publishedBy: { userId: 7, email: null } });

    const dir = await mkdtemp(join(tmpdir(), 'ob-criteria-export-'));
    const exported = await run(['export', dir, ...common]);
    expect(exported, exported.err).toMatchObject({ code: 0, out: `wrote 2 criteria versions to ${dir} (1 from files, 1 published in HubSpot)` });
    expect(readdirSync(join(dir, 'resolve')).sort()).toEqual(['v1.yaml', 'v2.yaml']);
    expect(readFileSync(join(dir, 'resolve', 'v1.yaml'), 'utf8')).toMatch(new RegExp(`^# from ${files}\n`));
    const v2 = readFileSync(join(dir, 'resolve', 'v2.yaml'), 'utf8');
    expect(v2).toMatch(/^# HubSpot \(resolve@2 published by user 7 at 2026-12-03T10:00:00.000Z\)\n/);
    expect(v2).toMatch(/^within: 2h$/m);
    expect(v2).toMatch(/^change_notes: two hours$/m);
    // The export validates as the files do.
    const { cli } = await import('../support/cli.ts');
    expect((await cli('validate', dirname(join(dir, 'resolve', 'v1.yaml')))).code).toBe(0);
  });

  it('names the file and field of every problem, and publishes nothing', async () => {
    const file = tempFile('bad.yaml', draftOf({ version: undefined, within: '0', effective_from: '2026-12-01T00:00:00Z' }));
    const r = await run(['publish', file, '--by', '7', ...common]);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      `${file}: change_notes: are required to publish: say what changed and why`,
      `${file}: effective_from: 2026-12-01T00:00:00.000Z is in the past: a published version takes effect now or later (leave it out for now)`,
      `${file}: within: must be more than 0`,
      '3 problems: nothing was published',
    ]);
  });

  it('refuses a version a file already holds, naming both, and a user who is not an editor', async () => {
    const file = tempFile('one.yaml', draftOf({ version: 1, change_notes: 'again' }));
    const conflict = await run(['publish', file, '--by', '7', ...common]);
    expect(conflict).toMatchObject({ code: 1 });
    expect(conflict.err).toContain(`${file}: resolve@1 is already defined in ${files}, so this draft cannot be it`);
    const draft = tempFile('x.yaml', draftOf({ version: undefined, effective_from: undefined }));
    const stranger = await run(['publish', draft, '--by', '99', '--notes', 'n', ...common]);
    expect(stranger).toMatchObject({ code: 1, err: `${draft}: user 99 is not one of this portal's criteria editors (CRITERIA_EDITORS), who alone may publish criteria versions` });
  });

  it('answers usage errors with exit 2', async () => {
    await expect(run(['publish', 'x.yaml', ...common])).rejects.toThrow(/needs --by <HubSpot user id>/);
    await expect(run(['exprot', 'dir'])).rejects.toThrow(/unknown criteria action "exprot"/);
    const { cli } = await import('../support/cli.ts');
    const viaMain = await cli('criteria', 'publish');
    expect(viaMain.code).toBe(2);
    expect(viaMain.err).toMatch(/criteria publish needs the file to publish/);
  });
});
