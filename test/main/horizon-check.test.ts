// The late horizon the worker uses against SIGNAL_RETENTION_MS (src/main/horizon-check.ts): a derived one that outgrows the retention is reported.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { horizonPastRetention, warnHorizonPastRetention } from '../../src/main/horizon-check.ts';
import { criteriaSet } from '../support/scenario.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('horizonPastRetention', () => {
  it('derives the horizon from the criteria when none is set: 24 h plus the longest within, retry and review', () => {
    const criteria = criteriaSet({ within: '1h', retry_window: '30m', review_window: '2h' });
    expect(horizonPastRetention(undefined, DAY, criteria)).toBe(DAY + 3.5 * HOUR);
    expect(horizonPastRetention(undefined, DAY + 3.5 * HOUR, criteria)).toBeNull();
    expect(horizonPastRetention(undefined, 35 * DAY, criteria)).toBeNull();
    // A criteria version with a 40-day review outgrows the default 35 days.
    expect(horizonPastRetention(undefined, 35 * DAY, criteriaSet({ within: '1h', review_window: '40d' }))).toBe(41 * DAY + HOUR);
  });

  it('takes a configured horizon as it is', () => {
    expect(horizonPastRetention(2 * DAY, DAY, criteriaSet())).toBe(2 * DAY);
    expect(horizonPastRetention(HOUR, DAY, criteriaSet({ review_window: '40d' }))).toBeNull();
  });

  it('warns once per check, naming both figures, and says nothing when the retention covers it', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'info', name: 't', destination });
    warnHorizonPastRetention(undefined, 35 * DAY, criteriaSet(), logger);
    expect(lines).toEqual([]);
    warnHorizonPastRetention(undefined, DAY, criteriaSet(), logger);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', lateHorizonMs: 25 * HOUR, signalRetentionMs: DAY });
    expect(String(lines[0]!['msg'])).toContain('raise SIGNAL_RETENTION_MS');
  });
});
