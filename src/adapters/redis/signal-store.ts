// The Redis store of signals, record states and their indexes; every change goes through one Lua script.
import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.ts';
import { OBJECT_TYPES } from '../../core/types.ts';
import type { ObjectType } from '../../core/types.ts';
import { StoreUnavailableError, recordRefKey } from '../../app/ports.ts';
import type { CommitRequest, CommitResult, IngestItem, IngestResult, KeptInput, LoadedRecord, PendingAction, PendingSignal, RecordHistory, RecordRef, SignalStore } from '../../app/ports.ts';
import type { Signal } from '../../core/types.ts';
import { decodePauseAction, decodePendingInput, encodeLogEntry } from './action-codec.ts';
import { pauses, readAll, requestAnswer, storeAction } from './action-store.ts';
import { portalLog, trimLog } from './portal-log.ts';
import { decodeOutcome, decodeRecord, encodeRecord, encodeSignal } from './record-codec.ts';
import { deploymentKey, portalKey } from './keys.ts';
import { acrossPortals, portalIds, portalLister, scoredPage, sharedLowest } from './portal-walk.ts';
import { SCRIPTS, runScript } from './scripts.ts';

/** HubSpot retries for 24 hours; markers live three days so a retry is always recognised. */
const SEEN_TTL_MS = 3 * 24 * 3_600_000;

/**
 * The store's keys. Those of one portal share its hash slot (`portalKey`); the set of portals and the
 * parked records are the deployment's (`deploymentKey`). No script or MULTI mixes the two.
 */
export interface RedisKeys {
  /** The portal's sequence counter: orders its inputs that share an event time. */
  seq(portalId: number): string;
  /** The portal's records with pending work or a timer (zset: record key -> earliest event time needing a worker). */
  due(portalId: number): string;
  /** Every portal that ever had a signal (set): what the readers walk. */
  portals: string;
  /** The portal's records with state (set). */
  records(portalId: number): string;
  /** The portal's outcome counts by status (hash). */
  statusCounts(portalId: number): string;
  /** The portal's records with outcome changes not yet written to HubSpot (zset; score: time of the latest change). */
  outbox(portalId: number): string;
  /** The portal's rescues per record since its last commit; parked: the records parked after too many (deployment-wide). */
  rescues(portalId: number): string;
  parked: string;
  /** An event's seen marker in its portal (the identity is the portal's own). */
  seen(portalId: number, identity: string): string;
  pending(r: RecordRef): string;
  /** The record's applied inputs kept for late replay (zset: score = event time). */
  kept(r: RecordRef): string;
  state(r: RecordRef): string;
  /** The record's archived outcomes (hash: outcome id -> outcome JSON), settled and past every horizon. */
  archive(r: RecordRef): string;
  /** The portal's log (list) that `export` reads: appended to, trimmed from its head to the retention. */
  log(portalId: number): string;
  /** How many entries (and pauses among them) trims removed from the log's head (hash: `entries`, `pauses`). */
  logTrimmed(portalId: number): string;
  /** The first snapshots trims moved out of the log (hash: 'objectType:recordId' -> the `initial` entry). */
  logFirsts(portalId: number): string;
  /** The portal's pause and resume actions (list), in the order taken. */
  pauses(portalId: number): string;
  /** The answer given to one request id of a portal (string, expires). */
  request(portalId: number, requestId: string): string;
  /** The portal's charge counters for budget alerts (hash; src/core/alerts/charge-counts.ts). */
  charges(portalId: number): string;
  /** The portal's periods of ids whose charge went up and whose alert check is not done yet (zset: `portal|id|period` -> event time). */
  alertChecks(portalId: number): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const portal = (name: string) => (portalId: number) => portalKey(prefix, portalId, name);
  const record = (name: string) => (r: RecordRef) => portalKey(prefix, r.portalId, `${name}:${recordRefKey(r)}`);
  return {
    seq: portal('seq'),
    due: portal('due'),
    portals: deploymentKey(prefix, 'portals'),
    records: portal('records'),
    statusCounts: portal('outcomes-by-status'),
    outbox: portal('outbox'),
    rescues: portal('rescues'),
    parked: deploymentKey(prefix, 'parked'),
    // Identities are long JSON tuples; a digest keeps the key small and its contents out of Redis.
    seen: (portalId, identity) => portalKey(prefix, portalId, `seen:${createHash('sha256').update(identity).digest('base64url')}`),
    pending: record('pending'),
    kept: record('kept'),
    state: record('rec'),
    archive: record('arch'),
    log: portal('log'),
    logTrimmed: portal('log-trimmed'),
    logFirsts: portal('log-firsts'),
    pauses: portal('pauses'),
    // Request ids come from the card: a digest keeps whatever it sends out of the key's shape.
    request: (portalId, requestId) => portalKey(prefix, portalId, `request:${createHash('sha256').update(requestId).digest('base64url')}`),
    charges: portal('charges'),
    alertChecks: portal('alert-checks'),
  };
}

