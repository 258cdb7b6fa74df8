// End to end, in one process: the service started through its composition root on real Redis and BullMQ, HubSpot as nock.
// Signed webhooks make three tickets' outcomes billable; through the signed card API one dispute is upheld
// and another rejected; `export` then replays in `simulate` into the live ledger field for field, the
// invoice has the re-rated credit line, and HubSpot got each dispute on the record and its verification log.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { parseActionsText } from '../../src/adapters/files/actions-file.ts';
import { loadCriteriaFiles } from '../../src/adapters/files/criteria-files.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../src/adapters/http/hubspot-signature.ts';
import { WEBHOOK_PATH } from '../../src/adapters/http/paths.ts';
import { parseEventsText } from '../../src/adapters/hubspot/events-file.ts';
import { parseRecordsText } from '../../src/adapters/hubspot/records-file.ts';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import { createRedisWritebackStore } from '../../src/adapters/redis/writeback-store.ts';
import { main } from '../../src/cli/main.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { invoiceOf, outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import { start } from '../../src/main/compose.ts';
import type { RunningService } from '../../src/main/compose.ts';
import { HUBSPOT_BASE, HUBSPOT_TOKEN, hubspotDouble } from '../support/hubspot-double.ts';
import type { RecordedCall } from '../support/hubspot-double.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { freePort, readLedger, sleep } from '../support/service.ts';

const PORTAL = 62515;
const SECRET = 'disputes-e2e-client-secret';
const ANN = { userId: 7, email: 'ann.rep@example.com' };
/** The portal's one dispute resolver (DISPUTE_RESOLVERS). */
const REX = { userId: 9, email: 'rex.finance@example.com' };
const TICKETS = ['11', '12', '13'] as const;
const UPHELD = '11';
const REJECTED = '12';
/**
 * Graduated: the first 2 outcomes of a period at 10.00, every further one at 4.00. Three billable cost
 * 2 × 10.00 + 1 × 4.00 = 24.00. Ticket 11 settles first, so it is one of the two rated at 10.00; its
 * credit is still re-rated against the period's count (contract §5): amount(3) − amount(2) = 24.00 − 20.00
 * = 4.00, not the 10.00 its place in the tiers would suggest.
 */
const CRITERIA_YAML = `criteria:
  - id: resolve
    version: 1
    name: Ticket resolved within an hour
    owner: ops@example.com
    effective_from: "2020-01-01T00:00:00Z"
    object: ticket
    trigger: { property: agent_started_at }
    success: "stage = 'closed'"
    within: 1h
    price: { currency: USD, model: graduated, tiers: [{ up_to: 2, unit_amount: "10.00" }, { up_to: null, unit_amount: "4.00" }] }
`;
const POLL_TIMEOUT_MS = 15_000;
const UPDATE_PATH = '/crm/objects/2026-09/tickets/batch/update';
const UPSERT_PATH = `/crm/objects/2026-09/p${PORTAL}_ob_verification_log/batch/upsert`;
const ASSOCIATE_PATH = `/crm/associations/2026-09/p${PORTAL}_ob_verification_log/tickets/batch/associate/default`;
const READ_PATH = '/crm/objects/2026-09/tickets/batch/read';

type Props = Record<string, string>;
type Input = { id: string; properties: Props };

