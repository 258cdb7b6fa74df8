// The settings page's rulebook parts, rendered with HubSpot's createRenderer against a stand-in for hubspot.fetch: disputes by reason, the disputes a version answers, and the editors and resolvers.
import { Alert, Button, Input, MultiSelect, Select, TableCell, TableRow, Text, Tile } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Access, CriteriaEntry, CriteriaList, Disputes } from '../../hubspot-app/src/app/settings/api/schema.ts';
import { answer, BASE, calls } from './card-fixtures.ts';

const fetchMock = vi.hoisted(() => vi.fn());
vi.mock('@hubspot/ui-extensions', async (importOriginal) => {
  const original = await importOriginal<typeof import('@hubspot/ui-extensions')>();
  return { ...original, hubspot: { ...original.hubspot, fetch: fetchMock } };
});

const { SettingsPage } = await import('../../hubspot-app/src/app/settings/components/settings-page.tsx');

const DRAFT = "id: resolve\nname: Ticket resolved\nobject: ticket\ntrigger:\n  property: agent_started_at\nsuccess: \"stage = 'closed'\"\nwithin: 3h\n";
const A = 'resolve:ticket:1:2026-11-03#1';
const B = 'resolve:ticket:2:2026-11-03#1';
const C = 'resolve:ticket:3:2026-11-03#1';
const DISPUTES: Disputes = { periods: ['2026-10', '2026-11', '2026-12'], upheld: [{ reason: 'Wrong record', count: 2, outcomeIds: [A, B] }, { reason: 'Customer did it', count: 1, outcomeIds: [C] }], open: [{ outcomeId: 'resolve:ticket:4:2026-12-01#1', reason: 'Too slow' }], answeredBy: { [C]: 2 } };
const ACCESS: Access = { editors: [{ userId: 5, email: null, fromEnvironment: true }, { userId: 7, email: null, fromEnvironment: false }], resolvers: [{ userId: null, email: 'rex@example.com', fromEnvironment: false }] };

const entry = (over: Partial<CriteriaEntry> = {}): CriteriaEntry => ({ id: 'resolve', name: 'Ticket resolved', object: 'ticket', paused: null, nextVersion: 3, draft: DRAFT, versions: [], disputes: DISPUTES, ...over });
const list = (over: Partial<CriteriaList> = {}): CriteriaList => ({ now: '2026-12-03T10:00:00.000Z', canPublish: true, canPause: true, criteria: [entry()], access: ACCESS, ...over });

function serve(routes: { lists?: Response[]; publish?: Response; access?: Response }) {
  const lists = [...(routes.lists ?? [answer(200, list())])];
  fetchMock.mockImplementation(async (url: string) => {
    const path = new URL(url).pathname;
    if (path === '/ui/criteria') return lists.length > 1 ? lists.shift() : lists[0];
    if (path === '/ui/criteria/validate') return answer(200, { valid: true, nextVersion: 3, problems: [], conflict: null, uncovered: [], advice: null });
    if (path === '/ui/criteria/publish') return routes.publish ?? answer(500, {});
    if (path === '/ui/criteria/access') return routes.access ?? answer(500, {});
    throw new Error(`unexpected call ${url}`);
  });
}

function renderPage() {
  const r = createRenderer('settings');
  r.render(<SettingsPage context={{ ...r.mocks.context, variables: { BACKEND_URL: BASE }, portal: { ...r.mocks.context.portal, id: 123, timezone: 'UTC' } }} />);
  return r;
}
const change = (node: { trigger: (event: 'onChange', arg?: never) => void }, value: unknown) => node.trigger('onChange', value as never);
const rows = (r: ReturnType<typeof renderPage>, testId: string) => r.findByTestId(Tile, testId).findAll(TableRow).map((row) => row.findAll(TableCell).map((c) => c.text)).filter((cells) => cells.length > 0);

beforeEach(() => {
  fetchMock.mockReset();
  // A page left mounted by an earlier test may still call (a debounced check): it gets no answer, as when offline, not undefined.
  fetchMock.mockImplementation(() => Promise.reject(new Error('no answer set up for this call')));
});

