// The app home page's states and figures, rendered with HubSpot's createRenderer against a stand-in for hubspot.fetch.
import { BarChart, Button, DescriptionListItem, EmptyState, ErrorState, Heading, List, LoadingSpinner, ProgressBar, Select, Statistics, StatisticsItem, Tag, Text, Tile } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CriteriaHome, HomeData } from '../../hubspot-app/src/app/pages/api/schema.ts';
import { answer, BASE, calls, deferred } from './card-fixtures.ts';

const fetchMock = vi.hoisted(() => vi.fn());
vi.mock('@hubspot/ui-extensions', async (importOriginal) => {
  const original = await importOriginal<typeof import('@hubspot/ui-extensions')>();
  return { ...original, hubspot: { ...original.hubspot, fetch: fetchMock } };
});

const { HomePage } = await import('../../hubspot-app/src/app/pages/components/home-page.tsx');

function row(over: Partial<CriteriaHome> = {}): CriteriaHome {
  return {
    criteriaId: 'resolve',
    name: 'Ticket resolved',
    currency: 'USD',
    timezone: 'UTC',
    charge: { amount: '1234.50', expected: '2000.00', limit: null, thresholds: [50, 75, 90], percentOfExpected: 61.7 },
    forecast: { mtd: '1234.50', runRate: '2469.00', approvalRate: 0.75, accrual: '1300.00', low: '1908.00', likely: '4338.00', high: '6768.00', daysLeft: 2.25, perDay: { low: 2.7, mean: 13.5, high: 24.3 } },
    daily: [
      { date: '2026-11-01', billable: 0 },
      { date: '2026-11-02', billable: 4 },
    ],
    funnel: { presses: 9, attempts: 7, successes: 6, billable: 3, yield: 3 / 7, unitSpend: '411.50' },
    notBillable: [
      { reason: 'latency_breach', count: 2 },
      { reason: 'reversed', count: 1 },
      { reason: 'new_reason_code', count: 1 },
    ],
    openDisputes: [{ outcomeId: 'resolve:ticket:16:2026-11-03#1', objectType: 'ticket', recordId: '16', billingPeriod: '2026-11', openedAt: '2026-11-03T13:00:00.000Z', reason: 'Wrong record: already closed' }],
    alerts: [{ threshold: 50, charge: '1001.00', expected: '2000.00', currency: 'USD', firedAt: '2026-11-02T09:30:00.000Z' }],
    ...over,
  };
}

function home(over: Partial<HomeData> = {}): HomeData {
  return {
    period: '2026-11',
    asOf: '2026-11-16T08:00:00.000Z',
    criteria: [row()],
    periods: [
      { period: '2026-11', state: 'open', closedAt: null, lastReconcile: null },
      { period: '2026-10', state: 'closed', closedAt: '2026-11-02T09:00:00.000Z', lastReconcile: { at: '2026-11-02T10:00:00.000Z', clean: false, mismatches: 3, byKind: { missing_in_hubspot: 2, amount_differs: 1 }, repaired: null } },
      { period: '2026-09', state: 'closed', closedAt: '2026-10-01T09:00:00.000Z', lastReconcile: { at: '2026-10-01T10:00:00.000Z', clean: true, mismatches: 0, byKind: {}, repaired: null } },
    ],
    ...over,
  };
}

function renderHome(variables: Record<string, string> = { BACKEND_URL: BASE }) {
  const renderer = createRenderer('home');
  const context = { ...renderer.mocks.context, variables, portal: { id: 123, timezone: 'Europe/Berlin' } };
  renderer.render(<HomePage context={context} />);
  return renderer;
}

type Renderer = ReturnType<typeof renderHome>;
const text = (r: Renderer, testId: string) => r.findByTestId(Text, testId).text;
const stats = (r: Renderer, testId: string) => r.findByTestId(Statistics, testId).findAll(StatisticsItem).map((s) => [s.props.label, s.props.number]);

