// Contract §1, field by field: the exact problem `validate` prints for each field a criteria file gets wrong, at its path.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import { formatProblem } from '../../../src/core/problems.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

/** BASE_CRITERIA with overrides; a key set to undefined is left out of the file. */
const version = (o: Record<string, unknown>) => {
  const merged: Record<string, unknown> = { ...BASE_CRITERIA, ...o };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return merged;
};
/** Each problem as `validate` prints it, with its code: `code path: message`. */
const printed = (text: string) => {
  const r = parseCriteriaText(text);
  return r.ok ? [] : r.problems.map((p) => `${p.code} ${formatProblem(p)}`);
};
const lines = (o: Record<string, unknown>) => printed(stringify(version(o)));
const REASONS = '"insufficient_inputs", "policy_block", "third_party_failure", "duplicate_or_merge_required", "latency_breach", "human_review_fail"';

describe('§1 a required field that is missing is `required`, at its own path', () => {
  it.each([
    ['id', 'required id: is required'],
    ['version', 'required version: is required'],
    ['name', 'required name: is required'],
    ['owner', 'required owner: is required'],
    ['effective_from', 'required effective_from: is required'],
    ['object', 'required object: is required: one of "contact", "deal", "ticket"'],
    ['trigger', 'required trigger: is required'],
    ['success', 'required success: is required'],
    ['within', 'required within: is required'],
    ['price', 'required price: is required'],
  ])('%s', (field, line) => {
    expect(lines({ [field]: undefined })).toEqual([line]);
  });

  it('an empty mapping lists every required field at once, in the contract’s order', () => {
    expect(printed('{}\n').map((l) => l.split(':')[0])).toEqual(
      ['id', 'version', 'name', 'owner', 'effective_from', 'object', 'trigger', 'success', 'within', 'price'].map((f) => `required ${f}`),
    );
  });

  it('inside a trigger, a failure reason, an exclusion and a cap', () => {
    expect(lines({ trigger: {}, failure_reasons: [{}], exclude: [{}], cap: {} })).toEqual([
      'required trigger.property: is required',
      'required failure_reasons[0].if: is required',
      `required failure_reasons[0].reason: is required: one of ${REASONS}`,
      'required exclude[0].if: is required',
      'required exclude[0].label: is required',
      'required cap.max: is required',
    ]);
  });
});

describe('§1 each field’s own rule, in the words `validate` prints', () => {
  it.each([
    { field: 'id, not text', o: { id: 5 }, line: 'invalid_type id: expected a text, got number 5' },
    { field: 'id with an upper-case letter first', o: { id: 'Resolve' }, line: 'invalid_format id: must use only lower-case letters, digits and "-" (got "Resolve")' },
    { field: 'id with an underscore last', o: { id: 'resolve_' }, line: 'invalid_format id: must use only lower-case letters, digits and "-" (got "resolve_")' },
    { field: 'id empty', o: { id: '' }, line: 'invalid_format id: must use only lower-case letters, digits and "-" (got "")' },
    { field: 'version as text', o: { version: '2' }, line: 'invalid_type version: expected a number, got "2"' },
    { field: 'version 0', o: { version: 0 }, line: 'invalid_value version: must be a whole number, 1 or more (got 0)' },
    { field: 'version -1', o: { version: -1 }, line: 'invalid_value version: must be a whole number, 1 or more (got -1)' },
    { field: 'name, not text', o: { name: 3 }, line: 'invalid_type name: expected a text, got number 3' },
    { field: 'owner, only spaces', o: { owner: '   ' }, line: 'too_small owner: must not be empty' },
    { field: 'description, not text', o: { description: 4 }, line: 'invalid_type description: expected a text, got number 4' },
    { field: 'change_notes empty on version 1', o: { change_notes: '' }, line: 'too_small change_notes: must not be empty' },
    { field: 'change_notes, not text', o: { version: 2, change_notes: 5 }, line: 'invalid_type change_notes: expected a text, got number 5' },
    { field: 'object', o: { object: 'company' }, line: 'invalid_value object: must be one of "contact", "deal", "ticket", got "company"' },
    {
      field: 'timezone',
      o: { timezone: 'Mars/Olympus' },
      line: 'custom timezone: is not an IANA time zone name such as "UTC" or "Europe/Berlin" (a place, not an offset like "+02:00", so that daylight saving is followed)',
    },
    { field: 'timezone, not text', o: { timezone: 5 }, line: 'invalid_type timezone: expected a text, got number 5' },
    { field: 'trigger, not a mapping', o: { trigger: 'x' }, line: 'invalid_type trigger: expected a mapping of fields, got "x"' },
    { field: 'success, not text', o: { success: 5 }, line: 'invalid_type success: expected a text, got number 5' },
    { field: 'failure_reasons, not a list', o: { failure_reasons: 'x' }, line: 'invalid_type failure_reasons: expected a list, got "x"' },
    { field: 'a failure reason outside the taxonomy', o: { failure_reasons: [{ if: 'x', reason: 'nope' }] }, line: `invalid_value failure_reasons[0].reason: must be one of ${REASONS}, got "nope"` },
    { field: 'cap, not a mapping', o: { cap: 'x' }, line: 'invalid_type cap: expected a mapping of fields, got "x"' },
    { field: 'cap.max, not whole', o: { cap: { max: 1.5 } }, line: 'invalid_type cap.max: expected an integer, got number 1.5' },
    { field: 'cost_centre_property, not text', o: { cost_centre_property: 5 }, line: 'invalid_type cost_centre_property: expected a text, got number 5' },
  ])('$field', ({ o, line }) => {
    expect(lines(o)).toEqual([line]);
  });
});

