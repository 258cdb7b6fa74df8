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