beforeEach(() => {
  fetchMock.mockReset();
  // A page left mounted by an earlier test may still call (a debounced check): it gets no answer, as when offline, not undefined.
  fetchMock.mockImplementation(() => Promise.reject(new Error('no answer set up for this call')));
});

describe('the home page: states', () => {
  it('shows a spinner while the figures load, after asking for the current period', async () => {
    fetchMock.mockReturnValue(new Promise(() => {}));
    const r = renderHome();
    expect(r.findByTestId(LoadingSpinner, 'home-loading').props.label).toBe('Loading the billing figures…');
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect(calls(fetchMock).map((c) => [c.method, c.url.href])).toEqual([['GET', `${BASE}/ui/home`]]);
  });

  it('says there are no criteria yet when the service has none', async () => {
    fetchMock.mockResolvedValue(answer(200, home({ criteria: [] })));
    const r = renderHome();
    await r.waitFor(() => expect(r.findByTestId(EmptyState, 'home-no-criteria').props.title).toBe('No criteria yet'));
    expect(r.maybeFind(Tile)).toBeNull();
  });

  it('says when criteria had no outcomes in the period, and still shows their spend', async () => {
    const quiet = row({ funnel: { presses: 0, attempts: 0, successes: 0, billable: 0, yield: null, unitSpend: null }, notBillable: [], daily: [{ date: '2026-11-01', billable: 0 }], charge: { amount: '0.00', expected: null, limit: null, thresholds: [], percentOfExpected: null }, alerts: [] });
    fetchMock.mockResolvedValue(answer(200, home({ criteria: [quiet] })));
    const r = renderHome();
    await r.waitFor(() => expect(r.findByTestId(EmptyState, 'quiet:resolve').props.title).toBe('No outcomes in November 2026'));
    expect(r.maybeFind(BarChart)).toBeNull();
    expect(text(r, 'no-budget:resolve')).toContain('No budget is set');
    expect(r.maybeFind(ProgressBar)).toBeNull();
  });

  it('says the service cannot be reached, and Retry reads again', async () => {
    fetchMock.mockRejectedValueOnce(new Error('connect ECONNREFUSED')).mockResolvedValueOnce(answer(200, home()));
    const r = renderHome();
    await r.waitFor(() => expect(r.findByTestId(ErrorState, 'home-failed').props.title).toBe("The billing service can't be reached"));
    expect(r.find(ErrorState).find(Text).text).toMatch(/can't be reached right now/);
    r.findByTestId(Button, 'home-retry').trigger('onClick');
    expect(r.maybeFind(LoadingSpinner)).not.toBeNull();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it("passes on the service's own words for a refusal, and offers to retry", async () => {
    fetchMock.mockResolvedValue(answer(409, { error: { code: 'conflict', message: 'A closed period no longer matches its snapshot.', problems: [{ code: 'conflict', path: ['periods', '2026-10'], message: 'the snapshot of closed period 2026-10 was changed after close' }] } }));
    const r = renderHome();
    await r.waitFor(() => expect(r.find(ErrorState).props.title).toBe('The billing figures could not be loaded'));
    expect(r.find(ErrorState).find(Text).text).toBe('A closed period no longer matches its snapshot. — the snapshot of closed period 2026-10 was changed after close');
    expect(r.maybeFindByTestId(Button, 'home-retry')).not.toBeNull();
  });

  it('refuses an answer that is not the API it knows, instead of showing half of it', async () => {
    fetchMock.mockResolvedValue(answer(200, { ...home(), criteria: [{ criteriaId: 'resolve' }] }));
    const r = renderHome();
    await r.waitFor(() => expect(r.find(ErrorState).find(Text).text).toMatch(/does not understand/));
  });

  it('calls nothing and says why when the app was uploaded without a usable BACKEND_URL', () => {
    for (const variables of [{}, { BACKEND_URL: 'http://billing.test' }] as Record<string, string>[]) {
      const r = renderHome(variables);
      expect(r.findByTestId(ErrorState, 'no-backend').find(Text).text).toContain('hs project upload --profile');
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('the home page: figures as the service computed them', () => {
  it('shows spend against expected as money, with each alert threshold marked reached or not', async () => {
    fetchMock.mockResolvedValue(answer(200, home()));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(stats(r, 'spend:resolve')).toEqual([
      ['Spend this period', '$1,234.50'],
      ['Expected', '$2,000.00'],
    ]);
    expect(r.findByTestId(ProgressBar, 'against-expected:resolve').props).toMatchObject({ value: 61.7, maxValue: 100, valueDescription: '61.7 % of expected', variant: 'warning' });
    // Times in the portal's zone (Berlin, UTC+1 in November).
    expect(r.findAll(Tag).map((t) => [t.text, t.props.variant])).toEqual([
      ['50 % — reached 2 Nov 2026, 10:30 at $1,001.00', 'warning'],
      ['75 % — not reached', 'default'],
      ['90 % — not reached', 'default'],
    ]);
  });

  it('still shows an alert fired at a threshold the budget no longer has', async () => {
    const changed = row({ charge: { amount: '1234.50', expected: null, limit: null, thresholds: [], percentOfExpected: null } });
    fetchMock.mockResolvedValue(answer(200, home({ criteria: [changed] })));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.findAll(Tag).map((t) => t.text)).toEqual(['50 % — reached 2 Nov 2026, 10:30 at $1,001.00']);
  });

  it('shows the forecast band, run-rate and accrual, and what they rest on', async () => {
    fetchMock.mockResolvedValue(answer(200, home()));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(stats(r, 'forecast:resolve')).toEqual([
      ['Month to date', '$1,234.50'],
      ['Run-rate for the month', '$2,469.00'],
      ['Accrual (verified plus expected from review)', '$1,300.00'],
    ]);
    expect(stats(r, 'band:resolve')).toEqual([
      ['Low forecast', '$1,908.00'],
      ['Likely forecast', '$4,338.00'],
      ['High forecast', '$6,768.00'],
    ]);
    expect(text(r, 'forecast-basis:resolve')).toBe('Based on 2.7, 13.5 and 24.3 billable outcomes a day (low, average, high over the last 28 days), 2.25 days left, and 75 % of reviewed outcomes approved.');
  });

  it('charts the billable days, lays out the funnel, and lists reasons in words, most frequent first', async () => {
    fetchMock.mockResolvedValue(answer(200, home()));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.findByTestId(BarChart, 'daily:resolve').props.data).toEqual([
      { day: '1 Nov', billable: 0 },
      { day: '2 Nov', billable: 4 },
    ]);
    expect(r.findAll(DescriptionListItem).map((i) => [i.props.label, i.text])).toEqual([
      ['Presses', '9'],
      ['Attempts', '7'],
      ['Succeeded', '6'],
      ['Billable', '3'],
      ['Yield (billable per attempt)', '42.9 %'],
      ['Spend per billed outcome', '$411.50'],
    ]);
    expect(r.findByTestId(List, 'not-billable:resolve').findAll(Text).map((t) => t.text)).toEqual([
      'Success came after the time limit: 2',
      'Success was undone during the review period: 1',
      'New reason code: 1',
    ]);
    expect(r.findAll(Text).map((t) => t.text)).toContain('Ticket 16, opened 3 Nov 2026, 14:00, billed in November 2026: Wrong record: already closed');
  });

  it("shows each period's state and its last reconcile in words", async () => {
    fetchMock.mockResolvedValue(answer(200, home()));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect([text(r, 'period-state:2026-11'), text(r, 'period-reconcile:2026-11')]).toEqual(['Open', 'Not reconciled yet']);
    expect(text(r, 'period-state:2026-10')).toBe('Closed on 2 Nov 2026, 10:00');
    expect(text(r, 'period-reconcile:2026-10')).toBe('3 difference(s) from HubSpot (checked 2 Nov 2026, 11:00): 2 missing in HubSpot, 1 amount differs');
    expect(text(r, 'period-reconcile:2026-09')).toBe('Matches HubSpot (checked 1 Oct 2026, 12:00)');
    expect(text(r, 'as-of')).toBe("Figures as of 16 Nov 2026, 09:00. Times are in the portal's time zone (Europe/Berlin).");
  });

  it('says in words that a closed period’s snapshot changed after close, and what to do; the picker marks it', async () => {
    const changed = { period: '2026-10', state: 'snapshot_changed', closedAt: null, lastReconcile: null };
    fetchMock.mockResolvedValue(answer(200, home({ periods: [home().periods[0]!, changed] })));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(text(r, 'period-state:2026-10')).toBe('Closed, but its stored invoice was changed after close, so its figures are not shown: tell your billing admin');
    expect(r.find(Select).props.options.map((o: { label: string }) => o.label)).toEqual(['November 2026', 'October 2026 (snapshot changed)']);
  });

  it('writes money in the currency the service gives: yen without minor units', async () => {
    const yen = row({ criteriaId: 'jp', currency: 'JPY', charge: { amount: '500', expected: null, limit: '90000', thresholds: [], percentOfExpected: null }, forecast: null, alerts: [] });
    fetchMock.mockResolvedValue(answer(200, home({ criteria: [yen] })));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.findByTestId(Tile, 'criteria:jp').findAll(StatisticsItem).map((s) => s.props.number)).toEqual(['¥500', '¥90,000']);
    expect(r.maybeFind(StatisticsItem, (s) => s.props.label === 'Likely forecast')).toBeNull();
  });

  it('keeps the picker when another period fails to load, and Retry reads that period again', async () => {
    fetchMock
      .mockResolvedValueOnce(answer(200, home()))
      .mockResolvedValueOnce(answer(503, { error: { code: 'store_unavailable', message: 'the ledger cannot be read now: try again', problems: [] } }))
      .mockResolvedValueOnce(answer(200, home({ period: '2026-10' })));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    r.findByTestId(Select, 'period-select').trigger('onChange', '2026-10' as never);
    await r.waitFor(() => expect(r.findByTestId(ErrorState, 'home-failed').props.title).toBe("The billing service can't be reached"));
    expect(r.find(Select).props.value).toBe('2026-10');
    r.findByTestId(Button, 'home-retry').trigger('onClick');
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(calls(fetchMock).map((c) => c.url.search)).toEqual(['', '?period=2026-10', '?period=2026-10']);
  });

  it('reads the period picked, keeping the picker while it loads, and drops an answer for the period left behind', async () => {
    const october = deferred<Response>();
    const named = (period: string, name: string) => home({ period, criteria: [row({ name, forecast: null })] });
    fetchMock.mockResolvedValueOnce(answer(200, home())).mockReturnValueOnce(october.promise).mockResolvedValueOnce(answer(200, named('2026-09', 'September figures')));
    const r = renderHome();
    await r.waitFor(() => expect(r.findAll(Tile)).toHaveLength(1));
    expect(r.find(Select).props.options.map((o: { label: string }) => o.label)).toEqual(['November 2026', 'October 2026 (closed)', 'September 2026 (closed)']);
    r.findByTestId(Select, 'period-select').trigger('onChange', '2026-10' as never);
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).not.toBeNull());
    expect(r.find(Select).props.value).toBe('2026-10');
    r.findByTestId(Select, 'period-select').trigger('onChange', '2026-09' as never);
    await r.waitFor(() => expect(r.find(Heading).text).toBe('September figures'));
    october.resolve(answer(200, named('2026-10', 'October figures')));
    await october.promise;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.findAll(Heading).map((h) => h.text)).toContain('September figures');
    expect(r.findAll(Heading).map((h) => h.text)).not.toContain('October figures');
    expect(calls(fetchMock).map((c) => c.url.search)).toEqual(['', '?period=2026-10', '?period=2026-09']);
  });
});