/** An alert check's member: portal, criteria id and period (ids and periods hold no `|`). */
export const alertCheckMember = (portalId: number, criteriaId: string, period: string): string => `${portalId}|${criteriaId}|${period}`;

/** The counters' field that counts the marks of one check: a check clears its mark only if no commit marked it again since its read. */
export const alertRevisionField = (criteriaId: string, period: string): string => `~rev|${criteriaId}|${period}`;

export function parseRecordKey(key: string): RecordRef | null {
  const [portal, objectType, recordId, ...rest] = key.split(':');
  if (rest.length > 0 || !portal || !recordId || !(OBJECT_TYPES as readonly string[]).includes(objectType ?? '')) return null;
  return { portalId: Number(portal), objectType: objectType as ObjectType, recordId };
}

/** What every operation needs: the connection and the key names under the prefix. */
export interface Ctx {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
}

export function createRedisSignalStore(redis: RedisClient, prefix: string): SignalStore & { readonly keys: RedisKeys; outcomeCounts(): Promise<Record<string, number>>; oldestDueAt(): Promise<number | null> } {
  const ctx: Ctx = { redis, keys: redisKeys(prefix) };
  const list = portalLister(redis, ctx.keys.portals);
  return {
    keys: ctx.keys,
    ingest: (portalId, items) => ingest(ctx, list, portalId, items),
    load: (record, watermark) => load(ctx, record, watermark),
    history: (record) => history(ctx, record),
    archived: async (record) => Object.values(await redis.hgetall(ctx.keys.archive(record))).map(decodeOutcome),
    commit: (request) => commit(ctx, list, request),
    listRecords: (portalId) => listRecords(ctx, portalId),
    portals: () => portalIds(redis, ctx.keys.portals),
    dueRecords: (dueBy, limit, portalId) => dueRecords(ctx, dueBy, limit, portalId),
    noteRescue: (record, at, maxRescues) => noteRescue(ctx, record, at, maxRescues),
    requestAnswer: (portalId, requestId) => requestAnswer(ctx, portalId, requestId),
    storeAction: (write) => storeAction(ctx, write),
    pauses: (portalId) => pauses(ctx, portalId),
    portalLog: (portalId) => portalLog(ctx, portalId),
    trimLog: (portalId, before, limit) => trimLog(ctx, portalId, before, limit),
    // The sum over the portals' own counts.
    async outcomeCounts() {
      const total: Record<string, number> = {};
      for (const raw of await acrossPortals(redis, ctx.keys.portals, (portalId) => redis.hgetall(ctx.keys.statusCounts(portalId)))) {
        for (const [status, n] of Object.entries(raw)) total[status] = (total[status] ?? 0) + Number(n);
      }
      return total;
    },
    oldestDueAt: () => oldestDueAt(ctx),
  };
}

