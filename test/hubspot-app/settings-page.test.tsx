// The settings page's states, list, editor, publish and pause, rendered with HubSpot's createRenderer against a stand-in for hubspot.fetch.
import { Alert, Button, EmptyState, ErrorState, Input, LoadingSpinner, TableCell, TableRow, Tag, Text, TextArea, Tile } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CriteriaEntry, CriteriaList, DraftCheck } from '../../hubspot-app/src/app/settings/api/schema.ts';
import { readField, writeField } from '../../hubspot-app/src/app/settings/words/draft-fields.ts';
import { NOT_AN_EDITOR, NOT_A_RESOLVER } from '../../hubspot-app/src/app/settings/words/messages.ts';
import { answer, BASE, calls } from './card-fixtures.ts';

const fetchMock = vi.hoisted(() => vi.fn());
vi.mock('@hubspot/ui-extensions', async (importOriginal) => {
  const original = await importOriginal<typeof import('@hubspot/ui-extensions')>();
  return { ...original, hubspot: { ...original.hubspot, fetch: fetchMock } };
});

const { SettingsPage } = await import('../../hubspot-app/src/app/settings/components/settings-page.tsx');

const DRAFT = "id: resolve\nname: Ticket resolved\nobject: ticket\ntrigger:\n  property: agent_started_at\nsuccess: \"stage = 'closed'\"\nwithin: 3h\n";

function entry(over: Partial<CriteriaEntry> = {}): CriteriaEntry {
  return {
    id: 'resolve',
    name: 'Ticket resolved',
    object: 'ticket',
    paused: null,
    nextVersion: 3,
    draft: DRAFT,
    versions: [
      { version: 2, state: 'scheduled', name: 'Ticket resolved', owner: 'ops@example.com', effectiveFrom: '2027-01-01T00:00:00.000Z', changeNotes: 'three hours', source: 'hubspot', file: null, publishedBy: { userId: 7, email: 'ed@example.com' }, publishedAt: '2026-12-03T10:00:00.000Z', text: `${DRAFT}version: 2\n` },
      { version: 1, state: 'in_force', name: 'Ticket resolved', owner: 'ops@example.com', effectiveFrom: '2026-01-01T00:00:00.000Z', changeNotes: null, source: 'file', file: 'criteria/resolve.yaml', publishedBy: null, publishedAt: null, text: 'id: resolve\nversion: 1\nwithin: 1h\n' },
    ],
    ...over,
  };
}

const list = (over: Partial<CriteriaList> = {}): CriteriaList => ({ now: '2026-12-03T10:00:00.000Z', canPublish: true, canPause: true, criteria: [entry()], ...over });
const valid = (over: Partial<DraftCheck> = {}): DraftCheck => ({ valid: true, nextVersion: 3, problems: [], conflict: null, uncovered: [], advice: null, ...over });

/** The service stand-in: answers per route; `lists` are the successive answers to GET /ui/criteria. */
function serve(routes: { lists?: unknown[]; check?: (body: Record<string, unknown>) => unknown; publish?: Response; pause?: Response }) {
  const lists = [...(routes.lists ?? [answer(200, list())])];
  fetchMock.mockImplementation(async (url: string, options: { method?: string; body?: Record<string, unknown> }) => {
    const path = new URL(url).pathname;
    if (path === '/ui/criteria') return lists.length > 1 ? lists.shift() : lists[0];
    if (path === '/ui/criteria/validate') return answer(200, routes.check ? routes.check(options.body ?? {}) : valid());
    if (path === '/ui/criteria/publish') return routes.publish ?? answer(500, {});
    if (path === '/ui/pauses') return routes.pause ?? answer(500, {});
    throw new Error(`unexpected call ${options.method} ${url}`);
  });
}

function renderPage(variables: Record<string, string> = { BACKEND_URL: BASE }) {
  const renderer = createRenderer('settings');
  const context = { ...renderer.mocks.context, variables, portal: { ...renderer.mocks.context.portal, id: 123, timezone: 'UTC' } };
  renderer.render(<SettingsPage context={context} />);
  return renderer;
}
type Renderer = ReturnType<typeof renderPage>;

const change = (node: { trigger: (event: 'onChange', arg?: never) => void }, value: string) => node.trigger('onChange', value as never);

