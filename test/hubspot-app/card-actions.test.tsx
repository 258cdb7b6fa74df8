// The card's writes and evidence: the dispute form, the resolver's controls and the audit trail, against a stand-in for hubspot.fetch.
import { Alert, Button, LoadingButton, Select, Text, TextArea, Tile, ToggleGroup } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { answer, BASE, calls, deferred, openDispute, outcome, page, refusal, trailPage } from './card-fixtures.ts';
import type { OutcomesPage } from '../../hubspot-app/src/app/cards/api/schema.ts';

const fetchMock = vi.hoisted(() => vi.fn());
vi.mock('@hubspot/ui-extensions', async (importOriginal) => {
  const original = await importOriginal<typeof import('@hubspot/ui-extensions')>();
  return { ...original, hubspot: { ...original.hubspot, fetch: fetchMock } };
});

const { OutcomeCard } = await import('../../hubspot-app/src/app/cards/components/outcome-card.tsx');

const ID = outcome().outcomeId;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Handler = (body: Record<string, unknown> | undefined, url: URL) => Response | Promise<Response>;

/** hubspot.fetch by route: the outcomes list answers `list` (the last one again once used up), writes and trail their handlers. */
function serve(list: OutcomesPage[], routes: { dispute?: Handler; resolve?: Handler; trail?: Handler } = {}) {
  let reads = 0;
  fetchMock.mockImplementation(async (href: string, options?: { method?: string; body?: Record<string, unknown> }) => {
    const url = new URL(href);
    if (url.pathname.endsWith('/outcomes')) return answer(200, list[Math.min(reads++, list.length - 1)]);
    if (url.pathname === '/ui/disputes') return routes.dispute!(options?.body, url);
    if (url.pathname === '/ui/disputes/resolve') return routes.resolve!(options?.body, url);
    if (url.pathname.endsWith('/trail')) return routes.trail!(options?.body, url);
    throw new Error(`unexpected ${href}`);
  });
}

async function renderCard() {
  const r = createRenderer('crm.record.tab');
  const context = { ...r.mocks.context, variables: { BACKEND_URL: BASE }, portal: { id: 123, timezone: 'Europe/Berlin' }, crm: { objectId: 555, objectTypeId: '0-3' } };
  r.render(<OutcomeCard context={context} />);
  await r.waitFor(() => expect(r.findAll(Tile).length).toBeGreaterThan(0));
  return r;
}

const posts = (path: string) => calls(fetchMock).filter((c) => c.method === 'POST' && c.url.pathname === path);
const reads = () => calls(fetchMock).filter((c) => c.url.pathname.endsWith('/outcomes'));
/** Types an input's new value. (createRenderer's trigger types its argument as the handler; it passes it to the handler.) */
const change = (node: { trigger: (event: 'onChange', arg?: never) => void }, value: string) => node.trigger('onChange', value as never);
const accepted = () => answer(202, { action: { type: 'open_dispute' }, outcome: null });

async function fillDispute(r: Awaited<ReturnType<typeof renderCard>>, category: string, note: string) {
  r.findByTestId(Button, `dispute-open:${ID}`).trigger('onClick');
  await r.waitFor(() => r.findByTestId(Select, `dispute-category:${ID}`));
  change(r.findByTestId(Select, `dispute-category:${ID}`), category);
  change(r.findByTestId(TextArea, `dispute-note:${ID}`), note);
  r.findByTestId(Button, `dispute-review:${ID}`).trigger('onClick');
}

beforeEach(() => {
  fetchMock.mockReset();
  // A page left mounted by an earlier test may still call (a debounced check): it gets no answer, as when offline, not undefined.
  fetchMock.mockImplementation(() => Promise.reject(new Error('no answer set up for this call')));
});

