// Disputes on HubSpot: the record's dispute properties and the verification log's dispute, credit and allocation fields, for each dispute step, as payloads and through the write-back drain to a nock HubSpot.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import type { MemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { drainWriteback, withoutEmails } from '../../src/app/writeback.ts';
import { billingProperties, verificationLogProperties } from '../../src/app/writeback-payloads.ts';
import { decide } from '../../src/core/engine/decide.ts';
import type { DisputeAction } from '../../src/core/engine/input.ts';
import { SETTLED } from '../../src/core/engine/outcome.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import type { UserRef } from '../../src/core/types.ts';
import { drainDeps, hubspotDouble, outcomeFixture, recordingLog, stateWith } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 42;
const LOG_TYPE = 'p42_ob_verification_log';
const CRITERIA = criteriaSet();
const REP: UserRef = { userId: 7, email: 'rita.rep@example.com' };
const FINANCE: UserRef = { userId: 9, email: 'fiona.finance@example.com' };
const OPENED = Date.parse('2026-11-20T09:00:00Z');
const RESOLVED = Date.parse('2026-12-02T15:30:00Z');
const REASON = 'Wrong record: the contact was already routed';

const billable = (recordId: string, over: Partial<Outcome> = {}) => outcomeFixture({ recordId, status: 'billable', ...over });

/** A dispute action on the record's first outcome unless it names another. */
type StepAction = DisputeAction extends infer A ? (A extends DisputeAction ? Omit<A, 'outcomeId'> & { outcomeId?: string } : never) : never;

/** Applies a dispute step through the core, as the worker does, and returns the record's state after it. */
function step(state: RecordState, action: StepAction): RecordState {
  const outcomeId = action.outcomeId ?? state.outcomes[0]!.outcomeId;
  const decision = decide(state, { ...action, outcomeId } as DisputeAction, CRITERIA);
  if (!decision.ok) throw new Error(decision.error.message);
  return decision.state;
}
const open = (s: RecordState, outcomeId?: string, at = OPENED) => step(s, { type: 'open_dispute', at, by: REP, reason: REASON, outcomeId });
const resolve = (s: RecordState, resolution: 'upheld' | 'rejected', note: string) => step(s, { type: 'resolve_dispute', at: RESOLVED, by: FINANCE, resolution, note });
const fresh = (...outcomes: Outcome[]) => stateWith('ticket', '11', outcomes.map((o) => structuredClone(o)));

const NO_DISPUTE = {
  ob_dispute_state: 'none',
  ob_dispute_reason: '',
  ob_dispute_opened_by: '',
  ob_dispute_opened_at: '',
  ob_dispute_note: '',
  ob_dispute_resolved_by: '',
  ob_dispute_resolved_at: '',
  ob_credit_period: '',
};

