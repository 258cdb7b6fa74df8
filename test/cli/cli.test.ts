// The outcome-billing command as cli.md specifies it: exit codes, every problem on stderr, help, and the real bin.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BASE_CRITERIA } from '../support/scenario.ts';
import { cli, tempFile } from '../support/cli.ts';

const SHARED = join(import.meta.dirname, '../../../shared/examples/ticket-resolved');
const ROOT = join(import.meta.dirname, '../..');

const file = (name: string, content: string): string => tempFile(name, content, 'ob-cli-');

describe('outcome-billing (cli.md)', () => {
  it('validate: one line per version, exit 0', async () => {
    const r = await cli('validate', join(SHARED, 'criteria.yaml'));
    expect(r).toMatchObject({ code: 0, out: 'ticket-resolved v1 (ticket), effective 2026-10-01' });
  });

  it('validate: an invalid file lists every problem with its path and column, exit 1', async () => {
    const bad = file('bad.yaml', stringify({ ...BASE_CRITERIA, success: "stage = 'closed' AND ", within: '0', retry_windw: '1h' }));
    const r = await cli('validate', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}: success: expected a value after AND at column 22`);
    expect(r.err).toContain(`${bad}: within: must be more than 0`);
    expect(r.err).toContain(`${bad}: retry_windw: unknown field`);
    expect(r.err).toMatch(/3 problems: nothing was applied/);
  });

  it('validate: a condition nested thousands deep is one more problem, at its column, exit 1', async () => {
    const deep = `${'('.repeat(3_000)}stage = 'closed'${')'.repeat(3_000)}`;
    const bad = file('deep.yaml', stringify({ ...BASE_CRITERIA, success: deep, fail_if: `x = 1 OR ${'NOT '.repeat(65)}y`, within: '0' }));
    const r = await cli('validate', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}: success: nested too deep: at most 64 levels of parentheses and NOT at column 65`);
    expect(r.err).toContain(`${bad}: fail_if: nested too deep: at most 64 levels of parentheses and NOT at column ${10 + 4 * 64}`);
    expect(r.err).toContain(`${bad}: within: must be more than 0`);
    expect(r.err).toMatch(/3 problems: nothing was applied/);
  });

  it('validate: a version defined twice across files is caught', async () => {
    const a = file('a.yaml', stringify(BASE_CRITERIA));
    const b = file('b.yaml', stringify(BASE_CRITERIA));
    const r = await cli('validate', a, b);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/resolve v1 is defined twice/);
  });

  it.each([
    [['validate'], /needs at least one criteria file/],
    [['simulate', '--events', 'x.json'], /needs --criteria/],
    [['simulate', '--criteria', 'c.yaml', '--events', 'e.json', '--format', 'xml'], /--format must be table or json/],
    [['simulate', '--criteria', 'c.yaml', '--events', 'e.json', '--until', '2026-11-03 10:00'], /--until: .* is not an ISO 8601 date-time with an offset/],
    [['simulate', '--criteria', 'c.yaml', '--events', 'e.json', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage error %j: exit 2 with what was wrong', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('--help: exit 0 for every command', async () => {
    for (const args of [['--help'], ['validate', '--help'], ['simulate', '--help'], ['ledger', '--help']]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: outcome-billing/);
    }
  });

  it('simulate: bad events and records are all listed at once, exit 1, nothing simulated', async () => {
    const events = file('events.json', JSON.stringify([{ eventId: 1, subscriptionId: 1, portalId: 1, subscriptionType: 'ticket.propertyChange', objectId: 1, propertyName: 'x' }, { eventId: 'two' }]));
    const records = file('records.json', JSON.stringify([{ objectType: 'company', id: '1', properties: {} }]));
    const r = await cli('simulate', '--criteria', join(SHARED, 'criteria.yaml'), '--events', events, '--records', records);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/events\[0\]\.occurredAt/);
    expect(r.err).toMatch(/events\[1\]\.eventId/);
    expect(r.err).toMatch(/records\[0\]\.objectType/);
    expect(r.err).toMatch(/nothing was simulated/);
  });

  it('simulate --until is inclusive and leaves unsettled outcomes pending', async () => {
    const r = await cli('simulate', '--criteria', join(SHARED, 'criteria.yaml'), '--events', join(SHARED, 'events.json'), '--records', join(SHARED, 'records.json'), '--format', 'json', '--until', '2026-11-03T12:00:00Z');
    const doc = JSON.parse(r.out);
    expect(doc.outcomes.map((o: { status: string }) => o.status)).toEqual(['open', 'in_review', 'not_billable', 'not_billable']);
    expect(doc.outcomes[2]).toMatchObject({ reason: 'policy_block', settledAt: '2026-11-03T12:00:00.000Z' });
    expect(doc.input.until).toBe('2026-11-03T12:00:00.000Z');
  });

  it('the real bin runs on the pinned Node through npx, with the exit code of the command', async () => {
    const run = promisify(execFile);
    const ok = await run('npx', ['outcome-billing', 'validate', join(SHARED, 'criteria.yaml')], { cwd: ROOT });
    expect(ok.stdout.trim()).toBe('ticket-resolved v1 (ticket), effective 2026-10-01');
    await expect(run('npx', ['outcome-billing', 'simulate'], { cwd: ROOT })).rejects.toMatchObject({ code: 2 });
  }, 30_000);
});
