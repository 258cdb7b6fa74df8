// The Redis store of signals, record states and their indexes; every change goes through one Lua script.
import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.ts';
import { OBJECT_TYPES } from '../../core/types.ts';
import type { ObjectType } from '../../core/types.ts';
import { recordRefKey } from '../../app/ports.ts';
import type { CommitRequest, CommitResult, IngestItem, IngestResult, KeptInput, LoadedRecord, PendingAction, PendingSignal, RecordHistory, RecordRef, SignalStore } from '../../app/ports.ts';
import type { Signal } from '../../core/types.ts';
import { decodePauseAction, decodePendingInput, encodeLogEntry } from './action-codec.ts';
import { pauses, readAll, requestAnswer, storeAction } from './action-store.ts';
import { portalLog, trimLog } from './portal-log.ts';
import { decodeOutcome, decodeRecord, encodeRecord, encodeSignal } from './record-codec.ts';
import { SCRIPTS, runScript } from './scripts.ts';

/** HubSpot retries for 24 hours; markers live three days so a retry is always recognised. */
const SEEN_TTL_MS = 3 * 24 * 3_600_000;

export interface RedisKeys {
  seq: string;
  due: string;
  portals: string;
  records: string;
  statusCounts: string;
  /** Records with outcome changes not yet written to HubSpot (score: time of the latest change). */
  outbox: string;
  /** Rescues per record since its last commit, and the records parked after too many. */
  rescues: string;
  parked: string;
  seen(identity: string): string;
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
  /** Periods of ids whose charge went up and whose alert check is not done yet (zset: `portal|id|period` -> event time). */
  alertChecks: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    seq: `${prefix}:seq`,
    due: `${prefix}:due`,
    portals: `${prefix}:portals`,
    records: `${prefix}:records`,
    statusCounts: `${prefix}:outcomes-by-status`,
    outbox: `${prefix}:outbox`,
    rescues: `${prefix}:rescues`,
    parked: `${prefix}:parked`,
    // Identities are long JSON tuples; a digest keeps the key small and its contents out of Redis.
    seen: (identity) => `${prefix}:seen:${createHash('sha256').update(identity).digest('base64url')}`,
    pending: (r) => `${prefix}:pending:${recordRefKey(r)}`,
    kept: (r) => `${prefix}:kept:${recordRefKey(r)}`,
    state: (r) => `${prefix}:rec:${recordRefKey(r)}`,
    archive: (r) => `${prefix}:arch:${recordRefKey(r)}`,
    log: (portalId) => `${prefix}:log:${portalId}`,
    logTrimmed: (portalId) => `${prefix}:log-trimmed:${portalId}`,
    logFirsts: (portalId) => `${prefix}:log-firsts:${portalId}`,
    pauses: (portalId) => `${prefix}:pauses:${portalId}`,
    // Request ids come from the card: a digest keeps whatever it sends out of the key's shape.
    request: (portalId, requestId) => `${prefix}:request:${portalId}:${createHash('sha256').update(requestId).digest('base64url')}`,
    charges: (portalId) => `${prefix}:charges:${portalId}`,
    alertChecks: `${prefix}:alert-checks`,
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

export function createRedisSignalStore(redis: RedisClient, prefix: string): SignalStore & { readonly keys: RedisKeys; outcomeCounts(): Promise<Record<string, number>> } {
  const ctx: Ctx = { redis, keys: redisKeys(prefix) };
  return {
    keys: ctx.keys,
    ingest: (portalId, items) => ingest(ctx, portalId, items),
    load: (record, watermark) => load(ctx, record, watermark),
    history: (record) => history(ctx, record),
    archived: async (record) => Object.values(await redis.hgetall(ctx.keys.archive(record))).map(decodeOutcome),
    commit: (request) => commit(ctx, request),
    listRecords: (portalId) => listRecords(ctx, portalId),
    portals: async () => (await redis.smembers(ctx.keys.portals)).map(Number).sort((a, b) => a - b),
    dueRecords: (dueBy, limit) => dueRecords(ctx, dueBy, limit),
    noteRescue: (record, at, maxRescues) => noteRescue(ctx, record, at, maxRescues),
    requestAnswer: (portalId, requestId) => requestAnswer(ctx, portalId, requestId),
    storeAction: (write) => storeAction(ctx, write),
    pauses: (portalId) => pauses(ctx, portalId),
    portalLog: (portalId) => portalLog(ctx, portalId),
    trimLog: (portalId, before, limit) => trimLog(ctx, portalId, before, limit),
    async outcomeCounts() {
      const raw = await redis.hgetall(ctx.keys.statusCounts);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    },
  };
}

async function ingest({ redis, keys }: Ctx, portalId: number, items: readonly IngestItem[]): Promise<IngestResult> {
  const ks: string[] = [keys.seq, keys.due, keys.portals, keys.log(portalId)];
  const args: (string | number)[] = [SEEN_TTL_MS, portalId];
  for (const { identity, signal } of items) {
    const record: RecordRef = { portalId, objectType: signal.objectType, recordId: signal.recordId };
    ks.push(keys.seen(`${portalId}|${identity}`), keys.pending(record));
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

function commit({ redis, keys }: Ctx, { record, version, state, applied, nextTimerAt, writeDueAt, statusesBefore, logged = [], history: change, counters = { delta: {}, full: {} }, chargeChecks = [] }: CommitRequest): Promise<CommitResult> {
  const statusDelta: Record<string, number> = {};
  const archive = change?.archive ?? [];
  // Archived outcomes still count: they leave the state, not the ledger.
  for (const o of [...state.outcomes, ...archive]) statusDelta[o.status] = (statusDelta[o.status] ?? 0) + 1;
  for (const status of statusesBefore) statusDelta[status] = (statusDelta[status] ?? 0) - 1;
  const ks = [keys.state(record), keys.pending(record), keys.due, keys.records, keys.statusCounts, keys.outbox, keys.rescues, keys.log(record.portalId), keys.kept(record), keys.charges(record.portalId), keys.alertChecks, keys.archive(record)];
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
  return runScript(redis, SCRIPTS.commit, ks, [...head, ...log, ...keep, ...drop, ...archived, ...applied.map((p) => p.member)]);
}

async function* listRecords({ redis, keys }: Ctx, portalId: number | undefined): AsyncIterable<RecordRef> {
  let cursor = '0';
  do {
    const [next, members] = await redis.sscan(keys.records, cursor, 'COUNT', 500);
    cursor = next;
    for (const m of members) {
      const ref = parseRecordKey(m);
      if (ref && (portalId === undefined || ref.portalId === portalId)) yield ref;
    }
  } while (cursor !== '0');
}

async function dueRecords({ redis, keys }: Ctx, dueBy: number, limit: number): Promise<{ record: RecordRef; at: number }[]> {
  const raw = await redis.zrangebyscore(keys.due, '-inf', String(dueBy), 'WITHSCORES', 'LIMIT', 0, limit);
  const due: { record: RecordRef; at: number }[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const record = parseRecordKey(raw[i]!);
    if (record) due.push({ record, at: Number(raw[i + 1]) });
  }
  return due;
}

async function noteRescue({ redis, keys }: Ctx, record: RecordRef, at: number, maxRescues: number): Promise<boolean> {
  const key = recordRefKey(record);
  const count = await redis.hincrby(keys.rescues, key, 1);
  if (count <= maxRescues) return false;
  await redis.multi().zadd(keys.parked, at, key).zrem(keys.due, key).hdel(keys.rescues, key).exec();
  return true;
}