describe('what a dispute writes', () => {
  it('no dispute: the log says none with every dispute field empty; the record has nothing disputed or credited', () => {
    const state = fresh(billable('11'));
    expect(verificationLogProperties(state.outcomes[0]!, null)).toMatchObject({ ...NO_DISPUTE, ob_status: 'billable', ob_billed_period: '2026-11' });
    expect(billingProperties(state)).toMatchObject({ ob_disputed: 'false', ob_dispute_state: 'none', ob_billable_count: '1', ob_credited_count: '0' });
  });

  it('open: the log names the reason, who opened it (by email) and when; the record is flagged and still billed', () => {
    const state = open(fresh(billable('11')));
    expect(verificationLogProperties(state.outcomes[0]!, null)).toMatchObject({
      ...NO_DISPUTE,
      ob_status: 'billable',
      ob_billed_period: '2026-11',
      ob_dispute_state: 'open',
      ob_dispute_reason: REASON,
      ob_dispute_opened_by: 'rita.rep@example.com',
      ob_dispute_opened_at: String(OPENED),
    });
    expect(billingProperties(state)).toMatchObject({ ob_status: 'billable', ob_disputed: 'true', ob_dispute_state: 'open', ob_billable_count: '1', ob_credited_count: '0' });
  });

  it('upheld: the log says credited, by whom, when and why, the period billed and the period whose invoice carries the credit', () => {
    const state = resolve(open(fresh(billable('11'))), 'upheld', 'Confirmed with the customer');
    const log = verificationLogProperties(state.outcomes[0]!, null);
    expect(log).toMatchObject({
      ob_status: 'credited',
      ob_billed_period: '2026-11',
      ob_dispute_state: 'upheld',
      ob_dispute_reason: REASON,
      ob_dispute_opened_by: 'rita.rep@example.com',
      ob_dispute_opened_at: String(OPENED),
      ob_dispute_note: 'Confirmed with the customer',
      ob_dispute_resolved_by: 'fiona.finance@example.com',
      ob_dispute_resolved_at: String(RESOLVED),
      ob_credit_period: '2026-12',
    });
    // Every step is in the trail with the criteria version in force (contract §5).
    const trail = JSON.parse(log.ob_audit_trail!) as { type: string; version: number }[];
    expect(trail.filter((e) => e.type.startsWith('dispute_'))).toEqual([
      expect.objectContaining({ type: 'dispute_opened', version: 1, note: REASON }),
      expect.objectContaining({ type: 'dispute_upheld', version: 1, note: 'Confirmed with the customer' }),
    ]);
    expect(billingProperties(state)).toMatchObject({ ob_status: 'credited', ob_disputed: 'false', ob_dispute_state: 'upheld', ob_billable_count: '0', ob_credited_count: '1' });
  });

  it('rejected: the outcome stays billed with no credit; the log names who rejected it, when and why', () => {
    const state = resolve(open(fresh(billable('11'))), 'rejected', 'The routing was correct');
    expect(verificationLogProperties(state.outcomes[0]!, null)).toMatchObject({
      ob_status: 'billable',
      ob_billed_period: '2026-11',
      ob_dispute_state: 'rejected',
      ob_dispute_note: 'The routing was correct',
      ob_dispute_resolved_by: 'fiona.finance@example.com',
      ob_dispute_resolved_at: String(RESOLVED),
      ob_credit_period: '',
    });
    expect(billingProperties(state)).toMatchObject({ ob_status: 'billable', ob_disputed: 'false', ob_dispute_state: 'rejected', ob_billable_count: '1', ob_credited_count: '0' });
  });

  it("the record shows its latest dispute, the one opened last, whichever outcome it is on", () => {
    const first = billable('11');
    const second = billable('11', { seq: 2 });
    // The later outcome is disputed first; the earlier one's dispute, opened after, is the latest.
    let state = open(fresh(first, second), second.outcomeId, OPENED);
    state = step(state, { type: 'resolve_dispute', at: OPENED + 1_000, by: FINANCE, resolution: 'upheld', note: 'ok', outcomeId: second.outcomeId });
    state = open(state, first.outcomeId, OPENED + 60_000);
    expect(billingProperties(state)).toMatchObject({ ob_outcome_id: second.outcomeId, ob_status: 'credited', ob_dispute_state: 'open', ob_credited_count: '1', ob_billable_count: '1', ob_disputed: 'true' });
  });

  it('the record is flagged disputed while any of its billable outcomes has an open dispute, not only the latest one', () => {
    const older = billable('11');
    const latest = billable('11', { seq: 2 });
    const state = open(fresh(older, latest), older.outcomeId);
    expect(billingProperties(state)).toMatchObject({ ob_outcome_id: latest.outcomeId, ob_dispute_state: 'open', ob_billable_count: '2', ob_disputed: 'true' });
    const settled = step(state, { type: 'resolve_dispute', at: RESOLVED, by: FINANCE, resolution: 'rejected', note: 'fine', outcomeId: older.outcomeId });
    expect(billingProperties(settled)).toMatchObject({ ob_dispute_state: 'rejected', ob_disputed: 'false' });
  });

  it('allocation (contract §9): agent, cost centre and over-limit, empty when the outcome has none', () => {
    expect(verificationLogProperties(billable('11'), null)).toMatchObject({ ob_agent_id: '', ob_cost_centre: '', ob_over_limit: 'false' });
    const allocated = billable('11', { agentId: 'userId:123', costCentre: 'emea-sales', overLimit: true });
    expect(verificationLogProperties(allocated, null)).toMatchObject({ ob_agent_id: 'userId:123', ob_cost_centre: 'emea-sales', ob_over_limit: 'true' });
    // Billed period is for billed outcomes only.
    expect(verificationLogProperties(outcomeFixture({ recordId: '11', status: 'in_review' }), null).ob_billed_period).toBe('');
  });

  it('each dispute step changes only a settled outcome, which the worker writes back at once, not held by the pending-write delay', () => {
    const steps: StepAction[] = [
      { type: 'open_dispute', at: OPENED, by: REP, reason: REASON },
      { type: 'resolve_dispute', at: OPENED + 1_000, by: FINANCE, resolution: 'rejected', note: 'no' },
      { type: 'open_dispute', at: OPENED + 2_000, by: REP, reason: 'again' },
      { type: 'resolve_dispute', at: RESOLVED, by: FINANCE, resolution: 'upheld', note: 'yes' },
    ];
    let state = fresh(billable('11'));
    const outcomeId = state.outcomes[0]!.outcomeId;
    for (const action of steps) {
      const decision = decide(state, { ...action, outcomeId } as DisputeAction, CRITERIA);
      expect(decision.ok).toBe(true);
      const changed = decision.effects.flatMap((e) => (e.type === 'outcome_changed' ? [e.outcome.status] : []));
      // process-record's writeDueAt: a change to a settled outcome is due now.
      expect(changed).toHaveLength(1);
      expect(SETTLED.has(changed[0]!)).toBe(true);
      state = decision.state;
    }
    expect(state.outcomes[0]!.status).toBe('credited');
  });
});

