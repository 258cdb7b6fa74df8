// The card's dispute section names the criteria version whose change notes answer a dispute (issue 8 item 6), and only for disputed outcomes of the signed portal.
import { describe, expect, it } from 'vitest';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import { createCardView, verificationLogIds } from '../../src/app/card-view.ts';
import { answeredIn } from '../../src/app/criteria-disputes.ts';
import type { PublishedVersion } from '../../src/app/published-criteria.ts';
import type { Dispute } from '../../src/core/engine/outcome.ts';
import { T0, outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 42;
const by = { userId: 7, email: 'ed@example.com' };
const dispute = (state: Dispute['state']): Dispute => ({ state, reason: 'Wrong record', openedBy: by, openedAt: T0 + 1, resolvedBy: state === 'open' ? null : by, resolvedAt: state === 'open' ? null : T0 + 2, note: null });
const version = (n: number, answers: { portalId: number; outcomeId: string }[]): PublishedVersion => ({ id: 'resolve', version: n, text: '', effectiveFrom: T0, changeNotes: 'x', publishedBy: by, publishedAt: T0, answers });

describe('card: answered by version N', () => {
  it('gives each disputed outcome the latest version answering it in this portal, null when none; undisputed outcomes get no field', async () => {
    const now = T0 + 2 * 3_600_000;
    const signals = createMemorySignalStore({ clock: () => now });
    const outcomes = [
      outcomeFixture({ recordId: '11', seq: 1, status: 'credited', dispute: dispute('upheld'), creditedAt: T0 + 2, creditPeriod: '2026-11' }),
      outcomeFixture({ recordId: '11', seq: 2, status: 'billable', dispute: dispute('open') }),
      outcomeFixture({ recordId: '11', seq: 3, status: 'billable' }),
    ];
    const ref = { portalId: PORTAL, objectType: 'ticket' as const, recordId: '11' };
    const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
    await signals.commit({ record: ref, version: loaded.version, state: stateWith('ticket', '11', outcomes), applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
    const published = [
      version(2, [{ portalId: PORTAL, outcomeId: outcomes[0]!.outcomeId }]),
      version(3, [{ portalId: PORTAL, outcomeId: outcomes[0]!.outcomeId }]),
      // Another portal's outcome of the same id is not this one.
      version(4, [{ portalId: PORTAL + 1, outcomeId: outcomes[1]!.outcomeId }]),
    ];
    const view = createCardView({
      store: signals,
      criteria: () => criteriaSet(),
      logs: verificationLogIds(createMemoryWritebackStore(signals)),
      paused: { pausedNow: async () => [] },
      resolvers: { userIds: new Set(), emails: new Set() },
      answered: async (portalId) => answeredIn(published, portalId),
      clock: () => now,
    });
    const read = await view.outcomes({ portalId: PORTAL, userId: 5, userEmail: null }, { objectType: 'ticket', recordId: '11', limit: 20 });
    if (!read.ok) throw new Error('refused');
    const byId = new Map(read.value.outcomes.map((o) => [o.outcomeId, o]));
    expect(byId.get(outcomes[0]!.outcomeId)?.answeredBy).toBe(3);
    expect(byId.get(outcomes[1]!.outcomeId)?.answeredBy).toBeNull();
    expect(byId.get(outcomes[2]!.outcomeId)).not.toHaveProperty('answeredBy');
  });
});
