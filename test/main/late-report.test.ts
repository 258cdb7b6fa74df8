// What a worker reports of a record's late inputs (docs/decisions.md, "Late signals"): corrections are counted and logged whatever caused them, a replay or inputs past the horizon.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProcessedResult } from '../../src/app/process-record.ts';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { reportLate } from '../../src/main/worker-role.ts';
import type { Signal } from '../../src/core/types.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';

const record = { portalId: 1, objectType: 'ticket' as const, recordId: '5' };
const tooLate: Signal = { kind: 'property', objectType: 'ticket', recordId: '5', at: Date.parse('2026-11-03T10:01:00Z'), property: 'spam', value: 'true', ref: 'spam@1' };

function result(over: Partial<ProcessedResult>): ProcessedResult {
  return { kind: 'processed', applied: 1, actions: 0, refused: [], late: [], replayedLate: [], corrected: [], appeared: [], withdrawn: [], changed: [], nextWakeAt: null, conflicts: 0, unverified: [], chargeChecks: [], ...over };
}

function runtime() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(JSON.parse(chunk.toString('utf8'))), done()) });
  const metrics = createMetrics({ defaultMetrics: false });
  return { rt: { logger: createLogger({ level: 'info', name: 'test', destination }), metrics }, lines, metrics };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('reportLate', () => {
  it('counts and logs the outcomes that inputs past the horizon corrected, with no replay in their place', async () => {
    const { rt, lines, metrics } = runtime();
    const corrected = outcomeFixture({ recordId: '5', status: 'not_billable' });
    reportLate(rt, record, result({ late: [tooLate], corrected: [corrected] }));
    await settle();
    expect(await metrics.render()).toContain('ob_outcome_corrections_total{change="changed"} 1');
    const logged = lines.find((l) => Array.isArray(l['changed']));
    expect(logged).toMatchObject({ level: 'warn', changed: [{ outcomeId: corrected.outcomeId, status: 'not_billable' }] });
    // The line on the too-late signals no longer claims they changed no settled outcome.
    const tooLateLine = lines.find((l) => Array.isArray(l['late']) && (l['late'] as { ref?: string }[]).some((s) => s.ref === 'spam@1'));
    expect(String(tooLateLine?.['msg'])).not.toContain('changed no settled outcome');
  });

  it('logs nothing when nothing was late', async () => {
    const { rt, lines } = runtime();
    reportLate(rt, record, result({}));
    await settle();
    expect(lines).toEqual([]);
  });
});
