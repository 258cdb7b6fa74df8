// The criteria in force for the live service: loaded at start, reloaded on request, never changing a version already in force.
import { versionKey } from '../core/criteria/criteria-set.ts';
import type { SourcedVersion } from '../core/criteria/criteria-set.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { criteriaChangeProblems, knownOf } from './criteria-changes.ts';
import type { KnownVersion } from './criteria-changes.ts';

export type ReloadResult =
  | { readonly ok: true; readonly added: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface CriteriaSource {
  current(): CriteriaSet;
  /** The versions of current(), each with where it comes from (a file, or its publication in HubSpot) and its text. */
  sourced(): readonly SourcedVersion[];
  /** Reads the criteria again; a set with problems, or one that changes or drops a version in force, is refused and the old one kept. */
  reload(now: number): Promise<ReloadResult>;
  /** Reloads the published versions (not the files) when their revision moved since the last look; null when it did not. */
  refresh(now: number): Promise<ReloadResult | null>;
}

export class CriteriaInvalidError extends Error {
  override readonly name = 'CriteriaInvalidError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`criteria are invalid:\n${problems.join('\n')}`);
    this.problems = problems;
  }
}

/** One full read of the criteria, checked as a set; problems already worded for a person (`file: path: message`). */
export type CriteriaLoad =
  | { readonly ok: true; readonly set: CriteriaSet; readonly versions: readonly SourcedVersion[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Reads the criteria afresh at each call: at start and at every reload (the files adapter reads its path); `filesAgain: false` may reuse the files last read. */
export type CriteriaLoader = (options?: { readonly filesAgain?: boolean }) => Promise<CriteriaLoad>;

/** A value that changes whenever the published versions do (a Redis counter), cheap to read before every job. */
export type RevisionReader = () => Promise<string>;

/** Where the versions the ledger has run with are kept; without one (tools, tests) only this process's own are compared. */
export interface KnownVersions {
  read(): Promise<KnownVersion[]>;
  write(versions: readonly KnownVersion[]): Promise<void>;
}

/**
 * Loads the criteria (an invalid set, or one that changes what the ledger already ran with, stops the
 * start with every message). Versions with a future `effective_from` take effect at that time by
 * themselves: the core picks the version in force at each signal's time. reload() adds new versions
 * without a restart, under the same rules, and keeps the criteria in force when it refuses.
 * `onRefreshed` is told of every look that found the published versions moved, whoever asked for it
 * (the poll, a job, the settings page), so it is logged and checked once, in one place.
 */
export async function loadCriteriaSource(load: CriteriaLoader, now: number, registry?: KnownVersions, revision?: RevisionReader, onRefreshed?: (result: ReloadResult) => void): Promise<CriteriaSource> {
  // Read before the load: a publish between the two is then seen at the next look, never missed.
  let seen = revision ? await revision() : null;
  const first = await load();
  if (!first.ok) throw new CriteriaInvalidError(first.problems);
  const startProblems = criteriaChangeProblems((await registry?.read()) ?? [], first.versions, now);
  if (startProblems.length > 0) throw new CriteriaInvalidError(startProblems);
  await registry?.write(first.versions.map(knownOf));
  let set = first.set;
  let versions: readonly SourcedVersion[] = first.versions;
  // One look at a time. A caller arriving during a look may be later than that look's read of the
  // revision: it waits for the one queued next, which starts after and so reads it after the caller
  // came. Only the caller that queued a look is handed its result, so it is logged once.
  let running: Promise<ReloadResult | null> | null = null;
  let queued: Promise<ReloadResult | null> | null = null;
  const look = (at: number): Promise<ReloadResult | null> => {
    running = (async () => {
      const rev = await revision!();
      if (rev === seen) return null;
      seen = rev;
      const result = await apply(at, false);
      onRefreshed?.(result);
      return result;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const source: CriteriaSource = {
    current: () => set,
    sourced: () => versions,
    reload: (at) => apply(at, true),
    refresh(at) {
      if (!revision) return Promise.resolve(null);
      if (running === null) return look(at);
      if (queued !== null) return queued.then(() => null);
      queued = running.then(
        () => undefined,
        () => undefined,
      ).then(() => {
        queued = null;
        return look(at);
      });
      return queued;
    },
  };
  return source;

  async function apply(at: number, filesAgain: boolean): Promise<ReloadResult> {
    const next = await load({ filesAgain });
    if (!next.ok) return { ok: false, problems: next.problems };
    const known = registry ? await registry.read() : versions.map(knownOf);
    const problems = criteriaChangeProblems(known, next.versions, at);
    if (problems.length > 0) return { ok: false, problems };
    await registry?.write(next.versions.map(knownOf));
    const before = new Set(versions.map((v) => versionKey(v.criteria.id, v.criteria.version)));
    const added = next.versions.map((v) => versionKey(v.criteria.id, v.criteria.version)).filter((k) => !before.has(k));
    set = next.set;
    versions = next.versions;
    return { ok: true, added };
  }
}
