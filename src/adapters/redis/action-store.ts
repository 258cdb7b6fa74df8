// The Redis signal store's operator actions: request answers, the atomic action writes and the pause log.
import type { ChainableCommander } from 'ioredis';
import { StoreUnavailableError, recordRefKey } from '../../app/ports.ts';
import type { ActionWrite, ActionWriteResult, StoredAnswer } from '../../app/ports.ts';
import type { PauseAction } from '../../core/engine/input.ts';
import { decodePauseAction, decodeStoredAnswer, encodeAction, encodeLogEntry, encodeStoredAnswer } from './action-codec.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import type { Ctx } from './signal-store.ts';

/** A request id's answer is kept a week: HubSpot retries a write once, a person may press again the next day. */
const REQUEST_TTL_MS = 7 * 24 * 3_600_000;

/** Runs a pipeline of reads: an unreachable Redis is StoreUnavailableError (the HTTP routes answer 503), a command's own error is thrown as it is. */
export async function readAll(pipeline: ChainableCommander): Promise<unknown[]> {
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch (e) {
    throw unavailable(e);
  }
  if (!replies) throw new StoreUnavailableError('Redis gave no reply');
  return replies.map(([error, value]) => {
    if (error) throw isConnectionError(error) ? unavailable(error) : error;
    return value;
  });
}

// ioredis rejects each queued command with these while the connection is down (enableOfflineQueue off, retries spent).
const isConnectionError = (e: Error): boolean => /Connection is closed|enableOfflineQueue|Stream isn't writeable|ECONNREFUSED|max retries|Reached the max retries/i.test(e.message);

const unavailable = (e: unknown): StoreUnavailableError => new StoreUnavailableError(e instanceof Error ? e.message : String(e), { cause: e });

export async function requestAnswer({ redis, keys }: Ctx, portalId: number, requestId: string): Promise<StoredAnswer | null> {
  const [marker] = (await readAll(redis.pipeline().get(keys.request(portalId, requestId)))) as [string | null];
  return marker === null ? null : decodeStoredAnswer(marker);
}

export async function storeAction({ redis, keys }: Ctx, write: ActionWrite): Promise<ActionWriteResult> {
  const marker = encodeStoredAnswer({ fingerprint: write.fingerprint, answer: write.answer });
  const entry = encodeLogEntry({ entry: 'action', action: write.action });
  const requestKey = keys.request(write.portalId, write.requestId);
  const reply =
    write.kind === 'dispute'
      ? await runScript(
          redis,
          SCRIPTS.dispute,
          [requestKey, keys.state(write.record), keys.pending(write.record), keys.seq(write.portalId), keys.due(write.portalId), keys.log(write.portalId)],
          [REQUEST_TTL_MS, marker, write.version, write.action.at, write.pendingCount, encodeAction(write.action), recordRefKey(write.record), entry],
        )
      : await runScript(redis, SCRIPTS.pause, [requestKey, keys.pauses(write.portalId), keys.log(write.portalId)], [REQUEST_TTL_MS, marker, write.pauseCount, encodeAction(write.action), entry]);
  return reply.kind === 'answered' ? { kind: 'answered', stored: decodeStoredAnswer(reply.marker) } : reply;
}

export async function pauses({ redis, keys }: Ctx, portalId: number): Promise<PauseAction[]> {
  const [list] = (await readAll(redis.pipeline().lrange(keys.pauses(portalId), 0, -1))) as [string[]];
  return list.map(decodePauseAction);
}
