// The settings page's "Try on past data", rendered with HubSpot's createRenderer against a stand-in for hubspot.fetch: both sides side by side, the changed outcomes with their records, the window refused at its field, an error with retry.
import { Alert, Button, Input, Link, LoadingSpinner, Select, Table, TableCell, TableHeader, TableRow, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { STATUS_NAMES as CARD_STATUS_NAMES, REASON_WORDS as CARD_REASON_WORDS } from '../../hubspot-app/src/app/cards/words/outcomes.ts';
import { backtestSchema } from '../../hubspot-app/src/app/settings/api/schema.ts';
import type { Backtest, CriteriaList } from '../../hubspot-app/src/app/settings/api/schema.ts';
import { REASON_WORDS, STATUS_NAMES, money, verdictWords } from '../../hubspot-app/src/app/settings/words/backtest.ts';
import { createBacktest } from '../../src/app/backtest.ts';
import type { PortalLogEntry } from '../../src/app/ports.ts';
import { BASE_CRITERIA, criteriaSet } from '../support/scenario.ts';
import { answer, BASE, calls, deferred } from './card-fixtures.ts';

const fetchMock = vi.hoisted(() => vi.fn());
vi.mock('@hubspot/ui-extensions', async (importOriginal) => {
  const original = await importOriginal<typeof import('@hubspot/ui-extensions')>();
  return { ...original, hubspot: { ...original.hubspot, fetch: fetchMock } };
});

const { SettingsPage } = await import('../../hubspot-app/src/app/settings/components/settings-page.tsx');

const DRAFT = "id: resolve\nname: Ticket resolved\nobject: ticket\ntrigger:\n  property: agent_started_at\nsuccess: \"stage = 'closed'\"\nwithin: 3h\n";
const list: CriteriaList = { now: '2026-12-03T10:00:00.000Z', canPublish: true, canPause: true, criteria: [{ id: 'resolve', name: 'Ticket resolved', object: 'ticket', paused: null, nextVersion: 2, draft: DRAFT, versions: [] }] };

const change = (id: string, before: Backtest['changes'][number]['before'], after: Backtest['changes'][number]['after']) => ({
  outcomeId: `resolve:ticket:${id}:2026-11-30#1`,
  criteriaId: 'resolve',
  objectType: 'ticket',
  recordId: id,
  openedAt: '2026-11-30T00:00:00.000Z',
  recordUrl: `https://app.hubspot.com/contacts/62515/record/0-5/${id}`,
  before,
  after,
});

/** docs/card-api.md's example, with a second currency, a second reason and more changes than are sent. */
const RESULT: Backtest = {
  window: { from: '2026-11-03T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z', asOf: '2026-12-03T00:00:00.000Z' },
  draft: { criteriaId: 'resolve', version: 2 },
  asIs: { presses: 3, attempts: 3, successes: 1, billable: 1, pending: 0, charge: [{ currency: 'USD', amount: '1.00' }], yield: 1 / 3, notBillable: [{ reason: 'latency_breach', count: 2 }] },
  withDraft: {
    presses: 3,
    attempts: 3,
    successes: 3,
    billable: 2,
    pending: 1,
    charge: [{ currency: 'EUR', amount: '0.50' }, { currency: 'USD', amount: '1234.50' }],
    yield: 2 / 3,
    notBillable: [{ reason: 'cap_reached', count: 1 }, { reason: 'new_reason', count: 1 }],
  },
  changes: [change('2', { criteriaVersion: 1, status: 'not_billable', reason: 'latency_breach' }, { criteriaVersion: 2, status: 'billable', reason: null }), change('3', null, { criteriaVersion: 2, status: 'in_review', reason: null })],
  changedCount: 7,
  signals: 4,
};

function serve(backtests: (Response | Promise<Response>)[]) {
  fetchMock.mockImplementation(async (url: string) => {
    const path = new URL(url).pathname;
    if (path === '/ui/criteria') return answer(200, list);
    if (path === '/ui/criteria/validate') return answer(200, { valid: true, nextVersion: 2, problems: [], conflict: null, uncovered: [], advice: null });
    if (path === '/ui/criteria/backtest') return backtests.length > 1 ? backtests.shift() : backtests[0];
    throw new Error(`unexpected call ${url}`);
  });
}

async function openEditor() {
  const r = createRenderer('settings');
  r.render(<SettingsPage context={{ ...r.mocks.context, variables: { BACKEND_URL: BASE }, portal: { ...r.mocks.context.portal, id: 123, timezone: 'UTC' } }} />);
  await r.waitFor(() => r.findByTestId(Button, 'draft-resolve'));
  r.findByTestId(Button, 'draft-resolve').trigger('onClick');
  await r.waitFor(() => r.findByTestId(Button, 'backtest-run'));
  return r;
}
const backtestCalls = () => calls(fetchMock).filter((c) => c.url.pathname === '/ui/criteria/backtest');
const cells = (rows: { findAll: (c: typeof TableCell) => { text: string | null; maybeFind: (l: typeof Link) => { text: string | null } | null }[] }[]) =>
  rows.map((row) => row.findAll(TableCell).map((c) => c.maybeFind(Link)?.text ?? c.text));

beforeEach(() => {
  fetchMock.mockReset();
  // A page left mounted by an earlier test may still call (a debounced check): it gets no answer, as when offline, not undefined.
  fetchMock.mockImplementation(() => Promise.reject(new Error('no answer set up for this call')));
});

describe('try on past data', () => {
  it('runs the current draft over the last 30 days, then shows both sides side by side and each change linking to its record', async () => {
    const pending = deferred<Response>();
    serve([pending.promise]);
    const r = await openEditor();
    expect(r.findByTestId(Select, 'backtest-window').props.value).toBe(30);
    r.findByTestId(Input, 'field-within').trigger('onChange', '2h' as never);
    r.findByTestId(Button, 'backtest-run').trigger('onClick');
    await r.waitFor(() => r.findByTestId(LoadingSpinner, 'backtest-running'));
    expect(r.findByTestId(Button, 'backtest-run').props.disabled).toBe(true);
    pending.resolve(answer(200, RESULT));
    await r.waitFor(() => r.findByTestId(Text, 'backtest-more'));
    // The default window is the service's own: no `from` sent.
    expect(backtestCalls().map((c) => [c.method, c.body])).toEqual([['POST', { text: DRAFT.replace('within: 3h', 'within: 2h') }]]);
    expect(r.findByTestId(Text, 'backtest-more').text).toBe('and 5 more');
    expect(r.maybeFindByTestId(Text, 'backtest-stale')).toBeNull();
    const table = (id: string) => cells(r.findByTestId(Table, id).findAll(TableRow).slice(1));
    expect(r.findByTestId(Table, 'backtest-figures').findAll(TableHeader).map((h) => h.text)).toEqual([' ', 'As in force now', 'With this draft']);
    expect(table('backtest-figures')).toEqual([
      ['Agent presses', '3', '3'],
      ['Attempts (retries counted once)', '3', '3'],
      ['Successes', '1', '3'],
      ['Billable outcomes', '1', '2'],
      ['Still pending (not settled yet)', '0', '1'],
      ['Charge', '$1.00', '€0.50, $1,234.50'],
      ['Yield (billable per attempt)', '33.3 %', '66.7 %'],
      ['Not billable, by reason', 'Success came after the time limit: 2', 'The record already had as many billable outcomes as the limit allows: 1; New reason: 1'],
    ]);
    expect(table('backtest-changes')).toEqual([
      ['Ticket 2', 'Nov 30, 2026, 12:00 AM', 'Not billable: success came after the time limit (v1) → Billable (v2)'],
      ['Ticket 3', 'Nov 30, 2026, 12:00 AM', 'No outcome → Pending review (v2)'],
    ]);
    expect(r.findByTestId(Link, 'change-resolve:ticket:2:2026-11-30#1').props.href).toBe('https://app.hubspot.com/contacts/62515/record/0-5/2');
    // The result stays, marked as for an earlier draft once the draft changes.
    r.findByTestId(Input, 'field-within').trigger('onChange', '1h' as never);
    await r.waitFor(() => r.findByTestId(Text, 'backtest-stale'));
  });

  it('shows a window the service refuses at the window field, and sends the chosen window', async () => {
    const refusal = { error: { code: 'invalid_request', message: 'from: is before the oldest signal kept', problems: [{ code: 'out_of_range', path: ['from'], message: 'is before the oldest signal kept (35 days): choose a later start' }] } };
    serve([answer(400, refusal)]);
    const r = await openEditor();
    r.findByTestId(Select, 'backtest-window').trigger('onChange', 60 as never);
    const before = Date.now();
    r.findByTestId(Button, 'backtest-run').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Select, 'backtest-window').props).toMatchObject({ error: true, validationMessage: 'is before the oldest signal kept (35 days): choose a later start' }));
    expect(r.maybeFindByTestId(Alert, 'backtest-failed')).toBeNull();
    const from = Date.parse(String(backtestCalls()[0]!.body!['from']));
    expect(before - from).toBeGreaterThanOrEqual(60 * 86_400_000);
    expect(before - from).toBeLessThan(60 * 86_400_000 + 60_000);
  });

  it('says the service could not answer, and tries the same run again', async () => {
    serve([answer(503, { error: { code: 'store_unavailable', message: 'Redis is out of reach' } }), answer(200, { ...RESULT, changes: [], changedCount: 0 })]);
    const r = await openEditor();
    r.findByTestId(Button, 'backtest-run').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'backtest-failed'));
    expect(r.findByTestId(Alert, 'backtest-failed').text).toContain('could not answer just now (Redis is out of reach)');
    r.findByTestId(Button, 'backtest-retry').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Text, 'backtest-no-changes'));
    expect(r.maybeFindByTestId(Alert, 'backtest-failed')).toBeNull();
    expect(backtestCalls().map((c) => c.body)).toEqual([{ text: DRAFT }, { text: DRAFT }]);
  });

  it('reads an answer it cannot parse as the service and app being out of step', async () => {
    serve([answer(200, { ...RESULT, asIs: { ...RESULT.asIs, charge: [{ currency: 'USD', amount: 100 }] } })]);
    const r = await openEditor();
    r.findByTestId(Button, 'backtest-run').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Alert, 'backtest-failed'));
    expect(r.findByTestId(Alert, 'backtest-failed').text).toMatch(/out of step/);
  });
});

