// `simulate --actions` (cli.md): operator actions replayed with the signals; a refused action is one line on
// stderr and the run goes on (exit 0); a bad actions file lists every problem and simulates nothing (exit 1).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.ts';

const EXAMPLE = join(import.meta.dirname, '../../../shared/examples-next/dispute-credits');
const BY = { userId: 7, email: 'ana@example.com' };

const file = (name: string, content: string): string => tempFile(name, content, 'ob-actions-');

const simulateArgs = (actions: string, ...more: string[]) => [
  'simulate',
  '--criteria', join(EXAMPLE, 'criteria.yaml'),
  '--events', join(EXAMPLE, 'events.json'),
  '--records', join(EXAMPLE, 'records.json'),
  '--actions', actions,
  ...more,
];

/** The example's actions, then (as JSON Lines) a pause, a paused press's resume, and two actions that do not apply. */
function actionsWithRefusals(): string {
  const example = JSON.parse(readFileSync(join(EXAMPLE, 'actions.json'), 'utf8')) as object[];
  const extra = [
    { type: 'pause', at: '2026-11-03T09:00:00Z', by: BY, criteriaId: 'route', note: 'Checking the agent.' },
    { type: 'open_dispute', at: '2026-11-03T09:30:00Z', by: BY, outcomeId: 'route:contact:101:2026-11-03#1', reason: 'Too early.' },
    { type: 'resume', at: '2026-11-03T10:00:00Z', by: BY, criteriaId: 'route', note: 'Fine.' },
    { type: 'pause', at: '2026-12-01T00:00:00Z', by: BY, criteriaId: 'routing', note: 'Typo in the id.' },
  ];
  return file('actions.jsonl', [...example, ...extra].map((a) => JSON.stringify(a)).join('\n'));
}

describe('simulate --actions', () => {
  it('a refused action is one line on stderr (where, time, type, target, reason); the run goes on, exit 0', async () => {
    const path = actionsWithRefusals();
    const r = await cli(...simulateArgs(path, '--format', 'json'));
    expect(r.code).toBe(0);
    // The press at the resume's instant (101 at 10:00) was paused: 101 has no outcome, so the example's
    // disputes of it are refused too. Refusals come in the order the actions were taken, not the file's.
    const outcome101 = 'route:contact:101:2026-11-03#1';
    expect(r.err.split('\n')).toEqual([
      `${path}: line 10: refused: 2026-11-03T09:30:00.000Z open_dispute ${outcome101}: no outcome ${outcome101} on this record`,
      `${path}: line 1: refused: 2026-11-20T09:00:00.000Z open_dispute ${outcome101}: no outcome ${outcome101} on this record`,
      `${path}: line 2: refused: 2026-11-25T09:00:00.000Z resolve_dispute ${outcome101}: no outcome ${outcome101} on this record`,
      `${path}: line 12: refused: 2026-12-01T00:00:00.000Z pause routing: no criteria routing`,
    ]);
    const doc = JSON.parse(r.out);
    expect(doc.outcomes).toHaveLength(4);
    expect(doc.summary).toMatchObject({ presses: 5, paused: 1, attempts: 4 });
    expect(doc.input.actions).toBe(12);
    expect(doc.input.refused.map((x: { where: string; code: string }) => [x.where, x.code])).toEqual([
      ['line 10', 'unknown_outcome'], ['line 1', 'unknown_outcome'], ['line 2', 'unknown_outcome'], ['line 12', 'unknown_criteria'],
    ]);
  });

  it('the worked example: disputes in the outcome JSON in cli.md’s shape, credits on the invoice, nothing refused', async () => {
    const r = await cli(...simulateArgs(join(EXAMPLE, 'actions.json'), '--format', 'json'));
    expect(r).toMatchObject({ code: 0, err: '' });
    const doc = JSON.parse(r.out);
    const o = doc.outcomes.find((x: { outcomeId: string }) => x.outcomeId === 'route:contact:102:2026-11-03#1');
    expect(Object.keys(o.dispute)).toEqual(['state', 'openedAt', 'openedBy', 'reason', 'resolvedAt', 'resolvedBy', 'note']);
    expect(o).toMatchObject({ overLimit: false, agentId: 'userId:1', costCentre: null });
    expect(doc.invoice.map((l: { kind: string; creditFor?: string }) => [l.kind, l.creditFor ?? null])).toEqual([
      ['charge', null], ['credit', '2026-11'], ['charge', null], ['credit', '2026-11'], ['credit', '2026-12'],
    ]);
    expect(doc.summary).toMatchObject({ paused: 0, credited: 3 });
  });

  it('the table shows each outcome’s dispute, the paused presses and the refused count', async () => {
    const r = await cli(...simulateArgs(actionsWithRefusals()));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DISPUTE/);
    expect(r.out).toMatch(/route:contact:102:2026-11-03#1 .* rejected 2026-12-16/);
    expect(r.out).toMatch(/route:contact:103:2026-11-03#1 .*credited .* 2026-11 +upheld 2026-12-02/);
    expect(r.out).toMatch(/route:contact:104:2026-11-03#1 .*billable .* 2026-11 +-$/m);
    expect(r.out).toMatch(/Presses 5 \(suppressed 0, duplicates 0, paused 1\)/);
    expect(r.out).toMatch(/12 actions, 4 refused/);
  });

  it('a bad actions file: every problem with its path, exit 1, nothing simulated', async () => {
    const path = file('actions.json', JSON.stringify([
      { type: 'open_dispute', at: '2026-11-20', by: { userId: 7 }, outcomeId: 'x', reason: 'r' },
      { type: 'resolve_dispute', at: '2026-11-20T09:00:00Z', by: BY, outcomeId: 'x', resolution: 'yes', note: 'n', extra: true },
    ]));
    const r = await cli(...simulateArgs(path));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([
      `${path}: actions[0].at: "2026-11-20" is not an ISO 8601 date-time with an offset (e.g. 2026-11-05T09:00:00Z)`,
      `${path}: actions[0].by.email: is required`,
      `${path}: actions[1].resolution: must be one of "upheld", "rejected", got "yes"`,
      `${path}: actions[1].extra: unknown field (misspelt? every field name is part of the contract)`,
      '4 problems: nothing was simulated',
    ]);
  });

  it('an actions file that cannot be read is a problem like any other input', async () => {
    const r = await cli(...simulateArgs('/nonexistent/actions.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\/nonexistent\/actions\.json: /);
  });

  it('--help names --actions', async () => {
    const r = await cli('simulate', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[--actions <file>\]/);
    expect(r.out).toMatch(/--actions <file> +operator actions/);
  });
});