describe('§1 property names are HubSpot internal names', () => {
  const NAME = (got: string) => `must be a HubSpot internal property name: letters, digits and underscores, not starting with a digit (got ${JSON.stringify(got)})`;

  it.each(['1st_touch', 'team-ids', 'team ids', 'teams.', ''])('%j is refused, on trigger.property and on cost_centre_property', (name) => {
    expect(lines({ trigger: { property: name }, cost_centre_property: name })).toEqual([`invalid_format trigger.property: ${NAME(name)}`, `invalid_format cost_centre_property: ${NAME(name)}`]);
  });

  it.each(['_private', 'Agent_Started_At9', 'x'])('%j is accepted', (name) => {
    const r = parseCriteriaText(stringify(version({ trigger: { property: name }, cost_centre_property: name })));
    expect(r.ok && [r.versions[0]!.criteria.trigger.property, r.versions[0]!.criteria.costCentreProperty]).toEqual([name, name]);
  });
});

describe('§1 every condition field says what is wrong and at which column', () => {
  it('each at its own path', () => {
    expect(
      lines({
        trigger: { property: 'p', when: 'a =' },
        fail_if: 'AND',
        approve_if: 'x ==',
        reject_if: '',
        failure_reasons: [{ if: 'a = 1 OR', reason: 'policy_block' }],
        exclude: [{ if: '(a = 1', label: 'l' }],
      }),
    ).toEqual([
      "custom trigger.when: expected a literal (quoted text or a number) after '=' at column 4",
      "custom fail_if: expected a condition, found 'AND' at column 1",
      expect.stringMatching(/^custom failure_reasons\[0\]\.if: .* at column 9$/),
      expect.stringMatching(/^custom exclude\[0\]\.if: .* at column 7$/),
      "custom approve_if: expected an operator after 'x', found '==' at column 3",
      'custom reject_if: expected a condition at column 1',
    ]);
  });
});

describe('§1 durations', () => {
  it.each(['within', 'retry_window', 'cooldown', 'review_window'])('%s that is not a duration names the text it got', (field) => {
    expect(lines({ [field]: '1.5h' })).toEqual([`custom ${field}: "1.5h" is not a duration: use an integer and a unit (s, m, h, d), e.g. "30m", or 0`]);
  });

  it('only within must be more than 0; the others may be 0', () => {
    expect(lines({ within: 0, retry_window: '0', cooldown: 0, review_window: '0' })).toEqual(['custom within: must be more than 0']);
    const r = parseCriteriaText(stringify(version({ retry_window: '0', cooldown: '0', review_window: '0' })));
    expect(r.ok && r.versions[0]!.criteria).toMatchObject({ retryWindowMs: 0, cooldownMs: 0, reviewWindowMs: 0 });
  });

  it('within: null is not "required": the field is there, with no duration in it', () => {
    expect(lines({ within: null })).toEqual(['custom within: expected a duration like "30s", "10m", "24h", "3d" or 0, got null']);
  });
});

