// Strict input on the command line (issue 11): stray arguments, impossible times, folders of mixed files, and
// messages that say what and where, each once, with every problem listed together.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { hubspotSetupCommand } from '../../src/cli/commands/hubspot-setup.ts';
import { BASE_CRITERIA } from '../support/scenario.ts';
import { cli } from '../support/cli.ts';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/ticket-resolved');
const CRITERIA = join(EXAMPLE, 'criteria.yaml');
const EVENTS = join(EXAMPLE, 'events.json');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ob-input-'));
  made.push(dir);
  return dir;
}

function write(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('impossible UTC offsets', () => {
  it.each(['2026-11-04T10:00:00+25:00', '2026-11-04T10:00:00+99:99'])('simulate --until %s is a usage error naming the offset', async (until) => {
    const r = await cli('simulate', '--criteria', CRITERIA, '--events', EVENTS, '--until', until);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/--until: .* is not a real UTC offset/);
  });

  it('validate refuses effective_from: 2026-10-01T00:00:00+25:00 and timezone: "+02:00", both listed', async () => {
    const file = write(folder(), 'c.yaml', stringify({ ...BASE_CRITERIA, effective_from: '2026-10-01T00:00:00+25:00', timezone: '+02:00' }));
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}: effective_from: `);
    expect(r.err).toContain(`${file}: timezone: is not an IANA time zone name`);
    expect(r.err).toMatch(/2 problems/);
  });
});

describe('the command line itself', () => {
  it('simulate with a second events file is a usage error naming it, not a run that ignores it', async () => {
    const empty = write(folder(), 'empty.json', '[]');
    const r = await cli('simulate', '--criteria', CRITERIA, '--events', empty, EVENTS);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`unexpected argument "${EVENTS}"`);
  });

  it('ledger with a stray argument is a usage error naming it (before Redis is tried)', async () => {
    const r = await cli('ledger', '--criteria', CRITERIA, '--redis-url', 'redis://127.0.0.1:1', 'stray');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unexpected argument "stray"');
    expect(r.err).not.toMatch(/Redis/);
  });

  it('send and hubspot setup refuse stray arguments the same way', async () => {
    for (const args of [['send', '--events', EVENTS, 'more.json'], ['hubspot', 'setup', 'now']]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/unexpected argument "(more\.json|now)"/);
    }
  });

  it('validate and hubspot subscriptions still take several paths', async () => {
    const dir = folder();
    const a = write(dir, 'a.yaml', stringify(BASE_CRITERIA));
    const b = write(dir, 'b.yaml', stringify({ ...BASE_CRITERIA, id: 'other' }));
    expect((await cli('validate', a, b)).code).toBe(0);
  });

  it.each([
    ['validat', 'validate'],
    ['simulte', 'simulate'],
    ['legder', 'ledger'],
  ])('an unknown command %s suggests %s', async (typed, meant) => {
    const r = await cli(typed);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`unknown command "${typed}": did you mean "${meant}"?`);
  });

  it('an unknown command far from any says so without a guess', async () => {
    const r = await cli('frobnicate');
    expect(r.err).toContain('unknown command "frobnicate"');
    expect(r.err).not.toContain('did you mean');
  });

  it('an unknown hubspot subcommand suggests the nearest', async () => {
    const r = await cli('hubspot', 'setpu');
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean "setup"?');
  });

  it('--version prints the package version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await cli('--version');
    expect(r).toMatchObject({ code: 0, out: version });
  });

  it.each([['simulate', '--criteria', CRITERIA, '--events', EVENTS, '--trail'], ['ledger', '--criteria', CRITERIA, '--trail', '--format', 'table']])(
    '--trail with the table format is a usage error (%s)',
    async (...args) => {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--trail needs --format json/);
    },
  );

  it('the help of simulate and ledger says --trail needs --format json', async () => {
    for (const command of ['simulate', 'ledger']) expect((await cli(command, '--help')).out.replace(/\s+/g, ' ')).toMatch(/--trail .*needs --format json \(a usage error with the table\)/);
  });
});

describe('hubspot commands', () => {
  it('subscriptions --out into a missing folder says so plainly, exit 1', async () => {
    const out = join(folder(), 'missing', 'wh.json');
    const r = await cli('hubspot', 'subscriptions', '--criteria', CRITERIA, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write ${out}: the folder ${join(out, '..')} does not exist`);
    expect(r.err).not.toMatch(/ENOENT|at async/);
  });

  it('setup without a token points to docs/hubspot-setup.md', async () => {
    const err: string[] = [];
    const code = await hubspotSetupCommand([], { out: () => undefined, err: (t) => err.push(t) }, {});
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/HUBSPOT_ACCESS_TOKEN is not set: .*see docs\/hubspot-setup\.md/);
  });
});