async function ingest({ redis, keys }: Ctx, list: (portalId: number) => Promise<void>, portalId: number, items: readonly IngestItem[]): Promise<IngestResult> {
  // The portal is listed first, on its own (listPortal says why); failing that is a 503 too, as the script's failure is.
  try {
    await list(portalId);
  } catch (e) {
    throw new StoreUnavailableError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  const ks: string[] = [keys.seq(portalId), keys.due(portalId), keys.log(portalId)];
  const args: (string | number)[] = [SEEN_TTL_MS];
  for (const { identity, signal } of items) {
    const record: RecordRef = { portalId, objectType: signal.objectType, recordId: signal.recordId };
    ks.push(keys.seen(portalId, `${portalId}|${identity}`), keys.pending(record));
    args.push(signal.at, encodeSignal(signal), recordRefKey(record));
  }
  // A Redis failure here becomes StoreUnavailableError (scripts.ts): the receiver answers 503 and HubSpot retries.
  const { stored, duplicates, moved } = await runScript(redis, SCRIPTS.ingest, ks, args);
  const wake: { record: RecordRef; at: number }[] = [];
  for (const { recordKey, at } of moved) {
    const record = parseRecordKey(recordKey);
    if (record) wake.push({ record, at });
  }
  return { stored, duplicates, wake };
}

async function load({ redis, keys }: Ctx, record: RecordRef, watermark: number): Promise<LoadedRecord> {
  const max = Number.isFinite(watermark) ? String(watermark) : watermark > 0 ? '+inf' : '-inf';
  // One round trip for the three reads; the commit's compare-and-set catches anything that changes in between.
  // The checkpoint and the kept inputs are not read here: only whether they exist and how old the oldest is.
  const [[v, s], members, pauseLog, checkpointed, oldest] = await readAll(
    redis
      .pipeline()
      .hmget(keys.state(record), 'v', 's')
      .zrangebyscore(keys.pending(record), '-inf', max, 'WITHSCORES')
      .lrange(keys.pauses(record.portalId), 0, -1)
      .hexists(keys.state(record), 'c')
      .zrange(keys.kept(record), '0', '0', 'WITHSCORES'),
  ) as [(string | null)[], string[], string[], number, string[]];
  const pending: PendingSignal[] = [];
  const actions: PendingAction[] = [];
  for (let i = 0; i < members.length; i += 2) {
    const member = members[i]!;
    const bar = member.indexOf('|');
    const seq = Number(member.slice(0, bar));
    const input = decodePendingInput(member.slice(bar + 1));
    if ('signal' in input) pending.push({ member, seq, signal: input.signal });
    else actions.push({ member, seq, action: input.action });
  }
  const kept = { checkpointed: checkpointed === 1, oldestAt: oldest[1] === undefined ? null : Number(oldest[1]) };
  // ZRANGEBYSCORE already orders by (score, member), and members start with the zero-padded sequence.
  return { version: v ? Number(v) : 0, state: s ? decodeRecord(s) : null, pending, actions, pauses: pauseLog.map(decodePauseAction), kept };
}

async function history({ redis, keys }: Ctx, record: RecordRef): Promise<RecordHistory> {
  const [[v, c], members] = await readAll(redis.pipeline().hmget(keys.state(record), 'v', 'c').zrange(keys.kept(record), '0', '-1')) as [(string | null)[], string[]];
  const kept: KeptInput[] = members.map((member) => {
    const input = decodePendingInput(member.slice(member.indexOf('|') + 1));
    return { member, input: 'signal' in input ? input.signal : input.action };
  });
  return { version: v ? Number(v) : 0, checkpoint: c ? decodeRecord(c) : null, kept };
}

/** A kept CRM read's member: sequence 0 sorts it before the signals of its instant, as the run applied it. */
const keptReadMember = (read: Signal): string => `${'0'.repeat(16)}|${encodeSignal(read)}`;

async function commit({ redis, keys }: Ctx, list: (portalId: number) => Promise<void>, { record, version, state, applied, nextTimerAt, writeDueAt, statusesBefore, logged = [], history: change, counters = { delta: {}, full: {} }, chargeChecks = [] }: CommitRequest): Promise<CommitResult> {
  const statusDelta: Record<string, number> = {};
  const archive = change?.archive ?? [];
  // Archived outcomes still count: they leave the state, not the ledger.
  for (const o of [...state.outcomes, ...archive]) statusDelta[o.status] = (statusDelta[o.status] ?? 0) + 1;
  for (const status of statusesBefore) statusDelta[status] = (statusDelta[status] ?? 0) - 1;
  const p = record.portalId;
  const ks = [keys.state(record), keys.pending(record), keys.due(p), keys.records(p), keys.statusCounts(p), keys.outbox(p), keys.rescues(p), keys.log(p), keys.kept(record), keys.charges(p), keys.alertChecks(p), keys.archive(record)];
  const log = logged.map(encodeLogEntry);
  const keep: (string | number)[] = [];
  for (const k of change?.keep ?? []) keep.push(k.at, k.member);
  for (const read of change?.keepReads ?? []) keep.push(read.at, keptReadMember(read));
  const drop = change?.drop ?? [];
  const checkpoint = change?.checkpoint ? encodeRecord(change.checkpoint) : '';
  // cjson decodes an empty JSON object as an empty table, and so an empty array: either means none.
  const checks = JSON.stringify(chargeChecks.map((c) => [alertCheckMember(record.portalId, c.criteriaId, c.period), String(c.at), alertRevisionField(c.criteriaId, c.period)]));
  const charges = JSON.stringify({ d: counters.delta, f: counters.full });
  const head = [version, encodeRecord(state), recordRefKey(record), nextTimerAt ?? '', JSON.stringify(statusDelta), writeDueAt ?? '', checkpoint, log.length, keep.length / 2, drop.length, charges, checks, archive.length];
  const archived = archive.flatMap((o) => [o.outcomeId, JSON.stringify(o)]);
  // A record's first commit lists its portal (ingest did already, unless the state came another way); once a minute, as ingest does.
  if (version === 0) await list(record.portalId);
  return runScript(redis, SCRIPTS.commit, ks, [...head, ...log, ...keep, ...drop, ...archived, ...applied.map((p) => p.member)]);
}

async function* listRecords({ redis, keys }: Ctx, portalId: number | undefined): AsyncIterable<RecordRef> {
  for (const portal of portalId === undefined ? await portalIds(redis, keys.portals) : [portalId]) {
    let cursor = '0';
    do {
      const [next, members] = await redis.sscan(keys.records(portal), cursor, 'COUNT', 500);
      cursor = next;
      for (const m of members) {
        const ref = parseRecordKey(m);
        if (ref && ref.portalId === portal) yield ref;
      }
    } while (cursor !== '0');
  }
}

/** Records due by `dueBy` with their due time: of one portal (its oldest), or shared over every portal (portal-walk.ts). */
async function dueRecords({ redis, keys }: Ctx, dueBy: number, limit: number, portalId?: number): Promise<{ record: RecordRef; at: number }[]> {
  const page = (p: number, offset: number, count: number) => scoredPage(redis, keys.due(p), dueBy, offset, count);
  const due = portalId === undefined ? await sharedLowest(redis, keys.portals, limit, page) : await page(portalId, 0, limit);
  return due.flatMap(({ key, at }) => {
    const record = parseRecordKey(key);
    return record ? [{ record, at }] : [];
  });
}

/** The earliest due time of any portal's record, or null when none is due. */
async function oldestDueAt({ redis, keys }: Ctx): Promise<number | null> {
  const firsts = await acrossPortals(redis, keys.portals, async (portalId) => (await redis.zrange(keys.due(portalId), '0', '0', 'WITHSCORES'))[1]);
  const ats = firsts.filter((x) => x !== undefined).map(Number);
  return ats.length === 0 ? null : Math.min(...ats);
}

async function noteRescue({ redis, keys }: Ctx, record: RecordRef, at: number, maxRescues: number): Promise<boolean> {
  const key = recordRefKey(record);
  const count = await redis.hincrby(keys.rescues(record.portalId), key, 1);
  if (count <= maxRescues) return false;
  // Parked first (the deployment's slot), then off the portal's due index: a crash in between leaves the
  // record parked and still due, and the next sweep counts it over the limit again and finishes the move.
  await redis.zadd(keys.parked, at, key);
  await redis.multi().zrem(keys.due(record.portalId), key).hdel(keys.rescues(record.portalId), key).exec();
  return true;
}
