// The criteria in force: every version of every id, which one applies at an instant, and set-wide rules.
import { formatPath } from '../problems.ts';
import type { Problem } from '../problems.ts';
import type { ObjectType } from '../types.ts';
import type { LocatedVersion } from './parse-file.ts';
import type { CriteriaVersion } from './types.ts';

export interface CriteriaSet {
  /** Criteria ids whose versions watch this object type, sorted, so presses are handled in a stable order. */
  idsFor(object: ObjectType): readonly string[];
  /** The highest version of `id` whose `effective_from` ≤ `at` (contract §3), or null before the first. */
  inForce(id: string, at: number): CriteriaVersion | null;
  /** A pinned version; attempts keep theirs all their life. */
  get(id: string, version: number): CriteriaVersion;
  versions(): readonly CriteriaVersion[];
}

/** `enrich-route@2`: how a version is named wherever versions are kept by id and number. */
export const versionKey = (id: string, version: number): string => `${id}@${version}`;

/** A problem that spans files names the file it points into. */
export interface SourcedProblem extends Problem {
  readonly source: string;
}

export type CriteriaSetResult = { ok: true; set: CriteriaSet } | { ok: false; problems: SourcedProblem[] };

/** A located version from a named source (a file), so problems across files can say where. */
export interface SourcedVersion extends LocatedVersion {
  readonly source: string;
}

/**
 * Rules that span versions: (id, version) is unique; every version of an id watches one object type
 * (the id is part of every outcome key); a higher version may not take effect before a lower one, nor
 * at the same instant, which would silently shadow it for ever.
 */
export function buildCriteriaSet(all: readonly SourcedVersion[]): CriteriaSetResult {
  const problems: SourcedProblem[] = [];
  const byId = new Map<string, SourcedVersion[]>();
  for (const v of all) {
    const list = byId.get(v.criteria.id) ?? [];
    list.push(v);
    byId.set(v.criteria.id, list);
  }
  const where = (v: SourcedVersion) => (v.path.length === 0 ? v.source : `${v.source} ${formatPath(v.path)}`);
  const at = (v: SourcedVersion, field: string) => ({ source: v.source, path: [...v.path, field] });
  for (const [id, list] of byId) {
    list.sort((a, b) => a.criteria.version - b.criteria.version);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      if (cur.criteria.version === prev.criteria.version) {
        problems.push({ code: 'duplicate', ...at(cur, 'version'), message: `${id} v${cur.criteria.version} is defined twice (also in ${where(prev)}); a version never changes once written: add a new version` });
        continue;
      }
      if (cur.criteria.object !== prev.criteria.object) {
        problems.push({ code: 'conflict', ...at(cur, 'object'), message: `${id} watches ${prev.criteria.object} in v${prev.criteria.version}; every version of an id must watch the same object (use a new id)` });
      }
      if (cur.criteria.effectiveFrom < prev.criteria.effectiveFrom) {
        problems.push({ code: 'conflict', ...at(cur, 'effective_from'), message: `is earlier than v${prev.criteria.version}'s effective_from, which would never be in force then` });
      } else if (cur.criteria.effectiveFrom === prev.criteria.effectiveFrom) {
        // Most often a copied version whose date was not moved on (docs/decisions.md).
        problems.push({ code: 'conflict', ...at(cur, 'effective_from'), message: `is the same instant as v${prev.criteria.version}'s effective_from, so v${prev.criteria.version} would never be in force: give v${cur.criteria.version} a later one` });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, set: makeSet(all.map((v) => v.criteria)) };
}

/** Assumes the set-wide rules hold (see buildCriteriaSet). */
export function makeSet(versions: readonly CriteriaVersion[]): CriteriaSet {
  const byId = new Map<string, CriteriaVersion[]>();
  for (const v of versions) {
    const list = byId.get(v.id) ?? [];
    list.push(v);
    byId.set(v.id, list);
  }
  for (const list of byId.values()) list.sort((a, b) => a.version - b.version);
  const idsByObject = new Map<ObjectType, string[]>();
  for (const id of [...byId.keys()].sort()) {
    const object = byId.get(id)![0]!.object;
    idsByObject.set(object, [...(idsByObject.get(object) ?? []), id]);
  }
  const byKey = new Map(versions.map((v) => [versionKey(v.id, v.version), v]));
  return {
    idsFor: (object) => idsByObject.get(object) ?? [],
    inForce(id, at) {
      const list = byId.get(id);
      if (!list) return null;
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.effectiveFrom <= at) return list[i]!;
      return null;
    },
    get(id, version) {
      const v = byKey.get(versionKey(id, version));
      if (!v) throw new Error(`criteria ${id} v${version} is not loaded`);
      return v;
    },
    versions: () => versions,
  };
}
