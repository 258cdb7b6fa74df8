// Use case: operator actions from the card, on the in-memory store: dry run, refusals, permissions, idempotency, compare-and-set.
import { describe, expect, it } from 'vitest';
import { processRecord } from '../../src/app/process-record.ts';
import type { IngestItem, PortalLogEntry, RecordRef, SignalStore } from '../../src/app/ports.ts';
import { submitAction } from '../../src/app/submit-action.ts';
import type { ActionBody, SubmitActionDeps } from '../../src/app/submit-action.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const criteria = criteriaSet();
const MIN = 60_000;
const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '5' };
const outcomeId = 'resolve:ticket:5:2026-11-03#1';
const ann = { userId: 7, email: 'ann@example.com' };
const rex = { userId: 9, email: 'Rex@Example.com' };
const resolvers = { userIds: new Set<number>(), emails: new Set(['rex@example.com']) };
const set = (minutes: number, property: string, value: string): IngestItem => ({
  identity: `${minutes}/${property}`,
  signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0 + minutes * MIN, property, value },
});
const openDispute: ActionBody = { type: 'open_dispute', outcomeId, reason: 'Wrong record: already routed' };
const uphold: ActionBody = { type: 'resolve_dispute', outcomeId, resolution: 'upheld', note: 'agreed' };

function setup(over: { store?: (s: MemorySignalStore) => SignalStore } = {}) {
  const memory = createMemorySignalStore();
  const store = over.store?.(memory) ?? memory;
  const scheduler = createMemoryScheduler();
  const clock = { now: T0 };
  const deps: SubmitActionDeps = { store, scheduler, criteria: () => criteria, clock: () => clock.now, resolvers };
  const submit = (body: ActionBody, requestId = 'req-1', user = ann, portalId = 1) => submitAction(deps, { portalId, requestId, user, body });
  /** Presses at T0 and succeeds at T0+5 min, processed: outcome #1 is billable. */
  const billable = async () => {
    await memory.ingest(1, [set(0, 'agent_started_at', 'x'), set(5, 'stage', 'closed')]);
    clock.now = T0 + 6 * MIN;
    await processRecord({ store, scheduler, criteria: () => criteria, clock: () => clock.now, holdMs: 0 }, record);
    clock.now = T0 + 10 * MIN;
  };
  const pendingActions = async () => (await memory.load(record, Number.POSITIVE_INFINITY)).actions.map((a) => a.action);
  const log = async () => {
    const out: PortalLogEntry[] = [];
    for await (const e of memory.portalLog(1)) out.push(e);
    return out;
  };
  return { memory, scheduler, clock, submit, billable, pendingActions, log };
}

