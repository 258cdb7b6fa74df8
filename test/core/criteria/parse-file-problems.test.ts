// Contract §1: what each refused criteria file reports, as a whole list (code, path, the gist of the message).
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

const problemsOf = (text: string) => {
  const r = parseCriteriaText(text);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};
const doc = (o: Record<string, unknown>) => stringify({ ...BASE_CRITERIA, ...o });
const says = (text: string) => expect.stringContaining(text);

describe('§1 every problem of a refused file, each at its path', () => {
  it.each([
    { rule: 'a version > 1 without change_notes', text: doc({ version: 3 }), problems: [{ code: 'required', path: ['change_notes'], message: says('required when version is more than 1') }] },
    { rule: 'a time zone that is not an IANA name', text: doc({ timezone: 'Mars/Olympus' }), problems: [{ code: 'custom', path: ['timezone'], message: says('IANA time zone') }] },
    { rule: 'an empty name', text: doc({ name: '  ' }), problems: [{ code: 'too_small', path: ['name'], message: 'must not be empty' }] },
    { rule: 'an empty exclude label', text: doc({ exclude: [{ if: 'x', label: '' }] }), problems: [{ code: 'too_small', path: ['exclude', 0, 'label'], message: 'must not be empty' }] },
    { rule: 'a trigger property HubSpot would not name so', text: doc({ trigger: { property: 'agent-started' } }), problems: [{ code: 'invalid_format', path: ['trigger', 'property'], message: says('agent-started') }] },
    { rule: 'a condition that does not parse, with its column', text: doc({ success: "stage = 'closed' AND" }), problems: [{ code: 'custom', path: ['success'], message: 'expected a value after AND at column 21' }] },
    { rule: 'within 0', text: doc({ within: '0' }), problems: [{ code: 'custom', path: ['within'], message: 'must be more than 0' }] },
    { rule: 'within as a number', text: doc({ within: 30 }), problems: [{ code: 'custom', path: ['within'], message: says('got the number 30') }] },
    { rule: 'a duration that is not one', text: doc({ retry_window: '10 min' }), problems: [{ code: 'custom', path: ['retry_window'], message: says('"10 min" is not a duration') }] },
    { rule: 'cooldown may be 0', text: doc({ cooldown: '0', review_window: 0, name: '' }), problems: [{ code: 'too_small', path: ['name'], message: 'must not be empty' }] },
    { rule: 'effective_from without an offset', text: doc({ effective_from: '2026-11-01T00:00:00' }), problems: [{ code: 'invalid_format', path: ['effective_from'], message: says('with an offset') }] },
    { rule: 'effective_from on no real day', text: doc({ effective_from: '2026-02-30' }), problems: [{ code: 'invalid_format', path: ['effective_from'], message: says('not a real date') }] },
    { rule: 'effective_from with a bad time zone: only the zone is wrong', text: doc({ effective_from: '2026-11-01', timezone: 'Nowhere/X' }), problems: [{ code: 'custom', path: ['timezone'], message: says('IANA') }] },
    { rule: 'effective_from that is not text', text: doc({ effective_from: 5 }), problems: [{ code: 'invalid_type', path: ['effective_from'], message: 'expected a text, got number 5' }] },
    {
      rule: 'cap: max, per and period each',
      text: doc({ cap: { max: 0, period: 'hour', per: 'portal' } }),
      problems: [
        { code: 'too_small', path: ['cap', 'max'], message: 'must be more than 0' },
        { code: 'invalid_value', path: ['cap', 'per'], message: 'must be one of "record", got "portal"' },
        { code: 'invalid_value', path: ['cap', 'period'], message: 'must be one of "day", "week", "month", got "hour"' },
      ],
    },
    { rule: 'billing_period other than month', text: doc({ billing_period: 'year' }), problems: [{ code: 'invalid_value', path: ['billing_period'], message: 'must be one of "month", got "year"' }] },
    { rule: 'on_timeout other than confirm or reject', text: doc({ on_timeout: 'maybe' }), problems: [{ code: 'invalid_value', path: ['on_timeout'], message: 'must be one of "confirm", "reject", got "maybe"' }] },
    {
      rule: 'idempotency_period other than the five',
      text: doc({ idempotency_period: 'year' }),
      problems: [{ code: 'invalid_value', path: ['idempotency_period'], message: 'must be one of "hour", "day", "week", "month", "none", got "year"' }],
    },
    { rule: 'an unknown field', text: doc({ retry_windw: '1h' }), problems: [{ code: 'unknown_field', path: ['retry_windw'], message: says('unknown field') }] },
    { rule: 'a list of versions', text: '- 1\n- 2\n', problems: [{ code: 'invalid_type', path: [], message: says('`criteria:` with a list') }] },
    { rule: 'a plain text', text: 'hello\n', problems: [{ code: 'invalid_type', path: [], message: says('a criteria version') }] },
    { rule: 'an empty file', text: '', problems: [{ code: 'invalid_type', path: [], message: says('a criteria version') }] },
    { rule: 'an empty criteria list', text: 'criteria: []\n', problems: [{ code: 'too_small', path: ['criteria'], message: 'expected a list of one or more criteria versions' }] },
    { rule: 'criteria that is not a list', text: 'criteria: x\n', problems: [{ code: 'invalid_type', path: ['criteria'], message: 'expected a list of one or more criteria versions' }] },
    {
      rule: 'other fields beside criteria, each',
      text: stringify({ criteria: [BASE_CRITERIA], extra: 1, more: 2 }),
      problems: [
        { code: 'unknown_field', path: ['extra'], message: 'unknown field: a file with `criteria:` holds only that list' },
        { code: 'unknown_field', path: ['more'], message: 'unknown field: a file with `criteria:` holds only that list' },
      ],
    },
    {
      rule: 'other fields beside an empty criteria list, and the list',
      text: stringify({ criteria: [], extra: 1 }),
      problems: [
        { code: 'unknown_field', path: ['extra'], message: says('holds only that list') },
        { code: 'too_small', path: ['criteria'], message: says('one or more') },
      ],
    },
    { rule: 'an entry that is not a mapping', text: stringify({ criteria: [BASE_CRITERIA, 'x'] }), problems: [{ code: 'invalid_type', path: ['criteria', 1], message: 'expected a mapping of fields, got "x"' }] },
    {
      rule: 'problems of several entries, each at its index',
      text: stringify({ criteria: [{ ...BASE_CRITERIA, within: '0' }, { ...BASE_CRITERIA, version: 2, change_notes: 'x', owner: '' }] }),
      problems: [
        { code: 'custom', path: ['criteria', 0, 'within'], message: 'must be more than 0' },
        { code: 'too_small', path: ['criteria', 1, 'owner'], message: 'must not be empty' },
      ],
    },
  ])('$rule', ({ text, problems }) => {
    expect(problemsOf(text)).toEqual(problems);
  });

  it('a YAML syntax error names its line and column, without yaml’s code frame', () => {
    expect(problemsOf('a: 1\na: 2\n')).toEqual([{ code: 'syntax', path: ['line 2, column 1'], message: 'Map keys must be unique' }]);
  });

  it('a file that expands YAML aliases without bound is refused as a problem, not a crash', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    expect(problemsOf(lines.join('\n'))).toEqual([
      { code: 'syntax', path: ['(file)'], message: 'uses YAML aliases (*name) more than 100 times: write the values out instead' },
    ]);
  });
});