async function openEditor(r: Renderer): Promise<void> {
  await r.waitFor(() => r.findByTestId(Button, 'draft-resolve'));
  r.findByTestId(Button, 'draft-resolve').trigger('onClick');
  await r.waitFor(() => r.findByTestId(Input, 'field-within'));
}

beforeEach(() => {
  fetchMock.mockReset();
  // A page left mounted by an earlier test may still call (a debounced check): it gets no answer, as when offline, not undefined.
  fetchMock.mockImplementation(() => Promise.reject(new Error('no answer set up for this call')));
});

describe('the settings page: states', () => {
  it('shows a spinner while loading, then an error with a retry that reads again', async () => {
    serve({ lists: [answer(503, { error: { code: 'store_unavailable', message: 'Redis is down' } }), answer(200, list())] });
    const r = renderPage();
    expect(r.findByTestId(LoadingSpinner, 'settings-loading').props.label).toBe('Loading the criteria…');
    await r.waitFor(() => r.findByTestId(ErrorState, 'settings-failed'));
    expect(r.findByTestId(ErrorState, 'settings-failed').props.title).toBe("The billing service can't be reached");
    r.findByTestId(Button, 'settings-retry').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Tile, 'criteria-resolve'));
    expect(calls(fetchMock).map((c) => [c.method, c.url.pathname])).toEqual([
      ['GET', '/ui/criteria'],
      ['GET', '/ui/criteria'],
    ]);
  });

  it('says there are no criteria yet, and where the first come from', async () => {
    serve({ lists: [answer(200, list({ criteria: [] }))] });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(EmptyState, 'settings-empty'));
    expect(r.findByTestId(EmptyState, 'settings-empty').find(Text).text).toMatch(/CRITERIA_PATH/);
  });

  it('says so when the app was uploaded without a service address', () => {
    const r = renderPage({});
    expect(r.findByTestId(ErrorState, 'no-backend').props.title).toBe('This page does not know where the billing service is');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('the settings page: the list', () => {
  it('lists each version with its state, origin and change notes, its full text one click away', async () => {
    serve({});
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Tile, 'criteria-resolve'));
    const rows = r.findAll(TableRow).slice(1).map((row) => row.findAll(TableCell).map((c) => c.text ?? c.maybeFind(Tag)?.text ?? c.maybeFind(Button)?.text));
    expect(rows).toEqual([
      ['v2', 'Scheduled', 'Jan 1, 2027, 12:00 AM', 'ops@example.com', 'Published by ed@example.com on Dec 3, 2026, 10:00 AM', 'three hours', 'Show text'],
      ['v1', 'In force', 'Jan 1, 2026, 12:00 AM', 'ops@example.com', 'From the file criteria/resolve.yaml', '—', 'Show text'],
    ]);
    expect(r.maybeFindByTestId(Tile, 'text-resolve-v1')).toBeNull();
    r.findByTestId(Button, 'show-resolve-v1').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Tile, 'text-resolve-v1'));
    expect(r.findByTestId(Tile, 'text-resolve-v1').findAll(Text).map((t) => t.text)).toContain('id: resolve\nversion: 1\nwithin: 1h\n');
  });
});

