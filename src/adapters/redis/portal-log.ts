// The Redis portal log: paged reads that stay in place while trims remove its head, and the trim's bounded step.
import type { LogTrimStep, PortalLogEntry } from '../../app/ports.ts';
import { isPauseAction } from '../../core/engine/input.ts';
import { decodeLogEntry, decodePauseAction } from './action-codec.ts';
import { readAll } from './action-store.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import type { Ctx } from './signal-store.ts';

/** The portal log is read in pages of this many entries. */
const LOG_PAGE = 1_000;

/**
 * Pages by absolute index (entries trimmed so far + list index), each page read in one transaction with
 * the trim counts, so a trim between two pages neither skips a kept entry nor repeats one. Entries a trim
 * removed before the read reached them are gone, except what the ledger needs: the pauses among them come
 * back from the pause log in their place (it holds them in the same order, and the counts say how many),
 * and the first snapshots, moved to their own hash, come last (their order means nothing to replay).
 */
export async function* portalLog({ redis, keys }: Ctx, portalId: number): AsyncIterable<PortalLogEntry> {
  let position = 0;
  let pausesKnown = 0;
  let trimmedSeen = 0;
  const initials = new Set<string>();
  for (;;) {
    const start = Math.max(position - trimmedSeen, 0);
    const [[entries, pauses], page] = (await readAll(
      redis.multi().hmget(keys.logTrimmed(portalId), 'entries', 'pauses').lrange(keys.log(portalId), start, start + LOG_PAGE - 1),
    )) as [(string | null)[], string[]];
    const trimmed = Number(entries ?? 0);
    // A trim ran since the page's offset was worked out: the page is not where it was asked for, read it again.
    if (trimmed !== trimmedSeen) {
      trimmedSeen = trimmed;
      continue;
    }
    if (trimmed > position) {
      const pausesTrimmed = Number(pauses ?? 0);
      // The pause log is append-only: its first entries stay where they are, however long it grows.
      const restored = pausesTrimmed > pausesKnown ? await redis.lrange(keys.pauses(portalId), pausesKnown, pausesTrimmed - 1) : [];
      for (const json of restored) yield { entry: 'action', action: decodePauseAction(json) };
      pausesKnown = pausesTrimmed;
      position = trimmed;
    }
    for (const json of page) {
      const e = decodeLogEntry(json);
      position++;
      if (e.entry === 'action' && isPauseAction(e.action)) pausesKnown++;
      if (e.entry === 'initial') initials.add(`${e.objectType}:${e.recordId}`);
      yield e;
    }
    if (page.length < LOG_PAGE) break;
  }
  // Read after the last page: a snapshot trimmed at any time before it is here, one read in the log is skipped.
  const firsts = await redis.hgetall(keys.logFirsts(portalId));
  for (const field of Object.keys(firsts).sort()) if (!initials.has(field)) yield decodeLogEntry(firsts[field]!);
}

export function trimLog({ redis, keys }: Ctx, portalId: number, before: number, limit: number): Promise<LogTrimStep> {
  return runScript(redis, SCRIPTS.logTrim, [keys.log(portalId), keys.logTrimmed(portalId), keys.logFirsts(portalId)], [before, limit]);
}