describe('§1 a valid file compiles every field', () => {
  it('optional fields default to null or empty, given ones are kept', () => {
    const r = parseCriteriaText(
      doc({
        description: 'Tickets the agent resolves.',
        version: 2,
        change_notes: 'Cap added.',
        trigger: { property: 'agent_started_at', when: "agent_action = 'resolve'" },
        fail_if: "agent_status = 'error'",
        approve_if: "billing_review = 'approved'",
        reject_if: "billing_review = 'rejected'",
        failure_reasons: [{ if: 'company IS UNKNOWN', reason: 'insufficient_inputs' }],
        exclude: [{ if: 'spam', label: 'spam' }],
        cap: { max: 2 },
        on_timeout: 'reject',
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const [v] = r.versions;
    expect(v!.path).toEqual([]);
    expect(v!.criteria).toMatchObject({
      id: 'resolve',
      version: 2,
      name: 'Ticket resolved',
      description: 'Tickets the agent resolves.',
      owner: 'ops@example.com',
      changeNotes: 'Cap added.',
      object: 'ticket',
      onTimeout: 'reject',
      cap: { max: 2, per: 'record', period: 'day' },
      failureReasons: [{ reason: 'insufficient_inputs' }],
      exclude: [{ label: 'spam' }],
      price: { currency: 'USD', model: 'flat', unitMinor: 100n },
    });
    for (const [field, source] of [
      ['failIf', "agent_status = 'error'"],
      ['approveIf', "billing_review = 'approved'"],
      ['rejectIf', "billing_review = 'rejected'"],
    ] as const) {
      expect(v!.criteria[field]?.source).toBe(source);
    }
    expect(v!.criteria.trigger).toMatchObject({ property: 'agent_started_at', when: { source: "agent_action = 'resolve'" } });
  });

  it('a version without the optional fields has them null', () => {
    const r = parseCriteriaText(doc({}));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.versions[0]!.criteria).toMatchObject({ description: null, changeNotes: null, failIf: null, approveIf: null, rejectIf: null, cap: null, failureReasons: [], exclude: [], trigger: { when: null } });
  });

  it('the canonical text of a version does not depend on the order of its keys or the file’s layout', () => {
    const a = parseCriteriaText(stringify({ ...BASE_CRITERIA, trigger: { property: 'p', when: 'x' } }));
    const b = parseCriteriaText(JSON.stringify(Object.fromEntries(Object.entries({ ...BASE_CRITERIA, trigger: { when: 'x', property: 'p' } }).reverse())));
    const c = parseCriteriaText(stringify({ ...BASE_CRITERIA, within: '2h' }));
    if (!a.ok || !b.ok || !c.ok) throw new Error('invalid');
    expect(a.versions[0]!.canonical).toBe(b.versions[0]!.canonical);
    expect(a.versions[0]!.canonical).not.toBe(c.versions[0]!.canonical);
    expect(JSON.parse(a.versions[0]!.canonical)).toMatchObject({ trigger: { property: 'p', when: 'x' }, within: '1h' });
    expect(Object.keys(JSON.parse(a.versions[0]!.canonical) as object)).toEqual(Object.keys(JSON.parse(a.versions[0]!.canonical) as object).sort());
  });

  it('versions in a list carry their path', () => {
    const r = parseCriteriaText(stringify({ criteria: [BASE_CRITERIA, { ...BASE_CRITERIA, id: 'other' }] }));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.versions.map((v) => v.path)).toEqual([
      ['criteria', 0],
      ['criteria', 1],
    ]);
  });
});