describe('the settings page: the editor', () => {
  it('is prefilled from the latest version and shows each problem the service finds at its field', async () => {
    const bodies: Record<string, unknown>[] = [];
    serve({
      check: (body) => {
        bodies.push(body);
        return valid({
          valid: false,
          nextVersion: null,
          problems: [
            { code: 'invalid_value', path: ['within'], field: 'within', message: 'must be more than 0', line: 'within: must be more than 0' },
            { code: 'required', path: ['change_notes'], field: 'change_notes', message: 'are required', line: 'change_notes: are required' },
            { code: 'syntax', path: ['trigger', 'when'], field: 'trigger', message: 'expected a value after AND at column 9', line: 'trigger.when: expected a value after AND at column 9' },
          ],
        });
      },
    });
    const r = renderPage();
    await openEditor(r);
    expect(r.findByTestId(Input, 'field-within').props.value).toBe('3h');
    expect(r.findByTestId(Input, 'field-success').props.value).toBe("stage = 'closed'");
    change(r.findByTestId(Input, 'field-within'), '0');
    await r.waitFor(() => expect(r.findByTestId(Input, 'field-within').props).toMatchObject({ error: true, validationMessage: 'within: must be more than 0' }), { timeoutInMs: 3_000 });
    expect(r.findByTestId(TextArea, 'field-change_notes').props.validationMessage).toBe('change_notes: are required');
    expect(r.findByTestId(TextArea, 'field-text').props.validationMessage).toBe('trigger.when: expected a value after AND at column 9');
    expect(r.findByTestId(Input, 'field-success').props.error).toBeUndefined();
    expect(bodies.at(-1)).toEqual({ text: DRAFT.replace('within: 3h', 'within: "0"'), changeNotes: '', effectiveFrom: null });
    expect(r.findByTestId(Input, 'field-trigger.property').props.value).toBe('agent_started_at');
  });

  it('shows the draft check as it goes: valid with the next number, a version that exists, and a check the service could not make', async () => {
    let reply = () => answer(200, valid());
    serve({});
    const served = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (url: string, options: unknown) => (new URL(url).pathname === '/ui/criteria/validate' ? reply() : served(url, options)));
    const r = renderPage();
    await openEditor(r);
    await r.waitFor(() => r.findByTestId(Text, 'draft-valid'), { timeoutInMs: 3_000 });
    expect(r.findByTestId(Text, 'draft-valid').text).toBe('The draft is valid: it would be published as version 3.');
    reply = () => answer(200, valid({ valid: false, nextVersion: null, conflict: { message: 'resolve@3 is in criteria/resolve.yaml already', sources: ['criteria/resolve.yaml'] } }));
    change(r.findByTestId(Input, 'field-within'), '2h');
    await r.waitFor(() => r.findByTestId(Alert, 'draft-conflict'), { timeoutInMs: 3_000 });
    expect(r.findByTestId(Alert, 'draft-conflict').text).toContain('resolve@3 is in criteria/resolve.yaml already');
    expect(r.maybeFindByTestId(Text, 'draft-valid')).toBeNull();
    reply = () => answer(503, { error: { code: 'store_unavailable', message: 'Redis is down' } });
    change(r.findByTestId(Input, 'field-within'), '4h');
    await r.waitFor(() => r.findByTestId(Alert, 'check-failed'), { timeoutInMs: 3_000 });
    expect(r.findByTestId(Alert, 'check-failed').text).toContain('could not answer just now (Redis is down)');
  });

  it('warns when the draft reads a property the webhook subscriptions do not cover, and says what to run', async () => {
    serve({ check: () => valid({ uncovered: [{ object: 'ticket', property: 'priority' }], advice: "run 'outcome-billing hubspot subscriptions', then 'hs project upload', before publishing" }) });
    const r = renderPage();
    await openEditor(r);
    await r.waitFor(() => r.findByTestId(Alert, 'subscription-warning'), { timeoutInMs: 3_000 });
    expect(r.findByTestId(Alert, 'subscription-warning').text).toContain("ticket.priority: run 'outcome-billing hubspot subscriptions', then 'hs project upload'");
  });

  it('refuses to publish for someone who is not a criteria editor, in words, without calling the service', async () => {
    serve({ lists: [answer(200, list({ canPublish: false }))] });
    const r = renderPage();
    await openEditor(r);
    expect(r.findByTestId(Button, 'publish').props.disabled).toBe(true);
    expect(r.findByTestId(Alert, 'not-editor').text).toBe(NOT_AN_EDITOR);
  });

  it('says the service refused a non-editor in the same words when it answers 403', async () => {
    serve({ publish: answer(403, { error: { code: 'forbidden', message: 'user 5 is not one of the editors', problems: [] } }) });
    const r = renderPage();
    await openEditor(r);
    r.findByTestId(Button, 'publish').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'publish-failed'));
    expect(r.findByTestId(Alert, 'publish-failed').text).toBe(NOT_AN_EDITOR);
  });

  it('publishes with a request id, the text and the notes, shows the version, and reads the list again', async () => {
    const published = { version: { id: 'resolve', version: 3, effectiveFrom: '2026-12-03T10:00:05.000Z', changeNotes: 'shorter', publishedBy: { userId: 7, email: 'ed@example.com' }, publishedAt: '2026-12-03T10:00:05.000Z', text: DRAFT }, uncovered: [], advice: null };
    serve({ publish: answer(201, published) });
    const r = renderPage();
    await openEditor(r);
    change(r.findByTestId(TextArea, 'field-change_notes'), 'shorter');
    r.findByTestId(Button, 'publish').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'published'));
    const call = calls(fetchMock).find((c) => c.url.pathname === '/ui/criteria/publish')!;
    expect(call.body).toMatchObject({ text: DRAFT, changeNotes: 'shorter', effectiveFrom: null, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await r.waitFor(() => expect(calls(fetchMock).filter((c) => c.url.pathname === '/ui/criteria')).toHaveLength(2));
  });
});

