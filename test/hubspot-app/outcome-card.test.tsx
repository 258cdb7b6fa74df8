// The CRM card's states and list, rendered with HubSpot's createRenderer against a stand-in for hubspot.fetch.
import { Alert, Button, EmptyState, ErrorState, Link, LoadingButton, LoadingSpinner, StatusTag, Text, Tile } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { answer, BASE, calls, deferred, openDispute, outcome, page } from './card-fixtures.ts';

const fetchMock = vi.hoisted(() => vi.fn());
vi.mock('@hubspot/ui-extensions', async (importOriginal) => {
  const original = await importOriginal<typeof import('@hubspot/ui-extensions')>();
  return { ...original, hubspot: { ...original.hubspot, fetch: fetchMock } };
});

const { OutcomeCard } = await import('../../hubspot-app/src/app/cards/components/outcome-card.tsx');

function renderCard(variables: Record<string, string> = { BACKEND_URL: BASE }) {
  const renderer = createRenderer('crm.record.tab');
  const context = { ...renderer.mocks.context, variables, portal: { id: 123, timezone: 'Europe/Berlin' }, crm: { objectId: 555, objectTypeId: '0-3' } };
  renderer.render(<OutcomeCard context={context} />);
  return renderer;
}

/** Elements whose testId is `<part>:<outcome or criteria id>`: the card's testIds are unique across the whole card. */
const part = (name: string) => (n: { props: { testId?: string } }) => (n.props.testId ?? '').startsWith(`${name}:`);
const texts = (r: ReturnType<typeof renderCard>, name: string) => r.findAll(Text, part(name)).map((t) => t.text);

beforeEach(() => {
  fetchMock.mockReset();
  // A page left mounted by an earlier test may still call (a debounced check): it gets no answer, as when offline, not undefined.
  fetchMock.mockImplementation(() => Promise.reject(new Error('no answer set up for this call')));
});

