// The simulator's actions file (cli.md --actions): JSON array or JSON Lines, strict fields, every problem at its path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionJson, parseActionsText } from '../../../src/adapters/files/actions-file.ts';
import type { Action } from '../../../src/core/engine/input.ts';
import { formatProblem } from '../../../src/core/problems.ts';

const SHARED = join(import.meta.dirname, '../../../../shared/examples-next/dispute-credits/actions.json');
const BY = { userId: 7, email: 'ana@example.com' };
const OPEN = { type: 'open_dispute', at: '2026-11-20T09:00:00Z', by: BY, outcomeId: 'route:contact:101:2026-11-03#1', reason: 'Was already an MQL' };
const RESOLVE = { type: 'resolve_dispute', at: '2026-11-25T10:00:00+01:00', by: BY, outcomeId: 'route:contact:101:2026-11-03#1', resolution: 'upheld', note: 'Confirmed' };
const PAUSE = { type: 'pause', at: '2026-11-21T00:00:00Z', by: BY, criteriaId: 'route', note: 'Agent broken' };
const RESUME = { type: 'resume', at: '2026-11-22T00:00:00Z', by: BY, criteriaId: 'route', note: 'Fixed' };

const parse = (text: string) => parseActionsText(text, 'actions.json');
const actionsOf = (text: string): readonly Action[] => {
  const r = parse(text);
  if (!r.ok) throw new Error(r.problems.map((p) => formatProblem(p)).join('\n'));
  return r.actions;
};
/** Problems as printed: `actions[3].by.email: ...`. */
const problems = (text: string): string[] => {
  const r = parse(text);
  return r.ok ? [] : r.problems.map((p) => formatProblem(p));
};

describe('actions file: what it reads', () => {
  it('a JSON array of every action type, in the order given, times to epoch ms with their offsets', () => {
    const r = parse(JSON.stringify([OPEN, RESOLVE, PAUSE, RESUME]));
    expect(r).toMatchObject({ ok: true, format: 'json', locations: [['actions', 0], ['actions', 1], ['actions', 2], ['actions', 3]] });
    expect(r.ok && r.actions).toEqual([
      { ...OPEN, at: Date.parse('2026-11-20T09:00:00Z') },
      { ...RESOLVE, at: Date.parse('2026-11-25T09:00:00Z') },
      { ...PAUSE, at: Date.parse('2026-11-21T00:00:00Z') },
      { ...RESUME, at: Date.parse('2026-11-22T00:00:00Z') },
    ]);
  });

  it('JSON Lines: one action per line, blank lines skipped, each located by its line', () => {
    const r = parse(`${JSON.stringify(OPEN)}\n\n${JSON.stringify(PAUSE)}\r\n`);
    expect(r).toMatchObject({ ok: true, format: 'jsonl', locations: [['line 1'], ['line 3']] });
    expect(r.ok && r.actions.map((a) => a.type)).toEqual(['open_dispute', 'pause']);
  });

  it('a single line of JSON Lines, and an empty array', () => {
    expect(actionsOf(JSON.stringify(RESUME))).toHaveLength(1);
    expect(actionsOf('[]')).toEqual([]);
  });

  it('the shared worked example’s actions file', () => {
    const actions = actionsOf(readFileSync(SHARED, 'utf8'));
    expect(actions).toHaveLength(8);
    expect(actions[1]).toMatchObject({ type: 'resolve_dispute', resolution: 'upheld', by: { userId: 8 } });
  });

  it('blank reasons, notes and emails are read: refusing them is the core’s (contract §7), and does not stop a run', () => {
    expect(actionsOf(JSON.stringify([{ ...OPEN, reason: ' ' }, { ...PAUSE, note: '', by: { userId: 0, email: '' } }]))).toHaveLength(2);
  });

  it('written back as the file holds it: actionJson() reads back to the same actions', () => {
    const actions = actionsOf(JSON.stringify([OPEN, RESOLVE, PAUSE, RESUME]));
    expect(actionsOf(JSON.stringify(actions.map(actionJson)))).toEqual(actions);
    expect(actionJson(actions[1]!)).toEqual({ ...RESOLVE, at: '2026-11-25T09:00:00.000Z' });
  });
});