describe.sequential('disputes end to end: webhooks, the signed card API, the workers, HubSpot write-back, export and simulate', () => {
  const prefix = testPrefix('disputes-e2e');
  const dir = mkdtempSync(join(tmpdir(), 'ob-disputes-e2e-'));
  const file = (name: string) => join(dir, name);
  const logLines: string[] = [];
  const unmatched: string[] = [];
  let redis: Redis;
  let criteria: CriteriaSet;
  let canonical: string[];
  let service: RunningService | undefined;
  let base: string;
  let hubspot: ReturnType<typeof hubspotDouble>;
  let eventId = 5000;

  beforeAll(async () => {
    redis = connect();
    writeFileSync(file('criteria.yaml'), CRITERIA_YAML);
    const loaded = await loadCriteriaFiles([file('criteria.yaml')]);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    criteria = loaded.set;
    canonical = loaded.versions.map((v) => v.canonical);
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    // A request nock has no answer for (another host or method): the service's own address passes through.
    nock.emitter.on('no match', (req: { method?: string; url?: string }) => {
      if (!String(req.url).startsWith('http://127.0.0.1')) unmatched.push(`${req.method} ${req.url}`);
    });
    hubspot = hubspotDouble();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await start(
      {
        PORT: String(port),
        REDIS_URL,
        REDIS_PREFIX: prefix,
        HUBSPOT_CLIENT_SECRET: SECRET,
        PUBLIC_BASE_URL: base,
        ADMIN_TOKEN: 'disputes-e2e-admin-token-0123456789',
        CRITERIA_PATH: file('criteria.yaml'),
        SIGNAL_HOLD_MS: '300',
        SWEEP_INTERVAL_MS: '500',
        WRITEBACK_INTERVAL_MS: '100',
        CRM_READ_INTERVAL_MS: '50',
        SHUTDOWN_TIMEOUT_MS: '5000',
        HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
        HUBSPOT_API_BASE_URL: HUBSPOT_BASE,
        DISPUTE_RESOLVERS: String(REX.userId),
        LOG_LEVEL: 'info',
      },
      { web: true, worker: true },
      { logDestination: { write: (line: string) => void logLines.push(line) } },
    );
    await until('the service is ready (Redis and a worker heartbeat)', async () => (await fetch(`${base}/readyz`)).status === 200);
  }, 30_000);

  afterAll(async () => {
    try {
      await service?.stop();
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
      nock.emitter.removeAllListeners('no match');
      await deletePrefix(redis, prefix);
      await redis.quit();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  /** Polls until `check` holds (no fixed sleeps): the workers, the read and write-back drains run on their own. */
  async function until(what: string, check: () => Promise<boolean>, timeoutMs = POLL_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not yet (the server may still be starting)
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
      await sleep(100);
    }
  }

  /** A request as HubSpot signs it (v3 over method, public URL, body and timestamp); a card's carries the portal and user in the URL. */
  async function signed(method: 'GET' | 'POST', path: string, body?: unknown, user?: typeof ANN) {
    const url = user ? `${path}?portalId=${PORTAL}&userId=${user.userId}&userEmail=${encodeURIComponent(user.email)}&appId=4242` : path;
    const raw = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Date.now());
    const signature = signHubSpotV3({ method, url: base + url, rawBody: raw, timestamp, secret: SECRET });
    const res = await fetch(base + url, {
      method,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp },
      ...(method === 'POST' ? { body: raw } : {}),
    });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON the test inspects
  }

  const change = (recordId: string, at: number, propertyName: string, propertyValue: string) => ({
    eventId: ++eventId,
    subscriptionId: 2210101,
    portalId: PORTAL,
    appId: 4242,
    occurredAt: at,
    subscriptionType: 'ticket.propertyChange',
    attemptNumber: 0,
    objectId: Number(recordId),
    propertyName,
    propertyValue,
    changeSource: 'INTEGRATION',
    sourceId: `integration:${recordId}`,
  });

  const live = async () => (await readLedger(redis, prefix)).outcomes;
  const outcomeOf = async (recordId: string): Promise<Outcome | undefined> => (await live()).find((o) => o.recordId === recordId);
  const card = async (recordId: string, user = ANN) => (await signed('GET', `/ui/records/0-5/${recordId}/outcomes`, undefined, user)).body;
  const outboxEmpty = async () => (await createRedisWritebackStore(redis, prefix).outboxSize()) === 0;
  const inputs = (path: string): Input[] => hubspot.calls.filter((c: RecordedCall) => c.path === path).flatMap((c) => c.body.inputs as Input[]);
  /** What HubSpot was last told for a ticket (its billing properties) or an outcome (its verification log). */
  const lastWrite = (path: string, id: string): Props | undefined => inputs(path).findLast((i) => i.id === id)?.properties;

  it('webhooks make three outcomes billable; one dispute is upheld and one rejected through the signed card; export replays in simulate into the live ledger', async () => {
    onTestFailed(() => {
      process.stderr.write(`HubSpot calls: ${JSON.stringify(hubspot.paths())}\nservice log (tail):\n${logLines.slice(-60).join('')}\n`);
    });
    const ids: Record<string, string> = {};

    // 1. The agent starts on three tickets: HubSpot has them open, and the first-seen reads say so.
    for (const t of TICKETS) hubspot.records.set(`tickets/${t}`, { agent_started_at: 'x', stage: 'new' });
    const t0 = Date.now() - 1_000;
    const presses = await signed('POST', WEBHOOK_PATH, TICKETS.map((t, i) => change(t, t0 + i * 10, 'agent_started_at', 'x')));
    expect(presses.status).toBe(200);
    await until('three outcomes are open', async () => (await live()).filter((o) => o.status === 'open').length === 3);

    // 2. The tickets close, in order: each outcome is read from HubSpot before it settles billable.
    for (const t of TICKETS) hubspot.records.set(`tickets/${t}`, { agent_started_at: 'x', stage: 'closed' });
    const t1 = Date.now();
    expect((await signed('POST', WEBHOOK_PATH, TICKETS.map((t, i) => change(t, t1 + i * 10, 'stage', 'closed')))).status).toBe(200);
    await until('three outcomes are billable and written to HubSpot', async () => {
      const billable = (await live()).filter((o) => o.status === 'billable');
      return billable.length === 3 && (await outboxEmpty()) && billable.every((o) => lastWrite(UPSERT_PATH, o.outcomeId)?.ob_status === 'billable');
    });
    for (const t of TICKETS) ids[t] = (await outcomeOf(t))!.outcomeId;
    expect((await live()).map((o) => outcomeView(o).verification)).toEqual(['signals + CRM read', 'signals + CRM read', 'signals + CRM read']);

    // 3. Ann (a rep) disputes ticket 11's outcome from the card; the worker applies it and HubSpot shows it open.
    const opened = await signed('POST', '/ui/disputes', { requestId: 'req-open-11', outcomeId: ids[UPHELD], category: 'wrong_record', note: 'the agent closed the wrong ticket' }, ANN);
    expect(opened.status, JSON.stringify(opened.body)).toBe(202);
    expect(opened.body.action).toMatchObject({ type: 'open_dispute', by: ANN, outcomeId: ids[UPHELD], reason: 'Wrong record: the agent closed the wrong ticket' });
    const openedAt = Date.parse(opened.body.action.at as string);
    await until('the open dispute is on the card and on the ticket in HubSpot', async () => {
      const shown = (await card(UPHELD)).outcomes[0];
      return shown.dispute?.state === 'open' && lastWrite(UPDATE_PATH, UPHELD)?.ob_disputed === 'true';
    });
    expect(lastWrite(UPDATE_PATH, UPHELD)).toMatchObject({ ob_status: 'billable', ob_disputed: 'true', ob_dispute_state: 'open', ob_credited_count: '0' });
    expect((await card(UPHELD, REX)).viewer).toEqual({ userId: REX.userId, canResolve: true });

    // 4. Ann may not resolve it (403); Rex, the resolver, upholds it.
    const byAnn = await signed('POST', '/ui/disputes/resolve', { requestId: 'req-ann-resolves', outcomeId: ids[UPHELD], resolution: 'upheld', note: 'me' }, ANN);
    expect([byAnn.status, byAnn.body.error.code]).toEqual([403, 'forbidden']);
    const upheld = await signed('POST', '/ui/disputes/resolve', { requestId: 'req-uphold-11', outcomeId: ids[UPHELD], resolution: 'upheld', note: 'confirmed with the customer' }, REX);
    expect(upheld.status, JSON.stringify(upheld.body)).toBe(202);
    const upheldAt = Date.parse(upheld.body.action.at as string);

    // 5. Ann disputes ticket 12; Rex rejects it at once (the resolve is checked against the open still waiting to be applied).
    const second = await signed('POST', '/ui/disputes', { requestId: 'req-open-12', outcomeId: ids[REJECTED], category: 'not_achieved', note: 'the customer reopened it' }, ANN);
    expect(second.status, JSON.stringify(second.body)).toBe(202);
    const rejected = await signed('POST', '/ui/disputes/resolve', { requestId: 'req-reject-12', outcomeId: ids[REJECTED], resolution: 'rejected', note: 'reopened for another issue' }, REX);
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(202);
    const rejectedAt = Date.parse(rejected.body.action.at as string);

    await until('both resolutions are applied and written to HubSpot', async () => {
      const [a, b] = [(await card(UPHELD)).outcomes[0], (await card(REJECTED)).outcomes[0]];
      return (
        a.status === 'credited' &&
        b.dispute?.state === 'rejected' &&
        (await outboxEmpty()) &&
        lastWrite(UPSERT_PATH, ids[UPHELD]!)?.ob_dispute_state === 'upheld' &&
        lastWrite(UPSERT_PATH, ids[REJECTED]!)?.ob_dispute_state === 'rejected'
      );
    });
    const shown = (await card(UPHELD)).outcomes[0];
    expect(shown.dispute).toMatchObject({ state: 'upheld', openedBy: ANN, resolvedBy: REX, note: 'confirmed with the customer' });
    expect(shown.canDispute).toBe(false);

    // 6. The live ledger, and `export` replayed by `simulate`: the same outcomes with their trails, the same invoice.
    const ledger = await readLedger(redis, prefix);
    expect([ledger.pendingSignals, ledger.due]).toEqual([0, 0]);
    const outcomes = ledger.outcomes;
    expect(outcomes.map((o) => [o.recordId, o.status, o.dispute?.state ?? null])).toEqual([
      ['11', 'credited', 'upheld'],
      ['12', 'billable', 'rejected'],
      ['13', 'billable', null],
    ]);
    const exported = await cli('export', '--portal', String(PORTAL), '--events', file('events.json'), '--actions', file('actions.json'), '--criteria', file('exported-criteria.yaml'), '--records', file('records.json'), '--redis-url', REDIS_URL, '--prefix', prefix);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.err).toBe('');
    const replay = await simulateExport();
    expect(replay.refused).toEqual([]);
    expect(replay.outcomes.map((o) => outcomeView(o, true))).toEqual(outcomes.map((o) => outcomeView(o, true)));
    expect(replay.invoice).toEqual(invoiceOf(outcomes, criteria));
    // The same through the command line: simulate on the exported files, ledger on the live Redis.
    const sim = await cli('simulate', '--criteria', file('exported-criteria.yaml'), '--events', file('events.json'), '--actions', file('actions.json'), '--records', file('records.json'), '--format', 'json');
    const led = await cli('ledger', '--portal', String(PORTAL), '--format', 'json', '--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', file('criteria.yaml'));
    expect([sim.code, led.code], sim.err + led.err).toEqual([0, 0]);
    const [s, l] = [JSON.parse(sim.out), JSON.parse(led.out)];
    expect([s.outcomes, s.invoice, s.summary]).toEqual([l.outcomes, l.invoice, l.summary]);

    // 7. The invoice: the period's three charged at 24.00, and the upheld one credited at the re-rated 4.00 (see CRITERIA_YAML).
    const period = outcomes[0]!.billingPeriod!;
    const creditPeriod = outcomes[0]!.creditPeriod!;
    expect(replay.invoice).toEqual([
      {
        kind: 'charge', period, criteriaId: 'resolve', criteriaVersion: 1, currency: 'USD', quantity: 3, amount: '24.00',
        tiers: [
          { from: 1, to: 2, quantity: 2, unitAmount: '10.00', amount: '20.00' },
          { from: 3, to: null, quantity: 1, unitAmount: '4.00', amount: '4.00' },
        ],
      },
      { kind: 'credit', period: creditPeriod, criteriaId: 'resolve', criteriaVersion: 1, currency: 'USD', quantity: -1, amount: '-4.00', creditFor: period },
    ]);

    // 8. HubSpot: each ticket's billing properties as they end, and each verification log's dispute fields.
    expect(lastWrite(UPDATE_PATH, UPHELD)).toMatchObject({ ob_status: 'credited', ob_disputed: 'false', ob_dispute_state: 'upheld', ob_billable_count: '0', ob_credited_count: '1' });
    expect(lastWrite(UPDATE_PATH, REJECTED)).toMatchObject({ ob_status: 'billable', ob_disputed: 'false', ob_dispute_state: 'rejected', ob_billable_count: '1', ob_credited_count: '0' });
    expect(lastWrite(UPDATE_PATH, '13')).toMatchObject({ ob_status: 'billable', ob_disputed: 'false', ob_dispute_state: 'none', ob_billable_count: '1', ob_credited_count: '0' });
    expect(lastWrite(UPSERT_PATH, ids[UPHELD]!)).toMatchObject({
      ob_status: 'credited',
      ob_billed_period: period,
      ob_dispute_state: 'upheld',
      ob_dispute_reason: 'Wrong record: the agent closed the wrong ticket',
      ob_dispute_opened_by: ANN.email,
      ob_dispute_opened_at: String(openedAt),
      ob_dispute_note: 'confirmed with the customer',
      ob_dispute_resolved_by: REX.email,
      ob_dispute_resolved_at: String(upheldAt),
      ob_credit_period: creditPeriod,
      // Graduated: one outcome has no price of its own; the invoice line carries it.
      ob_amount: '',
      ob_currency: 'USD',
    });
    expect(lastWrite(UPSERT_PATH, ids[REJECTED]!)).toMatchObject({
      ob_status: 'billable',
      ob_dispute_state: 'rejected',
      ob_dispute_reason: 'Outcome not achieved: the customer reopened it',
      ob_dispute_opened_by: ANN.email,
      ob_dispute_note: 'reopened for another issue',
      ob_dispute_resolved_by: REX.email,
      ob_dispute_resolved_at: String(rejectedAt),
      ob_credit_period: '',
    });
    const trail = JSON.parse(lastWrite(UPSERT_PATH, ids[UPHELD]!)!.ob_audit_trail!) as { type: string }[];
    expect(trail.filter((e) => e.type.startsWith('dispute_')).map((e) => e.type)).toEqual(['dispute_opened', 'dispute_upheld']);
    // Each log associated with its ticket once; reads and writes only on the four batch endpoints; nothing else asked of HubSpot.
    const associated = hubspot.calls.filter((c) => c.path === ASSOCIATE_PATH).flatMap((c) => c.body.inputs as { to: { id: string } }[]);
    expect(associated.map((i) => i.to.id).sort()).toEqual([...TICKETS]);
    expect(hubspot.calls.filter((c) => ![READ_PATH, UPDATE_PATH, UPSERT_PATH, ASSOCIATE_PATH].includes(c.path))).toEqual([]);
    expect(inputs(READ_PATH).map((i) => i.id).sort()).toEqual(expect.arrayContaining([...TICKETS]));
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(nock.isDone()).toBe(true);
  }, 40_000);

  /** `simulate` on what `export` wrote, the criteria included. */
  async function simulateExport() {
    const events = parseEventsText(readFileSync(file('events.json'), 'utf8'), 'events.json');
    const actions = parseActionsText(readFileSync(file('actions.json'), 'utf8'), 'actions.json');
    const records = parseRecordsText(readFileSync(file('records.json'), 'utf8'), 'records.json');
    const exportedCriteria = await loadCriteriaFiles([file('exported-criteria.yaml')]);
    if (!events.ok || !actions.ok || !records.ok || !exportedCriteria.ok) throw new Error('an exported file does not read back');
    expect(actions.actions.map((a) => a.type)).toEqual(['open_dispute', 'resolve_dispute', 'open_dispute', 'resolve_dispute']);
    expect(records.records.map((r) => r.id).sort()).toEqual([...TICKETS]);
    expect(exportedCriteria.versions.map((v) => v.canonical)).toEqual(canonical);
    const signals = toSignals(events.events, { locations: events.locations });
    if (!signals.ok) throw new Error(JSON.stringify(signals.problems));
    return simulate({ criteria: exportedCriteria.set, records: records.records, signals: signals.signals, actions: actions.actions, until: null });
  }
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