describe("the service's own answers", () => {
  const NOW = Date.parse('2026-12-03T00:00:00Z');
  const signal = (at: number, recordId: string, property: string, value: string): PortalLogEntry => ({ entry: 'signal', signal: { kind: 'property', objectType: 'ticket', recordId, at, property, value } });
  const store = {
    async *portalLog() {
      yield signal(NOW - 3 * 86_400_000, '2', 'agent_started_at', '1');
      yield signal(NOW - 3 * 86_400_000 + 7_200_000, '2', 'stage', 'closed');
    },
  };
  const service = createBacktest({ store, criteria: () => criteriaSet({ effective_from: '2026-01-01T00:00:00Z' }), retentionMs: 35 * 86_400_000, clock: () => NOW });
  const draftYaml = stringify({ ...BASE_CRITERIA, within: '3h' });

  it('parses a result, and finds the window refusal at `from`', async () => {
    const ok = await service.run({ portalId: 42, draftYaml });
    if (ok.kind !== 'ok') throw new Error(JSON.stringify(ok));
    const parsed = backtestSchema.parse(JSON.parse(JSON.stringify(ok.view)));
    expect(parsed.changes.map((c) => [c.recordUrl, verdictWords(c.before), verdictWords(c.after)])).toEqual([
      ['https://app.hubspot.com/contacts/42/record/0-5/2', 'Not billable: success came after the time limit (v1)', 'Billable (v2)'],
    ]);
    const refused = await service.run({ portalId: 42, draftYaml, from: NOW - 60 * 86_400_000 });
    expect(refused.kind === 'invalid_window' && refused.problems.map((p) => p.path)).toEqual([['from']]);
  });
});

describe("the backtest's words", () => {
  it("are the card's status and reason words, and parse the service's documented answer", () => {
    expect(STATUS_NAMES).toEqual(CARD_STATUS_NAMES);
    expect(REASON_WORDS).toEqual(CARD_REASON_WORDS);
    expect(backtestSchema.safeParse(RESULT).success).toBe(true);
    expect(backtestSchema.safeParse({ ...RESULT, changes: [{ ...RESULT.changes[0], recordUrl: 'javascript:alert(1)' }] }).success).toBe(false);
    expect([money('500', 'JPY'), money('1.00', 'XYZ1'), verdictWords({ criteriaVersion: 3, status: 'settled_later', reason: 'odd_case' })]).toEqual(['¥500', '1.00 XYZ1', 'settled later: odd case (v3)']);
  });
});
