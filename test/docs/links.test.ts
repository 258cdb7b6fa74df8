// The README stays short, and every relative link in it and in docs/ leads to a file that exists (and to a heading that exists).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks, headingAnchors, headingSlug, markdownLinks } from '../support/markdown-links.ts';

const root = resolve(import.meta.dirname, '../..');
const pages = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f)),
];

describe('the README and docs/', () => {
  it('the README is at most 160 lines: a newcomer reads it in five minutes, the rest is in docs/', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(160);
  });

  it('finds the pages and their links (a checker that finds none would pass anything)', () => {
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(markdownLinks(readFileSync(join(root, 'README.md'), 'utf8')).length).toBeGreaterThanOrEqual(15);
    expect(pages.flatMap((p) => markdownLinks(readFileSync(p, 'utf8'))).length).toBeGreaterThanOrEqual(50);
  });

  it.each(pages.map((p) => [p.slice(root.length + 1), p]))('every relative link in %s resolves, anchors included', (_, page) => {
    expect(brokenLinks(page, root)).toEqual([]);
  });
});

describe('the link checker', () => {
  // A repository and a ../shared beside it, in a folder of the test's own, removed afterwards.
  const base = mkdtempSync(join(tmpdir(), 'ob-doc-links-'));
  const repo = join(base, 'repo');
  mkdirSync(join(repo, 'docs'), { recursive: true });
  mkdirSync(join(base, 'shared', 'spec'), { recursive: true });
  writeFileSync(join(base, 'shared', 'spec', 'cli.md'), '# The `outcome-billing` command line\n\n## validate\n');
  writeFileSync(join(base, 'outside.md'), '# Outside\n');
  writeFileSync(join(repo, 'docs', 'a.md'), '# Running the service\n\n## Environment variables\n\n## 1. Create the app\n');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const check = (markdown: string) => {
    writeFileSync(join(repo, 'README.md'), markdown);
    return brokenLinks(join(repo, 'README.md'), repo);
  };

  it('accepts links to files, folders, headings and ../shared', () => {
    const ok = [
      '[a](docs/a.md)',
      '[a](docs/a.md#environment-variables)',
      '[step](docs/a.md#1-create-the-app)',
      '[docs](docs/)',
      '[spec](../shared/spec/cli.md#validate)',
      '[web](https://example.com/missing.md)',
      '[mail](mailto:x@example.com)',
      '# Top',
      '[self](#top)',
    ];
    expect(check(ok.join('\n'))).toEqual([]);
  });

  it('reports a missing file, a missing anchor and a link out of the repository, each with its line', () => {
    const problems = check(['[x](docs/missing.md)', '[y](docs/a.md#no-such-heading)', '[z](../outside.md)', '[w](../shared/spec/nope.md)'].join('\n'));
    expect(problems).toEqual([
      'README.md:1: docs/missing.md: no such file or folder',
      'README.md:2: docs/a.md#no-such-heading: docs/a.md has no heading with the anchor #no-such-heading',
      'README.md:3: ../outside.md: points outside the repository (only ../shared, the specs beside it, may be linked)',
      expect.stringMatching(/^README\.md:4: \.\.\/shared\/spec\/nope\.md: no such file or folder \(is \.\.\/shared beside the checkout\?/),
    ]);
  });

  it('reports an anchor on a folder and a missing anchor in the page itself', () => {
    expect(check('# Top\n[d](docs/#a)\n[s](#bottom)\n')).toEqual([
      'README.md:2: docs/#a: #a on something that is not a Markdown page',
      'README.md:3: #bottom: README.md has no heading with the anchor #bottom',
    ]);
  });

  it('ignores links in code blocks and code spans, and reads reference definitions', () => {
    const markdown = ['```', '[x](missing.md)', '```', '`[y](missing.md)`', '[ref]: docs/gone.md'].join('\n');
    expect(markdownLinks(markdown)).toEqual([{ target: 'docs/gone.md', line: 5 }]);
  });

  it('computes anchors as GitHub does: punctuation and code marks dropped, repeats numbered', () => {
    expect(headingSlug('npm run dev: the local session')).toBe('npm-run-dev-the-local-session');
    expect(headingSlug('Criteria versions with the same `effective_from`')).toBe('criteria-versions-with-the-same-effective_from');
    expect(headingSlug('HubSpot calls per 1,000 settled outcomes')).toBe('hubspot-calls-per-1000-settled-outcomes');
    expect(headingSlug('Redis keys (all under `REDIS_PREFIX`)')).toBe('redis-keys-all-under-redis_prefix');
    expect([...headingAnchors('# Notes\n## Notes\n```\n# not a heading\n```\n## Notes\n')]).toEqual(['notes', 'notes-1', 'notes-2']);
  });
});