describe('submitAction: disputes', () => {
  it('stores an accepted dispute on its record at the service’s time, by the signed user, wakes the record, and answers with the outcome after it', async () => {
    const { submit, billable, pendingActions, scheduler, log } = setup();
    await billable();
    const r = await submit(openDispute);
    const action = { type: 'open_dispute', at: T0 + 10 * MIN, by: ann, outcomeId, reason: 'Wrong record: already routed' };
    expect(r).toMatchObject({ kind: 'accepted', repeated: false, answer: { action } });
    if (r.kind !== 'accepted') return;
    expect(r.answer.outcome).toMatchObject({ outcomeId, status: 'billable', dispute: { state: 'open', openedBy: ann, openedAt: T0 + 10 * MIN } });
    expect(await pendingActions()).toEqual([action]);
    expect(scheduler.wakes).toContainEqual({ record, at: T0 + 10 * MIN });
    expect((await log()).at(-1)).toEqual({ entry: 'action', action });
  });

  it('answers a retried request id with the first answer and stores nothing twice; another body under that id is a conflict', async () => {
    const { submit, billable, pendingActions, clock } = setup();
    await billable();
    const first = await submit(openDispute);
    clock.now += MIN;
    const again = await submit(openDispute);
    expect(again).toEqual({ ...first, repeated: true });
    expect(await pendingActions()).toHaveLength(1);
    expect(await submit({ ...openDispute, reason: 'Other: something else' })).toMatchObject({ kind: 'conflict', problem: { code: 'conflict', path: ['requestId'] } });
    // The same body from another user is another request too.
    expect((await submit(openDispute, 'req-1', { userId: 8, email: 'bo@example.com' })).kind).toBe('conflict');
    expect(await pendingActions()).toHaveLength(1);
  });

  it('refuses, with the core’s reason, what does not apply, and stores nothing', async () => {
    const { submit, billable, pendingActions, log } = setup();
    await billable();
    const logged = (await log()).length;
    expect(await submit(uphold, 'r1', rex)).toEqual({ kind: 'refused', error: { code: 'no_open_dispute', path: ['outcomeId'], message: expect.stringContaining('no open dispute') } });
    expect(await submit(openDispute, 'r2', { userId: 7, email: '' })).toMatchObject({ kind: 'refused', error: { code: 'invalid_dispute', path: ['by', 'email'] } });
    expect(await pendingActions()).toEqual([]);
    expect((await log()).length).toBe(logged);
  });

  it('dry-runs on the record with its pending signals and actions: a second dispute while the first is pending is refused', async () => {
    const { memory, submit, clock } = setup();
    // Not processed yet: only the pending signals make the outcome billable.
    await memory.ingest(1, [set(0, 'agent_started_at', 'x'), set(5, 'stage', 'closed')]);
    await memory.commit({ record, version: 0, state: newRecordState('ticket', '5'), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
    clock.now = T0 + 10 * MIN;
    expect((await submit(openDispute, 'r1')).kind).toBe('accepted');
    expect(await submit(openDispute, 'r2')).toMatchObject({ kind: 'refused', error: { code: 'not_disputable', message: expect.stringContaining('already has an open dispute') } });
    // ... and resolving it is accepted: the pending dispute is open in the dry run.
    expect((await submit(uphold, 'r3', rex)).kind).toBe('accepted');
  });

  it('refuses a dispute of an outcome that is not billable yet', async () => {
    const { memory, submit, clock } = setup();
    await memory.ingest(1, [set(0, 'agent_started_at', 'x')]);
    clock.now = T0 + MIN;
    await processRecord({ store: memory, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => clock.now, holdMs: 0 }, record);
    expect(await submit(openDispute)).toMatchObject({ kind: 'refused', error: { code: 'not_disputable', message: expect.stringContaining('is open') } });
  });

  it('forbids an outcome the portal does not have (never saying whether another has it), and resolving by anyone but a resolver', async () => {
    const { submit, billable, pendingActions } = setup();
    await billable();
    const notOurs = { kind: 'forbidden', problems: [{ code: 'not_found', path: ['outcomeId'], message: expect.any(String) }] };
    expect(await submit(openDispute, 'r1', ann, 2)).toMatchObject(notOurs);
    expect(await submit({ ...openDispute, outcomeId: 'resolve:ticket:5:2026-11-03#2' }, 'r2')).toMatchObject(notOurs);
    expect(await submit({ ...openDispute, outcomeId: 'resolve:widget:5:2026-11-03#1' }, 'r3')).toMatchObject(notOurs);
    await submit(openDispute, 'r4');
    expect(await submit(uphold, 'r5', ann)).toEqual({ kind: 'forbidden', message: expect.stringContaining('resolvers'), problems: [{ code: 'invalid_value', path: ['userId'], message: expect.stringContaining("is not one of this portal's dispute resolvers (DISPUTE_RESOLVERS)") }] });
    expect(await pendingActions()).toHaveLength(1);
  });

  it('refuses a dispute of an archived outcome (past the dispute horizon) as no longer disputable, and stores nothing', async () => {
    const { memory, submit, billable, pendingActions } = setup();
    await billable();
    const loaded = await memory.load(record, Number.NEGATIVE_INFINITY);
    const settled = loaded.state!.outcomes;
    const history = { keep: [], keepReads: [], drop: [], checkpoint: null, archive: settled };
    await memory.commit({ record, version: loaded.version, state: { ...loaded.state!, outcomes: [] }, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: settled.map((o) => o.status), history });
    expect(await submit(openDispute)).toEqual({ kind: 'refused', error: { code: 'not_disputable', path: ['outcomeId'], message: expect.stringContaining('dispute horizon') } });
    expect(await pendingActions()).toEqual([]);
  });

  it('runs the dry run again when the record changed before the write, and stores once', async () => {
    let raced = false;
    const { memory, submit, billable, pendingActions } = setup({
      store: (s) => ({
        ...s,
        async storeAction(write) {
          if (!raced) {
            raced = true;
            // A signal before the action's time arrives between the dry run and the write.
            await s.ingest(1, [set(8, 'note', 'late')]);
          }
          return s.storeAction(write);
        },
      }),
    });
    await billable();
    expect((await submit(openDispute)).kind).toBe('accepted');
    expect(raced).toBe(true);
    expect(await pendingActions()).toHaveLength(1);
    expect((await memory.load(record, Number.POSITIVE_INFINITY)).pending).toHaveLength(1);
  });
});

describe('submitAction: pauses', () => {
  const pause = (type: 'pause' | 'resume', criteriaId = 'resolve'): ActionBody => ({ type, criteriaId, note: 'agent is misrouting' });

  it('keeps pauses in the portal’s pause log, refusing a second pause, a resume of what is not paused and an unknown id', async () => {
    const { memory, submit, clock } = setup();
    expect(await submit(pause('resume'), 'p0', rex)).toMatchObject({ kind: 'refused', error: { code: 'not_paused' } });
    expect(await submit(pause('pause'), 'p1', rex)).toMatchObject({ kind: 'accepted', answer: { action: { type: 'pause', at: T0, by: rex, criteriaId: 'resolve' }, outcome: null } });
    clock.now += MIN;
    expect(await submit(pause('pause'), 'p2', rex)).toMatchObject({ kind: 'refused', error: { code: 'already_paused', path: ['criteriaId'] } });
    expect(await submit(pause('pause', 'nope'), 'p3', rex)).toMatchObject({ kind: 'refused', error: { code: 'unknown_criteria' } });
    expect((await submit(pause('resume'), 'p4', rex)).kind).toBe('accepted');
    expect((await memory.pauses(1)).map((p) => [p.type, p.at])).toEqual([['pause', T0], ['resume', T0 + MIN]]);
  });

  it('lets only resolvers pause or resume', async () => {
    const { memory, submit } = setup();
    expect(await submit(pause('pause'), 'p1', ann)).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('pause or resume'), problems: [{ path: ['userId'], message: expect.stringContaining('pause or resume') }] });
    expect(await memory.pauses(1)).toEqual([]);
  });
});