describe('actions file: every problem at once, each at its path', () => {
  it('lists every problem of every action, with its path', () => {
    const text = JSON.stringify([
      OPEN,
      { ...OPEN, by: { userId: '7', mail: 'a@example.com' } },
      { ...RESOLVE, resolution: 'maybe', note: undefined },
      { ...PAUSE, at: '2026-11-21' },
      { type: 'close' },
      'pause',
      { ...RESUME, criteriaId: 3, at: '2026-11-22T00:00:00' },
    ]);
    expect(problems(text)).toEqual([
      'actions[1].by.userId: expected a number, got "7"',
      'actions[1].by.email: is required',
      'actions[1].by.mail: unknown field (misspelt? every field name is part of the contract)',
      'actions[2].resolution: must be one of "upheld", "rejected", got "maybe"',
      'actions[2].note: is required',
      'actions[3].at: "2026-11-21" is not an ISO 8601 date-time with an offset (e.g. 2026-11-05T09:00:00Z)',
      'actions[4].type: must be one of open_dispute, resolve_dispute, pause, resume, got "close"',
      'actions[5]: expected an action object { type, at, by, ... }',
      'actions[6].at: "2026-11-22T00:00:00" is not an ISO 8601 date-time with an offset (e.g. 2026-11-05T09:00:00Z)',
      'actions[6].criteriaId: expected a text, got number 3',
    ]);
  });

  it.each([
    ['at the top', { ...OPEN, comment: 'x' }, 'actions[0].comment'],
    ['in by', { ...OPEN, by: { ...BY, name: 'Ana' } }, 'actions[0].by.name'],
    ['of another type (a note on an open_dispute)', { ...OPEN, note: 'x' }, 'actions[0].note'],
    ['of another type (an outcomeId on a pause)', { ...PAUSE, outcomeId: 'x' }, 'actions[0].outcomeId'],
  ])('an unknown field is an error: %s', (_name, action, path) => {
    expect(problems(JSON.stringify([action]))).toEqual([`${path}: unknown field (misspelt? every field name is part of the contract)`]);
  });

  it('a missing type, by, or a user id that is not a whole number', () => {
    const { type: _t, ...untyped } = OPEN;
    const { by: _b, ...nobody } = PAUSE;
    expect(problems(JSON.stringify([untyped, nobody, { ...RESUME, by: { userId: 1.5, email: 'a@example.com' } }]))).toEqual([
      'actions[0].type: is required: one of open_dispute, resolve_dispute, pause, resume',
      'actions[1].by: is required',
      'actions[2].by.userId: expected an integer, got number 1.5',
    ]);
  });

  it('JSON Lines: each problem names its line, syntax errors included, all at once', () => {
    const text = [JSON.stringify(OPEN), '{"type": "pause",', JSON.stringify({ ...PAUSE, note: 1 }), '[1]'].join('\n');
    expect(problems(text)).toEqual([
      'actions.json: invalid JSON at line 2, column 18: expected a property name in double quotes',
      'line 3.note: expected a text, got number 1',
      'line 4: expected an action object { type, at, by, ... }',
    ]);
  });

  it.each([
    ['an empty file', '', 'actions.json: is empty: expected a JSON array of actions, or JSON Lines (one action per line)'],
    ['a blank file', '  \n\t\n', 'actions.json: is empty: expected a JSON array of actions, or JSON Lines (one action per line)'],
    ['a JSON object over several lines', JSON.stringify(OPEN, null, 2), 'actions.json: expected a JSON array of actions, or JSON Lines (one action per line)'],
    ['a broken array', '[\n  {"type": "pause"},\n  oops\n]', 'actions.json: invalid JSON at line 3, column 3: unexpected character'],
  ])('%s is one problem at the file', (_name, text, problem) => {
    expect(problems(text)).toEqual([problem]);
  });
});