describe('validate <folder>', () => {
  function exampleTree(): string {
    const dir = folder();
    write(dir, 'criteria.yaml', stringify(BASE_CRITERIA));
    write(dir, 'events.json', JSON.stringify([{ eventId: 1 }]));
    write(dir, 'expected.json', JSON.stringify({ outcomes: [], invoice: [] }));
    write(dir, 'deep/records.json', JSON.stringify([{ objectType: 'ticket', id: '1' }]));
    write(dir, 'deep/actions.json', '');
    write(dir, 'deep/more.yml', stringify({ ...BASE_CRITERIA, id: 'deeper' }));
    write(dir, 'deep/er/json-criteria.json', JSON.stringify({ criteria: [{ ...BASE_CRITERIA, id: 'in-json' }] }));
    write(dir, '.hidden/old.yaml', 'not: criteria');
    return dir;
  }

  it('reads YAML at every depth and JSON that holds criteria, and names the JSON it skipped', async () => {
    const dir = exampleTree();
    const r = await cli('validate', dir);
    expect(r.err).not.toMatch(/problem/);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').sort()).toEqual(['deeper v1 (ticket), effective 2026-01-01', 'in-json v1 (ticket), effective 2026-01-01', 'resolve v1 (ticket), effective 2026-01-01']);
    for (const skipped of ['events.json', 'expected.json', 'deep/records.json', 'deep/actions.json']) expect(r.err).toContain(`skipped ${join(dir, skipped)}`);
  });

  it('validates the project examples as one folder', async () => {
    const r = await cli('validate', join(ROOT, 'examples'));
    expect(r.err).not.toMatch(/problem/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ticket-resolved v1 (ticket)');
  });

  it('reports a broken JSON file in a folder (it may be criteria) rather than skipping it', async () => {
    const dir = folder();
    write(dir, 'criteria.yaml', stringify(BASE_CRITERIA));
    const broken = write(dir, 'sub/broken.json', '{"id": "x",');
    const r = await cli('validate', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${broken}: `);
  });

  it('a named .json file is read as criteria whatever it holds', async () => {
    const events = write(folder(), 'events.json', '[]');
    const r = await cli('validate', events);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${events}: `);
  });

  it('the rule is in validate --help', async () => {
    const help = (await cli('validate', '--help')).out.replace(/\s+/g, ' ');
    expect(help).toMatch(/subfolders/);
    expect(help).toMatch(/"id" or "criteria"/);
  });
});

describe('every problem at once, each said once and plainly', () => {
  it('a v2 with no change_notes, another object and an earlier effective_from: all three together', async () => {
    const dir = folder();
    const v1 = write(dir, 'v1.yaml', stringify({ ...BASE_CRITERIA, effective_from: '2026-11-01T00:00:00Z' }));
    const v2 = write(dir, 'v2.yaml', stringify({ ...BASE_CRITERIA, version: 2, object: 'deal', effective_from: '2026-10-01T00:00:00Z' }));
    const r = await cli('validate', v1, v2);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${v2}: change_notes: is required`);
    expect(r.err).toContain(`${v2}: object: resolve watches ticket in v1`);
    expect(r.err).toContain(`${v2}: effective_from: is earlier than v1's effective_from`);
    expect(r.err).toMatch(/3 problems: nothing was applied/);
  });

  it('the same three inside one file', async () => {
    const file = write(folder(), 'c.yaml', stringify({ criteria: [BASE_CRITERIA, { ...BASE_CRITERIA, version: 2, object: 'deal', effective_from: '2025-01-01T00:00:00Z' }] }));
    const r = await cli('validate', file);
    expect(r.err).toMatch(/3 problems/);
    for (const field of ['change_notes', 'object', 'effective_from']) expect(r.err).toContain(`${file}: criteria[1].${field}: `);
  });

  it('a broken events or records file is named once per line, not twice', async () => {
    const dir = folder();
    const events = write(dir, 'ev.json', '{');
    const records = write(dir, 'rec.json', '[');
    const r = await cli('simulate', '--criteria', CRITERIA, '--events', events, '--records', records);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${events}: invalid JSON at line 1, column 2`);
    expect(r.err).toContain(`${records}: invalid JSON at line 1, column 2`);
    expect(r.err).not.toContain(`${events}: ${events}`);
    expect(r.err).not.toContain(`${records}: ${records}`);
  });

  it('send names a broken events file once too', async () => {
    const events = write(folder(), 'ev.json', '{');
    const r = await cli('send', '--events', events, '--to', 'http://127.0.0.1:1/webhooks', '--secret', 's');
    expect(r.code).toBe(1);
    expect(r.err).not.toContain(`${events}: ${events}`);
  });

  it('occurredAt out of range, in an events file, says the range', async () => {
    const [first] = JSON.parse(readFileSync(EVENTS, 'utf8')) as Record<string, unknown>[];
    const events = write(folder(), 'ev.json', `[${JSON.stringify({ ...first, occurredAt: -5 })}, ${JSON.stringify(first).replace(/"occurredAt":\d+/, '"occurredAt":99999999999999999')}]`);
    const r = await cli('simulate', '--criteria', CRITERIA, '--events', events);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${events}: events[0].occurredAt: must be epoch milliseconds from 0 (1970-01-01T00:00:00Z) to 253402300799999 (9999-12-31T23:59:59.999Z), got -5`);
    expect(r.err).toContain(`${events}: events[1].occurredAt: must be epoch milliseconds from 0`);
  });
});