describe('the dispute form', () => {
  it('is offered only where the service says a dispute may be opened', async () => {
    serve([page({ outcomes: [outcome({ outcomeId: 'yes#1', canDispute: true }), outcome({ outcomeId: 'no#1', canDispute: false })] })]);
    const r = await renderCard();
    expect(r.maybeFindByTestId(Button, 'dispute-open:yes#1')).not.toBeNull();
    expect(r.maybeFindByTestId(Button, 'dispute-open:no#1')).toBeNull();
  });

  it('refuses to go on without a reason and a note, and says which is missing', async () => {
    serve([page()]);
    const r = await renderCard();
    r.findByTestId(Button, `dispute-open:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Button, `dispute-review:${ID}`));
    r.findByTestId(Button, `dispute-review:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Select, `dispute-category:${ID}`).props.error).toBe(true));
    expect(r.findByTestId(Select, `dispute-category:${ID}`).props.validationMessage).toBe('Choose what is wrong with this outcome.');
    expect(r.findByTestId(TextArea, `dispute-note:${ID}`).props.validationMessage).toBe('Write what went wrong, so the resolver can check it.');

    change(r.findByTestId(Select, `dispute-category:${ID}`), 'duplicate');
    change(r.findByTestId(TextArea, `dispute-note:${ID}`), '   ');
    r.findByTestId(Button, `dispute-review:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Select, `dispute-category:${ID}`).props.error).toBe(false));
    expect(r.findByTestId(TextArea, `dispute-note:${ID}`).props.error).toBe(true);
    expect(r.maybeFindByTestId(LoadingButton, `dispute-send:${ID}`)).toBeNull();
    expect(posts('/ui/disputes')).toEqual([]);
  });

  it('Cancel closes the form and sends nothing', async () => {
    serve([page()]);
    const r = await renderCard();
    r.findByTestId(Button, `dispute-open:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Button, `dispute-cancel:${ID}`));
    r.findByTestId(Button, `dispute-cancel:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Button, `dispute-open:${ID}`));
    expect(r.maybeFindByTestId(Select, `dispute-category:${ID}`)).toBeNull();
    expect(posts('/ui/disputes')).toEqual([]);
  });

  it('lists the reasons to choose from, in words', async () => {
    serve([page()]);
    const r = await renderCard();
    r.findByTestId(Button, `dispute-open:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Select, `dispute-category:${ID}`));
    expect(r.findByTestId(Select, `dispute-category:${ID}`).props.options.map((o) => o.label)).toEqual(['Wrong record', 'Outcome not achieved', 'Duplicate', 'Reversed later', 'Other']);
  });

  it('asks to confirm, shows progress, sends one request however often it is clicked, then reads the outcomes again', async () => {
    const taken = deferred<Response>();
    serve([page(), page({ outcomes: [outcome({ canDispute: false, dispute: openDispute })] })], { dispute: () => taken.promise });
    const r = await renderCard();
    await fillDispute(r, 'wrong_record', '  The contact was already routed by hand ');
    await r.waitFor(() => r.findByTestId(LoadingButton, `dispute-send:${ID}`));
    expect(r.find(Tile).findAll(Text).map((t) => t.text)).toContain(
      `You are disputing “Enriched MQL routed within ten minutes” (${ID}): Wrong record: The contact was already routed by hand. It stays billed until a resolver decides.`,
    );
    expect(posts('/ui/disputes')).toEqual([]);

    const send = r.findByTestId(LoadingButton, `dispute-send:${ID}`);
    send.trigger('onClick');
    send.trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, `dispute-send:${ID}`).props).toMatchObject({ loading: true, disabled: true }));
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    expect(r.findByTestId(Button, `dispute-back:${ID}`).props.disabled).toBe(true);
    expect(posts('/ui/disputes')).toHaveLength(1);
    const [post] = posts('/ui/disputes');
    expect(post!.url.href).toBe(`${BASE}/ui/disputes`);
    expect(post!.body).toEqual({ requestId: expect.stringMatching(UUID), outcomeId: ID, category: 'wrong_record', note: 'The contact was already routed by hand' });

    taken.resolve(accepted());
    await r.waitFor(() => expect(reads()).toHaveLength(2));
    await r.waitFor(() => expect(r.findAll(Text, { testId: `dispute:${ID}` })).toHaveLength(1));
    expect(r.maybeFindByTestId(Button, `dispute-open:${ID}`)).toBeNull();
    expect(posts('/ui/disputes')).toHaveLength(1);
  });

  it('says it was sent while the service applies it', async () => {
    serve([page()], { dispute: accepted });
    const r = await renderCard();
    await fillDispute(r, 'other', 'Looks wrong');
    await r.waitFor(() => r.findByTestId(LoadingButton, `dispute-send:${ID}`));
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, `dispute-sent:${ID}`).props).toMatchObject({ title: 'Dispute sent', variant: 'success' }));
  });

  it("shows the service's refusal in its own words, and does not offer to send it again as it is", async () => {
    const message = 'Only a billable outcome can be disputed: this one was credited on 6 Nov';
    serve([page()], { dispute: () => answer(409, refusal('not_disputable', message)) });
    const r = await renderCard();
    await fillDispute(r, 'duplicate', 'Counted twice');
    await r.waitFor(() => r.findByTestId(LoadingButton, `dispute-send:${ID}`));
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, `dispute-failure:${ID}`).text).toBe(message));
    expect(r.findByTestId(Alert, `dispute-failure:${ID}`).props.title).toBe('The service refused it');
    expect(r.findByTestId(LoadingButton, `dispute-send:${ID}`).text).toBe('Send dispute');
  });

  it('after an outage sends the same request again, with the same request id', async () => {
    const answers = [answer(503, { error: { code: 'store_unavailable', message: 'Redis did not answer.', problems: [] } }), accepted(), accepted()];
    serve([page()], { dispute: () => answers.shift()! });
    const r = await renderCard();
    await fillDispute(r, 'not_achieved', 'Never routed');
    await r.waitFor(() => r.findByTestId(LoadingButton, `dispute-send:${ID}`));
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, `dispute-send:${ID}`).text).toBe('Try again'));
    expect(r.findByTestId(Alert, `dispute-failure:${ID}`).text).toContain('Redis did not answer.');
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, `dispute-sent:${ID}`));
    const [first, second] = posts('/ui/disputes');
    expect(second!.body).toEqual(first!.body);
  });

  it('a changed dispute is a new request', async () => {
    serve([page()], { dispute: () => answer(409, refusal('invalid_dispute', 'No.')) });
    const r = await renderCard();
    await fillDispute(r, 'other', 'First try');
    await r.waitFor(() => r.findByTestId(LoadingButton, `dispute-send:${ID}`));
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, `dispute-failure:${ID}`));
    r.findByTestId(Button, `dispute-back:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(TextArea, `dispute-note:${ID}`));
    expect(r.findByTestId(TextArea, `dispute-note:${ID}`).props.value).toBe('First try');
    change(r.findByTestId(TextArea, `dispute-note:${ID}`), 'Second try');
    r.findByTestId(Button, `dispute-review:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(LoadingButton, `dispute-send:${ID}`));
    r.findByTestId(LoadingButton, `dispute-send:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(posts('/ui/disputes')).toHaveLength(2));
    const [first, second] = posts('/ui/disputes').map((p) => p.body!);
    expect(second!['note']).toBe('Second try');
    expect(second!['requestId']).not.toBe(first!['requestId']);
  });
});

describe("the resolver's controls", () => {
  const disputed = outcome({ canDispute: false, dispute: openDispute, canResolve: true });

  it.each([
    ['a user who may not resolve, on an open dispute', false, outcome({ canDispute: false, dispute: openDispute })],
    ['a resolver, on an open dispute the service says may not be resolved', true, outcome({ canDispute: false, dispute: openDispute })],
    ['a resolver, on a rejected dispute', true, outcome({ dispute: { ...openDispute, state: 'rejected', resolvedAt: '2026-11-06T12:00:00.000Z', resolvedBy: { userId: 3, email: 'lead@example.com' }, note: 'Fine' } })],
    ['a resolver, without a dispute', true, outcome()],
  ])('are not shown to %s', async (_case, canResolve, o) => {
    serve([page({ viewer: { userId: 7, canResolve }, outcomes: [o] })]);
    const r = await renderCard();
    expect(r.maybeFindByTestId(Button, `resolve-open:${ID}`)).toBeNull();
  });

  it('let a resolver uphold or reject an open dispute with a required note, confirmed, in one request', async () => {
    serve([page({ viewer: { userId: 7, canResolve: true }, outcomes: [disputed] })], { resolve: () => answer(202, { action: {}, outcome: null }) });
    const r = await renderCard();
    r.findByTestId(Button, `resolve-open:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Button, `resolve-review:${ID}`));
    r.findByTestId(Button, `resolve-review:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(ToggleGroup, `resolve-resolution:${ID}`).props.error).toBe(true));
    expect(r.findByTestId(TextArea, `resolve-note:${ID}`).props.error).toBe(true);
    expect(r.findByTestId(ToggleGroup, `resolve-resolution:${ID}`).props.options.map((o) => o.value)).toEqual(['upheld', 'rejected']);

    change(r.findByTestId(ToggleGroup, `resolve-resolution:${ID}`), 'upheld');
    change(r.findByTestId(TextArea, `resolve-note:${ID}`), 'Routed twice');
    r.findByTestId(Button, `resolve-review:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(LoadingButton, `resolve-send:${ID}`));
    expect(r.find(Tile).findAll(Text).map((t) => t.text)).toContain(`You are upholding the dispute on “Enriched MQL routed within ten minutes” (${ID}): Routed twice.`);
    r.findByTestId(LoadingButton, `resolve-send:${ID}`).trigger('onClick');
    r.findByTestId(LoadingButton, `resolve-send:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, `resolve-sent:${ID}`));
    expect(posts('/ui/disputes/resolve').map((p) => p.body)).toEqual([{ requestId: expect.stringMatching(UUID), outcomeId: ID, resolution: 'upheld', note: 'Routed twice' }]);
  });

  it('shows a refusal to resolve (403) as the service words it', async () => {
    serve([page({ viewer: { userId: 7, canResolve: true }, outcomes: [disputed] })], {
      resolve: () => answer(403, { error: { code: 'forbidden', message: 'Only the portal’s dispute resolvers may resolve disputes.', problems: [] } }),
    });
    const r = await renderCard();
    r.findByTestId(Button, `resolve-open:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(ToggleGroup, `resolve-resolution:${ID}`));
    change(r.findByTestId(ToggleGroup, `resolve-resolution:${ID}`), 'rejected');
    change(r.findByTestId(TextArea, `resolve-note:${ID}`), 'Work was done');
    r.findByTestId(Button, `resolve-review:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(LoadingButton, `resolve-send:${ID}`));
    r.findByTestId(LoadingButton, `resolve-send:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, `resolve-failure:${ID}`).text).toBe('Only the portal’s dispute resolvers may resolve disputes.'));
  });
});