describe('the settings page: disputes inform the rulebook', () => {
  it('lists upheld disputes by reason, most first, with the versions answering them, and the open ones', async () => {
    serve({});
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Tile, 'criteria-resolve'));
    const table = r.findByTestId(Tile, 'criteria-resolve').findAll(TableRow).map((row) => row.findAll(TableCell).map((c) => c.text)).filter((cells) => cells.length > 0);
    expect(table).toEqual([
      ['Wrong record', '2', 'Not yet'],
      ['Customer did it', '1', 'by v2'],
    ]);
    expect(r.findByTestId(Text, 'open-disputes-resolve').text).toBe('Open: Too slow (resolve:ticket:4:2026-12-01#1)');
  });

  it('says so when no dispute was upheld or is open', async () => {
    serve({ lists: [answer(200, list({ criteria: [entry({ disputes: { ...DISPUTES, upheld: [], open: [], answeredBy: {} } })] }))] });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Text, 'disputes-none-resolve'));
    expect(r.findByTestId(Text, 'disputes-none-resolve').text).toBe('No dispute upheld from 2026-10 to 2026-12, and none open.');
  });

  it('publishes the disputes a draft answers, and shows the service’s problem at that field', async () => {
    serve({ publish: answer(400, { error: { code: 'invalid_request', message: 'the draft has 1 problem', problems: [{ code: 'invalid_value', path: ['answers', 0], message: `${A} has no upheld or open dispute to answer` }] } }) });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Button, 'draft-resolve'));
    r.findByTestId(Button, 'draft-resolve').trigger('onClick');
    await r.waitFor(() => r.findByTestId(MultiSelect, 'field-answers'));
    expect(r.findByTestId(MultiSelect, 'field-answers').props.options.map((o: { value: unknown }) => o.value)).toEqual([A, B, C, 'resolve:ticket:4:2026-12-01#1']);
    change(r.findByTestId(MultiSelect, 'field-answers'), [A]);
    r.findByTestId(Button, 'publish').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(MultiSelect, 'field-answers').props.error).toBe(true));
    expect(r.findByTestId(MultiSelect, 'field-answers').props.validationMessage).toBe(`answers.0: ${A} has no upheld or open dispute to answer`);
    expect(calls(fetchMock).find((c) => c.url.pathname === '/ui/criteria/publish')!.body).toMatchObject({ answers: [A] });
    // The draft check does not carry them: the service's check is of the text.
    const validations = () => calls(fetchMock).filter((c) => c.url.pathname === '/ui/criteria/validate');
    // The check runs a moment after the last change: wait for one, so the rule below is about a real call.
    await r.waitFor(() => expect(validations().length).toBeGreaterThan(0), { timeoutInMs: 3_000 });
    expect(validations().every((c) => !('answers' in (c.body ?? {})))).toBe(true);
  });
});

describe('the settings page: editors and resolvers', () => {
  it('lists both, offers removal only of those added here, and adds a resolver by email', async () => {
    serve({ lists: [answer(200, list()), answer(200, list())], access: answer(200, { access: ACCESS }) });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Tile, 'access'));
    expect(rows(r, 'access').map((row) => row.slice(0, 2))).toEqual([
      ['User 5', 'The environment'],
      ['User 7', 'Added here'],
      ['rex@example.com', 'Added here'],
    ]);
    expect(r.maybeFindByTestId(Button, 'remove-editors-5')).toBeNull();
    expect(r.maybeFindByTestId(Button, 'remove-editors-7')).not.toBeNull();
    change(r.findByTestId(Select, 'access-list'), 'resolvers');
    change(r.findByTestId(Input, 'access-user'), ' ann@example.com ');
    r.findByTestId(Button, 'access-add').trigger('onClick');
    await r.waitFor(() => expect(calls(fetchMock).filter((c) => c.url.pathname === '/ui/criteria')).toHaveLength(2));
    const sent = calls(fetchMock).find((c) => c.url.pathname === '/ui/criteria/access')!;
    expect(sent.body).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), op: 'add', list: 'resolvers', userId: null, email: 'ann@example.com' });
  });

  it('shows the service’s refusal (the last editor), and sends the same request id when tried again', async () => {
    serve({ access: answer(409, { error: { code: 'conflict', message: 'user 7 is the portal’s last criteria editor: add another editor first' } }) });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Button, 'remove-editors-7'));
    r.findByTestId(Button, 'remove-editors-7').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'access-error'));
    expect(r.findByTestId(Alert, 'access-error').text).toMatch(/last criteria editor/);
    r.findByTestId(Button, 'remove-editors-7').trigger('onClick');
    await r.waitFor(() => expect(calls(fetchMock).filter((c) => c.url.pathname === '/ui/criteria/access')).toHaveLength(2));
    const [first, second] = calls(fetchMock).filter((c) => c.url.pathname === '/ui/criteria/access');
    expect(first!.body).toMatchObject({ op: 'remove', list: 'editors', userId: 7 });
    expect(second!.body!['requestId']).toBe(first!.body!['requestId']);
  });

  it('is read-only for someone who is not an editor', async () => {
    serve({ lists: [answer(200, list({ canPublish: false }))] });
    const r = renderPage();
    await r.waitFor(() => r.findByTestId(Tile, 'access'));
    expect(r.findByTestId(Text, 'access-read-only').text).toBe('Only criteria editors change these lists.');
    expect(r.maybeFindByTestId(Button, 'access-add')).toBeNull();
    expect(r.maybeFindByTestId(Button, 'remove-editors-7')).toBeNull();
  });
});
