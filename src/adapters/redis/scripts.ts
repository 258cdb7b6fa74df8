// Every Lua script the Redis adapters run, in one place: declared once with its keys, loaded once per connection, its replies turned into results or errors here.
import { readFileSync } from 'node:fs';
import type { RedisClient } from './connection.ts';
import { StoreUnavailableError } from '../../app/ports.ts';
import type { CommitResult, LogTrimStep } from '../../app/ports.ts';

/** A reply the script's header does not document: the script and its caller disagree, and no retry will fix that. */
export class ScriptReplyError extends Error {
  override readonly name = 'ScriptReplyError';
  readonly script: string;
  constructor(script: string, reply: unknown) {
    super(`Lua script ${script} gave a reply its header does not document: ${JSON.stringify(reply)}`);
    this.script = script;
  }
}

export interface Script<Result> {
  /**
   * The file in lua/, named as BullMQ names its scripts, for the keys it takes: `commit-12` takes 12;
   * `ingest-3+2n` takes 3, then 2 per item (the count then goes with each call).
   */
  readonly file: string;
  /** The command ioredis defines for it on each connection. */
  readonly command: string;
  readonly lua: string;
  readonly fixedKeys: number;
  /** Keys per item after the fixed ones; 0 for a fixed count. */
  readonly keysPerItem: number;
  /** Turns a reply into the caller's result; a reply the header does not document throws ScriptReplyError. */
  readonly decode: (reply: unknown) => Result;
  /** Failures of a script that stores what HubSpot sent become StoreUnavailableError (503: HubSpot retries); others propagate as they are. */
  readonly failure: 'store_unavailable' | 'as_is';
}

function declare<Result>(file: string, decode: (reply: unknown, script: string) => Result, failure: Script<Result>['failure'] = 'as_is'): Script<Result> {
  const m = /^([a-z]+(?:-[a-z]+)*)-(\d+)(?:\+(\d*)n)?$/.exec(file);
  if (!m) throw new Error(`Lua script file ${file}.lua is not named <name>-<keys> or <name>-<keys>+<per item>n`);
  const command = `ob${m[1]!.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`;
  return {
    file,
    command,
    lua: readFileSync(new URL(`./lua/${file}.lua`, import.meta.url), 'utf8'),
    fixedKeys: Number(m[2]),
    keysPerItem: m[3] === undefined ? 0 : Number(m[3] || 1),
    decode: (reply) => decode(reply, file),
    failure,
  };
}

const isInt = (x: unknown): x is number => Number.isInteger(x);
const optionalTime = (x: string): number | null => (x === '' ? null : Number(x));

export interface IngestReply {
  readonly stored: number;
  readonly duplicates: number;
  /** Records whose due time moved earlier (or that had none), with the new due time: each needs a job. */
  readonly moved: readonly { readonly recordKey: string; readonly at: number }[];
}

/** {stored, duplicates, recordKey, dueAt, ...}. */
function decodeIngest(reply: unknown, script: string): IngestReply {
  if (!Array.isArray(reply) || !isInt(reply[0]) || !isInt(reply[1]) || reply.length % 2 !== 0) throw new ScriptReplyError(script, reply);
  const moved: { recordKey: string; at: number }[] = [];
  for (let i = 2; i < reply.length; i += 2) moved.push({ recordKey: String(reply[i]), at: Number(reply[i + 1]) });
  return { stored: reply[0], duplicates: reply[1], moved };
}

/** {1, next pending or '', due or '', changed 0|1}: saved. {0, '', '', 0}: version conflict, nothing written (ok false). */
function decodeCommit(reply: unknown, script: string): CommitResult {
  if (!Array.isArray(reply) || reply.length !== 4) throw new ScriptReplyError(script, reply);
  const [code, nextPending, due, changed] = reply as [unknown, string, string, unknown];
  if (code === 0) return { ok: false, nextPendingAt: null, dueAt: null, dueChanged: false };
  if (code !== 1) throw new ScriptReplyError(script, reply);
  return { ok: true, nextPendingAt: optionalTime(nextPending), dueAt: optionalTime(due), dueChanged: changed === 1 };
}

export type ActionStoreReply =
  | { readonly kind: 'stored'; readonly wake: boolean }
  | { readonly kind: 'changed' }
  /** The request id's marker as stored, still JSON. */
  | { readonly kind: 'answered'; readonly marker: string };

/** {1, moved 0|1} (dispute) or {1} (pause): stored. {0}: what the dry run read changed. {2, marker}: the request id is taken. */
function decodeActionStore(reply: unknown, script: string): ActionStoreReply {
  if (!Array.isArray(reply)) throw new ScriptReplyError(script, reply);
  if (reply[0] === 1 && (reply.length === 1 || (reply.length === 2 && (reply[1] === 0 || reply[1] === 1)))) return { kind: 'stored', wake: reply[1] === 1 };
  if (reply[0] === 0 && reply.length === 1) return { kind: 'changed' };
  if (reply[0] === 2 && reply.length === 2 && typeof reply[1] === 'string') return { kind: 'answered', marker: reply[1] };
  throw new ScriptReplyError(script, reply);
}

export type RateLimitReply = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly waitMs: number };

