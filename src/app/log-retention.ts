// Use case: the portal log's retention: every portal's log trimmed to SIGNAL_RETENTION_MS, in short steps, at most once a minute per process.
import type { SignalStore } from './ports.ts';

/**
 * The trim keeps this much more than the retention: the backtest (web processes) reads from its own
 * `now − SIGNAL_RETENTION_MS`, and a worker whose clock runs ahead must not have trimmed what it reads.
 */
export const TRIM_SLACK_MS = 3_600_000;

export interface LogRetentionDeps {
  readonly store: Pick<SignalStore, 'portals' | 'trimLog'>;
  readonly clock: () => number;
  /** SIGNAL_RETENTION_MS: entries whose time is older than this before now are removed. */
  readonly retentionMs: number;
  /** The least time between two runs (default a minute): the sweeper calls every few seconds, and a day's log moves little in a minute. */
  readonly everyMs?: number;
  /** Entries one step looks at (default 1,000): each step is one script, so none holds Redis for long. */
  readonly stepLimit?: number;
  /** Steps per portal per run (default 50): a backlog (the first run on a long log) is worked off over several runs, so the sweep is never held up long. */
  readonly maxSteps?: number;
  /** Told of a portal whose log's head has no readable time: its trim stops there (nothing is dropped unread) until a person looks. */
  readonly onUnreadable?: (portalId: number) => void;
}

export interface LogRetentionRun {
  readonly portals: number;
  readonly removed: number;
}

export interface LogRetention {
  /** Trims every portal's log when a run is due; null when the last run was less than `everyMs` ago. */
  run(): Promise<LogRetentionRun | null>;
}

export function createLogRetention(deps: LogRetentionDeps): LogRetention {
  const everyMs = deps.everyMs ?? 60_000;
  const stepLimit = deps.stepLimit ?? 1_000;
  const maxSteps = deps.maxSteps ?? 50;
  let lastRunAt = Number.NEGATIVE_INFINITY;
  return {
    async run() {
      const now = deps.clock();
      if (now - lastRunAt < everyMs) return null;
      // Set before the run: a run that fails is tried again a minute later, not on every sweep.
      lastRunAt = now;
      const before = now - deps.retentionMs - TRIM_SLACK_MS;
      const portals = await deps.store.portals();
      let removed = 0;
      for (const portalId of portals) {
        for (let step = 0; step < maxSteps; step++) {
          const done = await deps.store.trimLog(portalId, before, stepLimit);
          removed += done.removed;
          if (done.state === 'unreadable') deps.onUnreadable?.(portalId);
          if (done.state !== 'more') break;
        }
      }
      return { portals: portals.length, removed };
    },
  };
}