describe('the card: states', () => {
  it('shows a spinner while the outcomes load, after asking for the first page of this record', async () => {
    fetchMock.mockReturnValue(new Promise(() => {}));
    const r = renderCard();
    expect(r.findByTestId(LoadingSpinner, 'outcomes-loading').props.label).toBe("Loading this record's outcomes…");
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    const [call] = calls(fetchMock);
    expect(call!.method).toBe('GET');
    expect(call!.url.href).toBe(`${BASE}/ui/records/0-3/555/outcomes?limit=20`);
  });

  it('says there are no outcomes yet for a record without any', async () => {
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findByTestId(EmptyState, 'outcomes-empty').props.title).toBe('No outcomes yet'));
    expect(r.maybeFind(Tile)).toBeNull();
  });

  it('says the service cannot be reached, and Retry reads again', async () => {
    fetchMock.mockRejectedValueOnce(new Error('connect ECONNREFUSED')).mockResolvedValueOnce(answer(200, page()));
    const r = renderCard();
    await r.waitFor(() => expect(r.findByTestId(ErrorState, 'outcomes-failed').props.title).toBe("The billing service can't be reached"));
    expect(r.find(ErrorState).find(Text).text).toMatch(/can't be reached right now/);
    r.findByTestId(Button, 'outcomes-retry').trigger('onClick');
    expect(r.maybeFind(LoadingSpinner)).not.toBeNull();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it("passes on the service's own words when it answers with an error", async () => {
    fetchMock.mockResolvedValue(answer(503, { error: { code: 'store_unavailable', message: 'The store is not answering.', problems: [] } }));
    const r = renderCard();
    await r.waitFor(() => expect(r.find(ErrorState).find(Text).text).toContain('The store is not answering.'));
  });

  it('refuses an answer that is not the API it knows, instead of showing half of it', async () => {
    fetchMock.mockResolvedValue(answer(200, { ...page(), outcomes: [{ outcomeId: 'x' }] }));
    const r = renderCard();
    await r.waitFor(() => expect(r.find(ErrorState).props.title).toBe('The outcomes could not be loaded'));
    expect(r.find(ErrorState).find(Text).text).toMatch(/does not understand/);
  });

  it('calls nothing and says why when the app was uploaded without a usable BACKEND_URL', () => {
    const unusable: Record<string, string>[] = [{}, { BACKEND_URL: 'http://billing.test' }, { BACKEND_URL: 'https://billing.test/api' }];
    for (const variables of unusable) {
      const r = renderCard(variables);
      expect(r.findByTestId(ErrorState, 'no-backend').find(Text).text).toContain('hs project upload --profile');
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('the card: outcomes', () => {
  const all = [
    outcome({ outcomeId: 'a#1', status: 'open', deadline: '2026-11-03T10:10:00.000Z', succeededAt: null, settledAt: null, billingPeriod: null, charge: null, canDispute: false }),
    outcome({ outcomeId: 'b#1', status: 'failed', reason: 'insufficient_inputs', canDispute: false }),
    outcome({ outcomeId: 'c#1', status: 'in_review', reviewEndsAt: '2026-11-04T09:04:00.000Z', canDispute: false }),
    outcome({ outcomeId: 'd#1', status: 'billable' }),
    outcome({ outcomeId: 'e#1', status: 'not_billable', reason: 'latency_breach', canDispute: false }),
    outcome({ outcomeId: 'f#1', status: 'not_billable', reason: 'excluded', label: 'test record', canDispute: false }),
    outcome({ outcomeId: 'g#1', status: 'credited', canDispute: false }),
  ];

  it('words every status as a rep reads it, with times in the portal time zone', async () => {
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: all })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(7));
    expect(texts(r, 'status')).toEqual([
      'In progress: the time limit is 3 Nov, 11:10',
      'Failed: the record lacked information the agent needed',
      'Pending review until 4 Nov, 10:04',
      'Billable',
      'Not billable: success came after the time limit',
      'Not billable: a rule excludes it from billing (test record)',
      'Credited: a dispute was upheld',
    ]);
    expect(r.findAll(StatusTag).map((t) => [t.text, t.props.variant])).toEqual([
      ['In progress', 'info'],
      ['Failed', 'danger'],
      ['Pending review', 'warning'],
      ['Billable', 'success'],
      ['Not billable', 'default'],
      ['Not billable', 'default'],
      ['Credited', 'info'],
    ]);
  });

  it('shows the facts of an outcome: criteria, presses, times, billing period, charge and its verification log', async () => {
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [all[3]!, all[0]!] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(2));
    const [billed, open] = r.findAll(Tile);
    const fact = (tile: typeof billed, name: string) => tile!.find(Text, part(`fact-${name}`)).text;
    expect(fact(billed, 'criteria')).toBe('Enriched MQL routed within ten minutes (enrich-route, version 2)');
    expect([fact(billed, 'tries'), fact(billed, 'suppressed-presses'), fact(billed, 'duplicate-presses')]).toEqual(['1', '2', '0']);
    expect([fact(billed, 'started'), fact(billed, 'succeeded'), fact(billed, 'settled')]).toEqual(['3 Nov 2026, 11:00', '3 Nov 2026, 11:04', '4 Nov 2026, 11:04']);
    expect([fact(billed, 'billing-period'), fact(billed, 'charge')]).toEqual(['2026-11', '0.99 USD']);
    expect(billed!.find(Link).props.href).toBe('https://app.hubspot.com/contacts/123/record/2-456/789');
    expect([fact(open, 'succeeded'), fact(open, 'settled'), fact(open, 'billing-period'), fact(open, 'charge')]).toEqual(['—', '—', '—', '—']);
    expect(r.find(Text, { variant: 'microcopy' }).text).toBe("Times are in the portal's time zone (Europe/Berlin).");
  });

  it('says in words that an outcome over the budget limit is billable but not charged (contract §8)', async () => {
    const over = outcome({ outcomeId: 'a#9', overLimit: true, charge: { amount: '0.00', currency: 'USD' } });
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [over, outcome({ outcomeId: 'a#10', status: 'credited', overLimit: true, canDispute: false })] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(2));
    const [billable, credited] = r.findAll(Tile);
    expect(billable!.find(Text, part('status')).text).toBe("Billable, but over budget limit, not charged: this billing period's spending limit for these criteria was already reached");
    expect(billable!.find(Text, part('fact-charge')).text).toBe('None: over budget limit, not charged');
    expect(billable!.find(StatusTag).text).toBe('Billable');
    expect(credited!.find(Text, part('status')).text).toBe('Credited: a dispute was upheld (it was over budget limit and never charged, so nothing is credited)');
  });

  it('reads an answer without overLimit (a service from before limits) as not over limit', async () => {
    const { overLimit: _dropped, ...old } = outcome();
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [old as ReturnType<typeof outcome>] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.find(Tile).find(Text, part('status')).text).toBe('Billable');
    expect(r.find(Tile).find(Text, part('fact-charge')).text).toBe('0.99 USD');
  });

  it('says when the verification-log record is not written yet', async () => {
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [outcome({ verificationLogUrl: null })] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.maybeFind(Link)).toBeNull();
    expect(r.find(Tile).findAll(Text).map((t) => t.text)).toContain('Its verification-log record is not written yet.');
  });

  it("shows a dispute's state and resolution in words", async () => {
    const upheld = { ...openDisputeOf(), state: 'upheld' as const, resolvedAt: '2026-11-06T12:00:00.000Z', resolvedBy: { userId: 3, email: 'lead@example.com' }, note: 'Routed twice' };
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [outcome({ outcomeId: 'o#1', dispute: openDisputeOf(), canDispute: false }), outcome({ outcomeId: 'u#1', status: 'credited', dispute: upheld, canDispute: false })] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(2));
    expect(texts(r, 'dispute')).toEqual([
      'Dispute open (opened 5 Nov, 10:00 by rep@example.com: Wrong record: the contact was already routed). It stays billed until a resolver decides.',
      'Dispute upheld 6 Nov, 13:00 by lead@example.com: Routed twice (opened 5 Nov, 10:00 by rep@example.com: Wrong record: the contact was already routed).',
    ]);
  });

  it('shows press advice and paused criteria as notices', async () => {
    const advice = [
      { criteriaId: 'enrich-route', criteriaName: 'Enriched MQL routed', kind: 'cooldown', until: '2026-11-03T10:01:00.000Z' },
      { criteriaId: 'meeting', criteriaName: 'Meeting booked', kind: 'retry', until: '2026-11-03T12:00:00.000Z' },
    ];
    const paused = [{ criteriaId: 'ticket', criteriaName: 'Ticket resolved', since: '2026-11-20T09:00:00.000Z' }];
    fetchMock.mockResolvedValue(answer(200, page({ pressAdvice: advice, paused })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.findAll(Alert, part('press-advice')).map((a) => [a.props.title, a.text])).toEqual([
      ['Enriched MQL routed', 'A press now would be suppressed until 3 Nov, 11:01 — wait before pressing again.'],
      ['Meeting booked', 'A press now would count as a retry of the current attempt until 3 Nov, 13:00, not as a new outcome.'],
    ]);
    const [pause] = r.findAll(Alert, part('paused'));
    expect([pause!.props.title, pause!.text]).toEqual(['Ticket resolved is paused', 'Paused since 20 Nov, 10:00: presses for it do nothing until it is resumed.']);
  });

  it('pages a long history with Show more, one request per click, until there is no next page', async () => {
    const second = deferred<Response>();
    fetchMock.mockResolvedValueOnce(answer(200, page({ outcomes: [outcome({ outcomeId: 'p1#1' })], nextCursor: 'cursor/2' }))).mockReturnValueOnce(second.promise);
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    const more = r.findByTestId(LoadingButton, 'outcomes-more');
    more.trigger('onClick');
    more.trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, 'outcomes-more').props.loading).toBe(true));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(calls(fetchMock)[1]!.url.searchParams.get('cursor')).toBe('cursor/2');
    second.resolve(answer(200, page({ outcomes: [outcome({ outcomeId: 'p2#1' })], nextCursor: null })));
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(2));
    expect(r.findAll(Tile).map((t) => t.props.testId)).toEqual(['outcome:p1#1', 'outcome:p2#1']);
    expect(r.maybeFind(LoadingButton, { testId: 'outcomes-more' })).toBeNull();
  });

  it('keeps what it shows when a further page fails, and says so', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, page({ nextCursor: 'c2' }))).mockRejectedValueOnce(new Error('offline'));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    r.findByTestId(LoadingButton, 'outcomes-more').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, 'outcomes-more-failed').text).toMatch(/can't be reached/));
    expect(r.findAll(Tile)).toHaveLength(1);
  });
});