/** {1, n}: granted (n = 0), or the block now in force (n = until). {0, waitMs}: refused, try again in waitMs. Unknown operation: an error reply. */
function decodeRateLimit(reply: unknown, script: string): RateLimitReply {
  if (!Array.isArray(reply) || !isInt(reply[1])) throw new ScriptReplyError(script, reply);
  if (reply[0] === 1) return { ok: true, value: reply[1] };
  if (reply[0] === 0) return { ok: false, waitMs: reply[1] };
  throw new ScriptReplyError(script, reply);
}

/** 1: released; 0: the lock was no longer the caller's (false). */
function decodeUnlock(reply: unknown, script: string): boolean {
  if (reply !== 0 && reply !== 1) throw new ScriptReplyError(script, reply);
  return reply === 1;
}

/** A count: outbox entries removed. */
function decodeCount(reply: unknown, script: string): number {
  if (!isInt(reply)) throw new ScriptReplyError(script, reply);
  return reply;
}

/** {alert id, ...}: the alerts recorded now. */
function decodeIds(reply: unknown, script: string): string[] {
  if (!Array.isArray(reply) || !reply.every((x) => typeof x === 'string')) throw new ScriptReplyError(script, reply);
  return reply as string[];
}

export interface TakenAlert {
  readonly alertId: string;
  readonly json: string;
  readonly takes: number;
  readonly announced: boolean;
}

/** {alert id, delivery JSON, takes, announced 0|1, ...}. */
function decodeTaken(reply: unknown, script: string): TakenAlert[] {
  if (!Array.isArray(reply) || reply.length % 4 !== 0) throw new ScriptReplyError(script, reply);
  const out: TakenAlert[] = [];
  for (let i = 0; i < reply.length; i += 4) {
    const [alertId, json, takes, announced] = reply.slice(i, i + 4) as unknown[];
    if (typeof alertId !== 'string' || typeof json !== 'string' || !isInt(takes) || (announced !== 0 && announced !== 1)) throw new ScriptReplyError(script, reply);
    out.push({ alertId, json, takes, announced: announced === 1 });
  }
  return out;
}

/** 1: counted now; 2: counted already; 0: the record changed since it was read. */
function decodeBackfill(reply: unknown, script: string): 'counted' | 'already' | 'changed' {
  if (reply === 1) return 'counted';
  if (reply === 2) return 'already';
  if (reply === 0) return 'changed';
  throw new ScriptReplyError(script, reply);
}

/** {removed, 0 done | 1 more | 2 unreadable head}. */
function decodeLogTrim(reply: unknown, script: string): LogTrimStep {
  if (!Array.isArray(reply) || reply.length !== 2 || !isInt(reply[0]) || reply[0] < 0) throw new ScriptReplyError(script, reply);
  const state = (['done', 'more', 'unreadable'] as const)[reply[1] as number];
  if (state === undefined) throw new ScriptReplyError(script, reply);
  return { removed: reply[0], state };
}

/** The scripts; each .lua header names its KEYS, ARGV and return codes, and why. */
export const SCRIPTS = {
  ingest: declare('ingest-3+2n', decodeIngest, 'store_unavailable'),
  commit: declare('commit-12', decodeCommit),
  // An operator's write answers 503 while Redis is down, as a webhook does: the card offers to try again.
  dispute: declare('dispute-6', decodeActionStore, 'store_unavailable'),
  pause: declare('pause-3', decodeActionStore, 'store_unavailable'),
  rateLimit: declare('rate-limit-2', decodeRateLimit),
  unlock: declare('unlock-1', decodeUnlock),
  writebackFinish: declare('writeback-finish-3+n', decodeCount),
  alertClaim: declare('alert-claim-5', decodeIds),
  alertTake: declare('alert-take-2', decodeTaken),
  chargesBackfill: declare('charges-backfill-2', decodeBackfill),
  criteriaPublish: declare('criteria-publish-4', decodeCount),
  logTrim: declare('log-trim-3', decodeLogTrim),
} as const;

type Command = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Runs a script: defined on the connection at its first use (ioredis then sends EVALSHA, and the script
 * body only when Redis does not have it yet), with its key count checked, so a caller that builds its
 * keys wrong fails here instead of handing a key to the script as an argument.
 */
export async function runScript<Result>(redis: RedisClient, script: Script<Result>, keys: readonly string[], args: readonly (string | number)[]): Promise<Result> {
  const extra = keys.length - script.fixedKeys;
  if (script.keysPerItem === 0 ? extra !== 0 : extra < 0 || extra % script.keysPerItem !== 0) {
    throw new Error(`Lua script ${script.file} called with ${keys.length} keys`);
  }
  const client = redis as unknown as Record<string, Command | undefined>;
  if (client[script.command] === undefined) {
    redis.defineCommand(script.command, script.keysPerItem === 0 ? { lua: script.lua, numberOfKeys: script.fixedKeys } : { lua: script.lua });
  }
  let reply: unknown;
  try {
    reply = await (script.keysPerItem === 0 ? client[script.command]!(...keys, ...args) : client[script.command]!(keys.length, ...keys, ...args));
  } catch (e) {
    if (script.failure === 'store_unavailable') throw new StoreUnavailableError(e instanceof Error ? e.message : String(e), { cause: e });
    throw e;
  }
  return script.decode(reply);
}
