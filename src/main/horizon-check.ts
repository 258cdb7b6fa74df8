// Composition check: the late horizon the worker uses (LATE_HORIZON_MS, else derived from the criteria) against SIGNAL_RETENTION_MS.
import { horizonOf } from '../app/late-replay.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Logger } from '../adapters/logging/logger.ts';

/**
 * The horizon when it is longer than the retention, else null. A configured one is refused at start
 * (src/config/env.ts); a derived one grows with the criteria (24 h plus the longest within, retry and
 * review windows), which change at run time, so it is only reported: billing goes on, but late inputs
 * may then land among inputs that `export` and the backtest no longer hold.
 */
export function horizonPastRetention(configured: number | undefined, retentionMs: number, criteria: CriteriaSet): number | null {
  const horizonMs = horizonOf(configured, criteria);
  return horizonMs > retentionMs ? horizonMs : null;
}

export function warnHorizonPastRetention(configured: number | undefined, retentionMs: number, criteria: CriteriaSet, logger: Logger): void {
  const horizonMs = horizonPastRetention(configured, retentionMs, criteria);
  if (horizonMs === null) return;
  logger.warn(
    { lateHorizonMs: horizonMs, signalRetentionMs: retentionMs },
    'the late horizon derived from the criteria (24 h plus the longest within, retry and review windows) is longer than SIGNAL_RETENTION_MS: raise SIGNAL_RETENTION_MS so export and the backtest keep what late inputs land among',
  );
}