function openDisputeOf() {
  return {
    state: 'open' as const,
    openedAt: '2026-11-05T09:00:00.000Z',
    openedBy: { userId: 9, email: 'rep@example.com' },
    reason: 'Wrong record: the contact was already routed',
    resolvedAt: null,
    resolvedBy: null,
    note: null,
  };
}

describe('the card: a dispute a criteria version answers', () => {
  it('says which version answers it, and nothing where none does', async () => {
    const upheld = { ...openDispute, state: 'upheld' as const, resolvedAt: '2026-11-06T09:00:00.000Z', resolvedBy: { userId: 7, email: 'boss@example.com' }, note: 'agreed' };
    fetchMock.mockResolvedValue(answer(200, page({ outcomes: [outcome({ outcomeId: 'x#1', status: 'credited', dispute: upheld, answeredBy: 4, canDispute: false }), outcome({ outcomeId: 'y#1', dispute: openDispute, answeredBy: null, canDispute: false })] })));
    const r = renderCard();
    await r.waitFor(() => expect(r.findAll(Tile).length).toBe(2));
    expect(r.findByTestId(Text, 'answered-by:x#1').text).toBe('Answered by version 4 of Enriched MQL routed within ten minutes: its change notes say what changed.');
    expect(r.maybeFindByTestId(Text, 'answered-by:y#1')).toBeNull();
  });
});
