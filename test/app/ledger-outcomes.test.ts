// The ledger as stored (src/app/ledger-outcomes.ts): a record's hot and archived outcomes merged in cli.md's order, whichever part an outcome sits in.
import { describe, expect, it } from 'vitest';
import { loadWithArchive } from '../../src/app/ledger-outcomes.ts';
import type { LedgerStore } from '../../src/app/ledger-outcomes.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { advance } from '../../src/core/engine/advance.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import { compareOutcomes } from '../../src/core/ledger-view.ts';
import type { Signal } from '../../src/core/types.ts';
import { T0, criteriaSet } from '../support/scenario.ts';

const DAY = 86_400_000;
const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '1' };
const sig = (at: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at, property, value });

describe('loadWithArchive', () => {
  it('puts archived outcomes among the hot ones by cli.md’s order, not before them', async () => {
    // Day 0 billable (still within its dispute horizon: hot), days 1 and 2 failed (archived), day 3 open (hot).
    const state = newRecordState('ticket', '1');
    advance(state, [sig(T0, 'agent_started_at', 'a'), sig(T0 + 600_000, 'stage', 'closed'), sig(T0 + 900_000, 'stage', 'open'), sig(T0 + DAY, 'agent_started_at', 'b'), sig(T0 + 2 * DAY, 'agent_started_at', 'c'), sig(T0 + 3 * DAY, 'agent_started_at', 'd')], T0 + 3 * DAY + 1, criteriaSet());
    const all = [...state.outcomes];
    expect(all.map((o) => o.status)).toEqual(['billable', 'not_billable', 'not_billable', 'open']);
    const archived = [all[2]!, all[1]!];
    const hot = { ...state, outcomes: [all[0]!, all[3]!] };
    const store: LedgerStore = {
      load: async () => ({ version: 3, state: hot, pending: [], actions: [], pauses: [], kept: { checkpointed: true, oldestAt: null } }),
      archived: async () => archived,
    };
    const loaded = await loadWithArchive(store, record, Number.POSITIVE_INFINITY);
    expect(loaded.state!.outcomes.map((o) => o.outcomeId)).toEqual(all.map((o) => o.outcomeId));
    expect([...loaded.state!.outcomes].sort(compareOutcomes)).toEqual(loaded.state!.outcomes);
    expect([...loaded.archivedIds].sort()).toEqual([all[1]!.outcomeId, all[2]!.outcomeId].sort());
    // The hot state read is left as it was: the worker decides on it alone.
    expect(hot.outcomes).toHaveLength(2);
  });
});