describe('the settings page: pause and resume', () => {
  it('asks for a note, pauses with it, and offers resume once the list says paused', async () => {
    const paused = entry({ paused: { since: '2026-12-03T10:00:00.000Z', by: { userId: 7, email: 'ed@example.com' }, note: 'holiday freeze' } });
    serve({ lists: [answer(200, list()), answer(200, list({ criteria: [paused] }))], pause: answer(202, { action: {}, outcome: null }) });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Button, 'pause-resolve'));
    r.findByTestId(Button, 'pause-resolve').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'pause-error-resolve'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    change(r.findByTestId(TextArea, 'pause-note-resolve'), 'holiday freeze');
    r.findByTestId(Button, 'pause-resolve').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Text, 'paused-resolve'));
    expect(r.findByTestId(Text, 'paused-resolve').text).toContain('by ed@example.com: holiday freeze');
    expect(r.findByTestId(Button, 'pause-resolve').text).toBe('Resume resolve');
    const pause = calls(fetchMock).find((c) => c.url.pathname === '/ui/pauses')!;
    expect(pause.body).toMatchObject({ criteriaId: 'resolve', action: 'pause', note: 'holiday freeze' });
  });

  it('shows the service’s refusal of a pause at the control, and sends the same request id when tried again', async () => {
    serve({ pause: answer(403, { error: { code: 'forbidden', message: 'user 7 is not a dispute resolver of portal 123' } }) });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Button, 'pause-resolve'));
    change(r.findByTestId(TextArea, 'pause-note-resolve'), 'holiday freeze');
    r.findByTestId(Button, 'pause-resolve').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'pause-error-resolve'));
    expect(r.findByTestId(Alert, 'pause-error-resolve').text).toContain(NOT_A_RESOLVER);
    r.findByTestId(Button, 'pause-resolve').trigger('onClick');
    await r.waitFor(() => expect(calls(fetchMock).filter((c) => c.url.pathname === '/ui/pauses')).toHaveLength(2));
    const [first, second] = calls(fetchMock).filter((c) => c.url.pathname === '/ui/pauses');
    expect(second!.body!['requestId']).toBe(first!.body!['requestId']);
  });

  it('explains a refusal to someone who may not pause', async () => {
    serve({ lists: [answer(200, list({ canPause: false }))] });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Tile, 'criteria-resolve'));
    expect(r.maybeFindByTestId(Button, 'pause-resolve')).toBeNull();
    expect(r.find(Alert).text).toMatch(/only the portal's dispute resolvers can/);
  });
});

describe('draft fields', () => {
  it('reads plain and nested values, and writes them back keeping the rest of the text', () => {
    expect(readField(DRAFT, ['success'])).toBe("stage = 'closed'");
    expect(readField(DRAFT, ['trigger', 'property'])).toBe('agent_started_at');
    expect(readField('price: { currency: USD, model: flat, unit_amount: "0.99" }\n', ['price', 'unit_amount'])).toBe('0.99');
    expect(writeField(`# why\n${DRAFT}`, ['within'], '2h')).toBe(`# why\n${DRAFT.replace('within: 3h', 'within: 2h')}`);
    expect(writeField('id: x\nprice: { currency: USD, model: flat, unit_amount: "0.99" }\n', ['price', 'unit_amount'], '1.25')).toBe('id: x\nprice: { currency: USD, model: flat, unit_amount: "1.25" }\n');
    expect(writeField('id: x\n', ['cooldown'], '5m')).toBe('id: x\ncooldown: 5m\n');
  });

  it('leaves a text that does not read as YAML to be fixed in the text', () => {
    expect(readField('id: [x\n', ['id'])).toBe('');
    expect(writeField('id: [x\n', ['id'], 'y')).toBeNull();
  });
});
