// The in-memory portal log, with the Redis adapter's semantics: reads that stay in place while trims remove its head, and the trim's bounded step.
import type { LogTrimStep, PortalLogEntry } from '../../app/ports.ts';
import { isPauseAction } from '../../core/engine/input.ts';
import type { ActionData } from './action-store.ts';

const isPause = (e: PortalLogEntry): boolean => e.entry === 'action' && isPauseAction(e.action);

/**
 * As in Redis (src/adapters/redis/portal-log.ts): entries by absolute index, the pauses a trim removed
 * before the read reached them back from the pause log in their place, the first snapshots trims moved
 * aside last. Read one entry at a time, so a trim between two reads takes effect at the next one.
 */
export async function* portalLog(d: ActionData, portalId: number): AsyncIterable<PortalLogEntry> {
  let position = 0;
  let pausesKnown = 0;
  const initials = new Set<string>();
  for (;;) {
    const trims = d.logTrims.get(portalId) ?? { entries: 0, pauses: 0 };
    if (trims.entries > position) {
      for (const action of structuredClone((d.pauseLogs.get(portalId) ?? []).slice(pausesKnown, trims.pauses))) yield { entry: 'action', action };
      pausesKnown = trims.pauses;
      position = trims.entries;
    }
    const e = d.logs.get(portalId)?.[position - trims.entries];
    if (e === undefined) break;
    position++;
    if (isPause(e)) pausesKnown++;
    if (e.entry === 'initial') initials.add(`${e.objectType}:${e.recordId}`);
    yield structuredClone(e);
  }
  const firsts = d.logFirsts.get(portalId) ?? new Map();
  for (const key of [...firsts.keys()].sort()) if (!initials.has(key)) yield structuredClone(firsts.get(key)!);
}

/** As log-trim-3.lua: at most `limit` head entries looked at; a first snapshot moves aside whatever its age. */
export function trimLog(d: ActionData, portalId: number, before: number, limit: number): LogTrimStep {
  const log = d.logs.get(portalId) ?? [];
  const head = log.slice(0, limit);
  let removed = 0;
  let pauses = 0;
  let state: LogTrimStep['state'] = head.length < limit ? 'done' : 'more';
  for (const e of head) {
    if (e.entry === 'initial') {
      const firsts = d.logFirsts.get(portalId) ?? new Map();
      const key = `${e.objectType}:${e.recordId}`;
      if (!firsts.has(key)) firsts.set(key, e);
      d.logFirsts.set(portalId, firsts);
    } else if ((e.entry === 'signal' ? e.signal.at : e.action.at) >= before) {
      state = 'done';
      break;
    }
    if (isPause(e)) pauses++;
    removed++;
  }
  if (removed > 0) {
    log.splice(0, removed);
    const trims = d.logTrims.get(portalId) ?? { entries: 0, pauses: 0 };
    d.logTrims.set(portalId, { entries: trims.entries + removed, pauses: trims.pauses + pauses });
  }
  return { removed, state };
}