describe('§1 change_notes when version is more than 1', () => {
  it('an empty change_notes on version 2 is both empty and missing, naming version 1', () => {
    expect(lines({ version: 2, change_notes: '' })).toEqual([
      'too_small change_notes: must not be empty',
      'required change_notes: is required when version is more than 1 (say what changed since version 1)',
    ]);
  });

  it('a version that is not a number asks for no change_notes: its own problem is enough', () => {
    expect(lines({ version: '3' })).toEqual(['invalid_type version: expected a number, got "3"']);
  });
});

describe('§1 effective_from', () => {
  it('a date that is not real says why, in the criteria time zone', () => {
    expect(lines({ effective_from: '2026-13-01', timezone: 'Europe/Berlin' })).toEqual([
      'invalid_format effective_from: "2026-13-01" is not a real date or time (you specified 13 (of type number) as a month, which is invalid)',
    ]);
  });

  it('a time zone that is not text is its own problem; the date is still read, in UTC', () => {
    expect(lines({ effective_from: '2026-11-01', timezone: 5 })).toEqual(['invalid_type timezone: expected a text, got number 5']);
    expect(lines({ effective_from: '2026-11-01', timezone: ['Asia/Tokyo'] })).toEqual(['invalid_type timezone: expected a text, got a list']);
    expect(lines({ effective_from: '2026-11-31', timezone: 'Nowhere/X' })).toEqual([
      expect.stringMatching(/^custom timezone: is not an IANA/),
      expect.stringMatching(/^invalid_format effective_from: "2026-11-31" is not a real date or time/),
    ]);
  });
});

describe('§1 a file with `criteria:` lists every problem at once', () => {
  it('a field beside `criteria:` does not hide the problems of the versions in the list', () => {
    const text = stringify({ criteria: [version({ within: '0' }), null, version({ id: 'other', owner: '' })], extra: 1 });
    expect(printed(text)).toEqual([
      'unknown_field extra: unknown field: a file with `criteria:` holds only that list',
      'custom criteria[0].within: must be more than 0',
      'invalid_type criteria[1]: expected a mapping of fields, got null',
      'too_small criteria[2].owner: must not be empty',
    ]);
  });

  it('the versions that passed their own checks still come back, for the set-wide rules only', () => {
    const r = parseCriteriaText(stringify({ criteria: [version({}), version({ version: 2, change_notes: 'x', effective_from: '2025-01-01' })], extra: 1 }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.compiled.map((v) => [v.path, v.criteria.version])).toEqual([
      [['criteria', 0], 1],
      [['criteria', 1], 2],
    ]);
  });
});

describe('§1 text that cannot be read as YAML: where it breaks, without yaml’s code frame', () => {
  it('names the line and column, however far into the file', () => {
    const text = `${Array.from({ length: 11 }, (_, i) => `k${i}: ${i}`).join('\n')}\nflags: { aaaaaaaaaa: 1, aaaaaaaaaa: 2 }\n`;
    expect(printed(text)).toEqual(['syntax line 12, column 25: Map keys must be unique']);
  });

  it('lists every break it finds', () => {
    expect(printed('- a\nb: c')).toEqual([
      'syntax line 2, column 1: Unexpected scalar at node end',
      'syntax line 2, column 2: Unexpected map-value-ind token in YAML stream: ":"',
      'syntax line 2, column 4: Unexpected scalar token in YAML stream: "c"',
    ]);
  });

  it('a second document is refused: a file is one criteria version or one list', () => {
    expect(printed(`${stringify(BASE_CRITERIA)}---\n${stringify(BASE_CRITERIA)}`)).toEqual([
      expect.stringMatching(/^syntax line \d+, column 1: Source contains multiple documents/),
    ]);
  });

  it('an alias with no anchor before it is said as such, not as too many aliases', () => {
    expect(printed(`${stringify(BASE_CRITERIA)}description: *notes\n`)).toEqual(['syntax (file): Unresolved alias (the anchor must be set before the alias): notes']);
  });
});