let now: number;
let hubspot: ReturnType<typeof hubspotDouble>;
const log = recordingLog();
let signals: MemorySignalStore;
let store: MemoryWritebackStore;

beforeEach(() => {
  now = OPENED;
  signals = createMemorySignalStore({ clock: () => now });
  store = createMemoryWritebackStore(signals);
  nock.disableNetConnect();
  hubspot = hubspotDouble();
  log.clear();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function deps() {
  const guards = { lock: createMemoryDrainLock({ clock: () => now }), backoff: createMemoryBackoff({ clock: () => now }), limiter: createMemoryRateLimiter({ max: 1_000 }) };
  return { ...drainDeps({ ...guards, clock: () => now, metrics: createMetrics({ defaultMetrics: false }), log, criteria: () => CRITERIA }), store };
}

/** Commits the record's state as a worker does: due at once, as a settled outcome's change is. */
async function commit(state: RecordState): Promise<void> {
  const ref = { portalId: PORTAL, objectType: 'ticket' as const, recordId: state.recordId };
  const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
  const result = await signals.commit({ record: ref, version: loaded.version, state: structuredClone(state), applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
  expect(result.ok).toBe(true);
}

const inputOf = (suffix: string) => hubspot.calls.find((c) => c.path.endsWith(suffix))!.body.inputs[0] as { id: string; properties: Record<string, string> };

describe('write-back of a dispute', () => {
  it("writes a disputed, then upheld outcome: the record's dispute properties and the log's dispute and credit fields, by update and upsert", async () => {
    let state = fresh(billable('11'));
    await commit(state);
    await drainWriteback(deps());
    expect(inputOf('/batch/upsert').properties).toMatchObject(NO_DISPUTE);

    hubspot.reset();
    state = open(state);
    await commit(state);
    expect(await drainWriteback(deps())).toMatchObject({ calls: 2, removed: 1, deadLetters: 0 });
    // The log is associated already: only the record and the log are written again.
    expect(hubspot.paths()).toEqual(['POST /crm/objects/2026-09/tickets/batch/update', `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`]);
    expect(inputOf('/tickets/batch/update')).toMatchObject({ id: '11', properties: { ob_status: 'billable', ob_disputed: 'true', ob_dispute_state: 'open', ob_credited_count: '0' } });
    expect(inputOf('/batch/upsert')).toMatchObject({
      id: state.outcomes[0]!.outcomeId,
      properties: { ob_status: 'billable', ob_dispute_state: 'open', ob_dispute_reason: REASON, ob_dispute_opened_by: REP.email, ob_dispute_opened_at: String(OPENED), ob_dispute_resolved_by: '' },
    });

    hubspot.reset();
    now = RESOLVED;
    state = resolve(state, 'upheld', 'Confirmed with the customer');
    await commit(state);
    expect(await drainWriteback(deps())).toMatchObject({ calls: 2, removed: 1 });
    expect(inputOf('/tickets/batch/update').properties).toMatchObject({ ob_status: 'credited', ob_disputed: 'false', ob_dispute_state: 'upheld', ob_billable_count: '0', ob_credited_count: '1' });
    const upserted = inputOf('/batch/upsert').properties;
    expect(upserted).toMatchObject({
      ob_status: 'credited',
      ob_amount: '1.00',
      ob_billed_period: '2026-11',
      ob_credit_period: '2026-12',
      ob_dispute_state: 'upheld',
      ob_dispute_opened_by: REP.email,
      ob_dispute_note: 'Confirmed with the customer',
      ob_dispute_resolved_by: FINANCE.email,
      ob_dispute_resolved_at: String(RESOLVED),
      ob_agent_id: '',
      ob_cost_centre: '',
      ob_over_limit: 'false',
    });
    expect(upserted.ob_audit_trail).toContain('"type":"dispute_upheld"');
    expect(await signals.outbox()).toEqual([]);
  });

  it("a refusal that quotes a user's email is dead-lettered and logged without it: staff emails stay in HubSpot", async () => {
    const state = open(fresh(billable('11')));
    await commit(state);
    hubspot.always = (call) =>
      call.path.endsWith('/batch/upsert')
        ? {
            status: 400,
            body: {
              status: 'error',
              category: 'VALIDATION_ERROR',
              message: `Property values were not valid: [{"isValid":false,"message":"${REP.email} is not allowed","name":"ob_dispute_opened_by"}]`,
            },
          }
        : undefined;
    expect(await drainWriteback(deps())).toMatchObject({ deadLetters: 1 });
    const [letter] = await store.deadLetters();
    expect(letter).toMatchObject({ kind: 'verification_log', outcomeId: state.outcomes[0]!.outcomeId, message: expect.stringContaining('[email] is not allowed') });
    expect(JSON.stringify(await store.deadLetters())).not.toContain('@example.com');
    expect(log.entries.some((e) => e.level === 'error')).toBe(true);
    expect(JSON.stringify(log.entries)).not.toContain('@example.com');
  });

  it('withoutEmails keeps everything but the addresses', () => {
    expect(withoutEmails('ob_dispute_opened_by: "a.b+c@sub.example.co.uk" and fiona@example.com, userId:7, name@host')).toBe(
      'ob_dispute_opened_by: "[email]" and [email], userId:7, name@host',
    );
    // HubSpot may quote long values: the match is linear (an unbounded pattern took minutes on this, past the test's timeout).
    const long = 'x'.repeat(200_000);
    expect(withoutEmails(`${long}@${long}`)).toBe(`${long}@${long}`);
  });
});

describe('billing properties of a record whose outcomes a late input withdrew', () => {
  it('clears them (nothing to say is not the same as nothing written)', () => {
    const state = newRecordState('ticket', '9');
    expect(billingProperties(state)).toBeNull();
    state.withdrawn = [outcomeFixture({ recordId: '9', status: 'billable' })];
    expect(billingProperties(state)).toMatchObject({ ob_status: '', ob_outcome_id: '', ob_billable_count: '0', ob_disputed: 'false', ob_dispute_state: 'none', ob_credited_count: '0' });
  });
});