describe('the evidence', () => {
  it('reads the trail of the outcome when asked, says each entry in words, and pages it', async () => {
    const second = trailPage([{ at: '2026-11-04T10:04:00.000Z', version: 2, type: 'transition', from: 'in_review', to: 'billable', cause: 'review_end' }]);
    serve([page()], {
      trail: (_body, url) =>
        url.searchParams.get('cursor') === 't2'
          ? answer(200, second)
          : answer(200, trailPage([{ at: '2026-11-03T10:00:00.000Z', version: 2, type: 'opened' }, { at: '2026-11-03T10:04:00.000Z', version: 2, type: 'signal', kind: 'property', property: 'hubspot_owner_id', value: '42', checks: { success: true } }], 't2')),
    });
    const r = await renderCard();
    expect(r.findByTestId(Button, `evidence-toggle:${ID}`).text).toBe('Show evidence (3 entries)');
    r.findByTestId(Button, `evidence-toggle:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(LoadingButton, `trail-more:${ID}`));
    const [first] = calls(fetchMock).filter((c) => c.url.pathname.endsWith('/trail'));
    expect(first!.url.href).toBe(`${BASE}/ui/outcomes/enrich-route%3Adeal%3A555%3A2026-11-03%231/trail?limit=50`);
    const entries = () => r.find(Tile).findAll(Text).map((t) => t.text).filter((t) => t?.includes(' · '));
    expect(entries()).toEqual([
      '3 Nov, 11:00 · The agent started this attempt · criteria version 2',
      '3 Nov, 11:04 · hubspot_owner_id changed to “42” (success criteria met) · criteria version 2',
    ]);
    r.findByTestId(LoadingButton, `trail-more:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(entries()).toHaveLength(3));
    expect(entries()[2]).toBe('4 Nov, 11:04 · Pending review → Billable: the review period ended · criteria version 2');
    expect(r.maybeFindByTestId(LoadingButton, `trail-more:${ID}`)).toBeNull();
  });

  it('names the version the outcome is pinned to and who published it in HubSpot, or that it came from a file', async () => {
    const published = { id: 'enrich-route', version: 2, publishedBy: { userId: 7, email: 'ed@example.com' }, publishedAt: '2026-11-02T09:00:00.000Z' };
    serve([page()], { trail: () => answer(200, { ...trailPage([{ at: '2026-11-03T10:00:00.000Z', version: 2, type: 'opened' }]), criteria: published }) });
    const r = await renderCard();
    r.findByTestId(Button, `evidence-toggle:${ID}`).trigger('onClick');
    await r.waitFor(() => r.findByTestId(Text, `trail-version:${ID}`));
    expect(r.findByTestId(Text, `trail-version:${ID}`).text).toBe('Judged by enrich-route version 2, published in HubSpot by ed@example.com on 2 Nov 2026, 10:00');

    serve([page()], { trail: () => answer(200, { ...trailPage([]), criteria: { ...published, publishedBy: null, publishedAt: null } }) });
    const fromFile = await renderCard();
    fromFile.findByTestId(Button, `evidence-toggle:${ID}`).trigger('onClick');
    await fromFile.waitFor(() => fromFile.findByTestId(Text, `trail-version:${ID}`));
    expect(fromFile.findByTestId(Text, `trail-version:${ID}`).text).toBe("Judged by enrich-route version 2, from the service's criteria files");
  });

  it('says when the trail cannot be read, and Retry reads it again', async () => {
    const answers = [answer(404, { error: { code: 'not_found', message: 'No such outcome in this portal.', problems: [] } }), answer(200, trailPage([]))];
    serve([page()], { trail: () => answers.shift()! });
    const r = await renderCard();
    r.findByTestId(Button, `evidence-toggle:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, `trail-failed:${ID}`).text).toBe('No such outcome in this portal.'));
    r.findByTestId(Button, `trail-retry:${ID}`).trigger('onClick');
    await r.waitFor(() => expect(r.find(Tile).findAll(Text).map((t) => t.text)).toContain('No evidence recorded yet.'));
  });
});
