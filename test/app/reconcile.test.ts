// Reconcile's HubSpot side without a network: the cursor followed page by page, the shared limit waited out, passing failures retried within a total wait, lasting ones ending the run.
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { HubSpotRejectedError, HubSpotServerError } from '../../src/app/hubspot-errors.ts';
import { NO_LOG } from '../../src/app/hubspot-calls.ts';
import { reconcile } from '../../src/app/reconcile.ts';
import type { ReconcileDeps } from '../../src/app/reconcile.ts';
import type { LogPage, VerificationLogApi } from '../../src/app/reconcile-ports.ts';
import { criteriaSet } from '../support/scenario.ts';

const NOV = { portalId: 11, period: '2026-11', outcomes: [], criteria: criteriaSet(), closed: new Map(), repair: false };

/** Pages of one stray log each, cursors `c1`, `c2`, ...; `fail` answers a call instead (by call number, from 1). */
function pagedApi(pages: number, fail: (n: number) => Error | null = () => null) {
  const cursors: (string | null)[] = [];
  let n = 0;
  const api: VerificationLogApi = {
    async listPage(_objectType, _properties, after): Promise<LogPage> {
      n++;
      const error = fail(n);
      if (error) throw error;
      cursors.push(after);
      const index = after === null ? 0 : Number(after.slice(1));
      const log = { id: String(100 + index), properties: { ob_outcome_id: `resolve:ticket:${index}:2026-11-03#1`, ob_billed_period: '2026-10' } };
      return { status: 200, results: [log], after: index + 1 < pages ? `c${index + 1}` : null };
    },
    archive: async () => ({ status: 204 }),
  };
  return { api, cursors, calls: () => n };
}

function deps(api: VerificationLogApi, over: Partial<ReconcileDeps> = {}) {
  let now = Date.parse('2026-12-02T12:00:00Z');
  const slept: number[] = [];
  const d: ReconcileDeps = {
    api,
    limiter: createMemoryRateLimiter({ max: 100 }),
    repairs: { requeue: async (items) => items.length },
    clock: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    log: NO_LOG,
    ...over,
  };
  return { d, slept };
}

describe('reconcile reads HubSpot', () => {
  it('follows the paging cursor to the last page, each cursor exactly as HubSpot gave it', async () => {
    const hub = pagedApi(3);
    const r = await reconcile(deps(hub.api).d, NOV);
    expect(hub.cursors).toEqual([null, 'c1', 'c2']);
    expect(r).toMatchObject({ ok: true, report: { checked: { logsRead: 3, pages: 3 }, mismatches: [] } });
  });

  it('waits when the shared limit is used up, for as long as the limiter says, and goes on', async () => {
    const hub = pagedApi(3);
    const { d, slept } = deps(hub.api, { limiter: createMemoryRateLimiter({ max: 1, windowMs: 10_000 }) });
    const r = await reconcile(d, NOV);
    expect(r.ok).toBe(true);
    expect(slept).toEqual([10_000, 10_000]);
    expect(hub.cursors).toEqual([null, 'c1', 'c2']);
  });

  it('retries a 5xx with a growing backoff, and gives up once the total wait passes its limit', async () => {
    const once = pagedApi(2, (n) => (n === 2 ? new HubSpotServerError('GET', '/x', 503, null, null) : null));
    const { d, slept } = deps(once.api);
    expect((await reconcile(d, NOV)).ok).toBe(true);
    expect(slept).toEqual([1_000]);

    const always = pagedApi(2, () => new HubSpotServerError('GET', '/x', 502, 'bad gateway', null));
    const failing = deps(always.api, { maxWaitMs: 10_000 });
    const r = await reconcile(failing.d, NOV);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/^reading the verification log from HubSpot: gave up after waiting 15 s in all for HubSpot \(server_error/) });
    expect(failing.slept).toEqual([1_000, 2_000, 4_000]);
  });

  it('a refused token ends the run at once: nothing to wait for', async () => {
    const hub = pagedApi(2, () => new HubSpotRejectedError('GET', '/x', { status: 401, category: 'INVALID_AUTHENTICATION', subCategory: null, hubspotMessage: 'expired', correlationId: null, details: [], retryAfterMs: null }));
    const { d, slept } = deps(hub.api);
    expect(await reconcile(d, NOV)).toMatchObject({ ok: false, message: expect.stringContaining('reading the verification log from HubSpot') });
    expect(slept).toEqual([]);
    expect(hub.calls()).toBe(1);
  });

  it('logs of another period are not the period’s business; logs of this one without an outcome are extra', async () => {
    const hub = pagedApi(2);
    const r = await reconcile(deps(hub.api).d, { ...NOV, period: '2026-10', repair: true });
    expect(r).toMatchObject({ ok: true, report: { mismatches: [{ kind: 'extra_in_hubspot', logId: '100' }, { kind: 'extra_in_hubspot', logId: '101' }], repair: { queued: 0, archived: 2 } } });
  });
});
