// A draft of the next version: the publish fields set by the service, the author's layout and comments kept, parsed as `validate` parses a file.
import { describe, expect, it } from 'vitest';
import { completeDraft, nextDraftText, readDraft } from '../../../src/core/criteria/draft.ts';

const LATEST = `# Ticket resolution: agreed with support, 2026-10
id: resolve
version: 2
name: Ticket resolved
owner: ops@example.com
effective_from: 2026-11-01
change_notes: two hours
object: ticket
trigger:
  property: agent_started_at # set by the agent
success: "stage = 'closed'"
within: 2h
price: { currency: USD, model: flat, unit_amount: "1.00" }
`;

describe('drafts', () => {
  it('starts the next version from the latest without its publish fields, comments kept', () => {
    const draft = nextDraftText(LATEST);
    expect(draft).not.toMatch(/^(version|effective_from|change_notes):/m);
    expect(draft).toContain('# Ticket resolution: agreed with support, 2026-10');
    expect(draft).toContain('property: agent_started_at # set by the agent');
  });

  it('sets the number, the effective time and the notes, and parses the result', () => {
    const done = completeDraft(nextDraftText(LATEST), { version: 3, effectiveFrom: Date.parse('2026-12-03T10:00:00Z'), changeNotes: 'three hours' });
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.version.criteria).toMatchObject({ id: 'resolve', version: 3, effectiveFrom: Date.parse('2026-12-03T10:00:00Z'), changeNotes: 'three hours', withinMs: 7_200_000 });
    expect(done.text).toMatch(/^effective_from: 2026-12-03T10:00:00.000Z$/m);
    expect(done.text).toContain('# set by the agent');
  });

  it('reads what a draft states, and refuses a list of versions or text that is not YAML', () => {
    expect(readDraft(LATEST)).toEqual({ ok: true, stated: { id: 'resolve', version: 2, effectiveFrom: '2026-11-01', changeNotes: 'two hours', timezone: null } });
    expect(readDraft('criteria:\n  - id: a\n')).toEqual({ ok: false, problems: [expect.objectContaining({ path: ['criteria'] })] });
    const broken = readDraft('id: [resolve\n');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.problems[0]).toMatchObject({ code: 'syntax', path: [expect.stringMatching(/^line \d+, column \d+$/)] });
  });
});

describe('drafts: what is refused, and what the publisher decides', () => {
  const DRAFT = nextDraftText(LATEST);
  const FIELDS = { version: 3, effectiveFrom: Date.parse('2026-12-03T10:00:00Z'), changeNotes: 'three hours' };

  it('refuses a draft that is not one mapping of fields, saying so', () => {
    for (const text of ['- id: resolve\n', 'just words\n']) {
      expect(readDraft(text)).toEqual({ ok: false, problems: [{ code: 'invalid_type', path: [], message: 'expected one criteria version (a mapping of fields)' }] });
    }
    expect(readDraft('criteria:\n  - id: a\n')).toEqual({
      ok: false,
      problems: [{ code: 'invalid_value', path: ['criteria'], message: 'a draft is one version: publish the versions of a `criteria:` list one at a time' }],
    });
  });

  it('refuses a key given twice, at its line', () => {
    const twice = readDraft('id: resolve\nid: other\n');
    expect(twice.ok).toBe(false);
    expect(!twice.ok && twice.problems).toEqual([expect.objectContaining({ code: 'syntax', path: ['line 2, column 1'] })]);
  });

  it('reads a publish field of the wrong type as not stated', () => {
    const stated = readDraft('id: 7\nversion: "3"\neffective_from: 5\nchange_notes: [a]\ntimezone: Europe/Paris\n');
    expect(stated).toEqual({ ok: true, stated: { id: null, version: null, effectiveFrom: null, changeNotes: null, timezone: 'Europe/Paris' } });
  });

  it('the publisher’s number, time and notes replace what the draft states', () => {
    const done = completeDraft(LATEST, FIELDS);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.version.criteria).toMatchObject({ version: 3, effectiveFrom: FIELDS.effectiveFrom, changeNotes: 'three hours' });
    expect(done.text).toMatch(/^version: 3$/m);
    expect(done.text).toMatch(/^change_notes: three hours$/m);
    expect(done.text).not.toContain('2026-11-01');
  });

  it('a draft that does not read, or is a list, is refused before anything is set', () => {
    const broken = completeDraft('id: [resolve\n', FIELDS);
    expect(!broken.ok && broken.problems.map((p) => p.code)).toEqual(['syntax']);
    expect(completeDraft('criteria:\n  - id: a\n', FIELDS)).toEqual({ ok: false, problems: [expect.objectContaining({ code: 'invalid_value', path: ['criteria'] })] });
  });

  it('an incomplete draft gets the problems validate gives, at the same paths', () => {
    const noPrice = completeDraft(DRAFT.replace(/^price:.*\n/m, ''), FIELDS);
    expect(noPrice).toEqual({ ok: false, problems: [expect.objectContaining({ path: ['price'] })] });
  });

  it('a latest text that is not a mapping is the draft as it is', () => {
    expect(nextDraftText('[a,   b]  # kept as typed\n')).toBe('[a,   b]  # kept as typed\n');
  });
});
