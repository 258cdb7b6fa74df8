// The criteria in force for the live service: loaded at start, reloaded on request, never changing a version already in force.
import { formatSourcedProblem, loadCriteriaFiles } from '../adapters/files/criteria-files.ts';
import type { SourcedVersion } from '../core/criteria/criteria-set.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';

export type ReloadResult =
  | { readonly ok: true; readonly added: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface CriteriaSource {
  current(): CriteriaSet;
  /** Reads the path again; a set with problems, or one that changes or drops a version in force, is refused and the old one kept. */
  reload(now: number): Promise<ReloadResult>;
}

export class CriteriaInvalidError extends Error {
  override readonly name = 'CriteriaInvalidError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`criteria are invalid:\n${problems.join('\n')}`);
    this.problems = problems;
  }
}

/**
 * Loads the criteria once (an invalid set stops the start with the validator's messages). Versions
 * with a future `effective_from` take effect at that time by themselves: the core picks the version in
 * force at each signal's time. reload() adds new files' versions without a restart.
 */
export async function loadCriteriaSource(path: string): Promise<CriteriaSource> {
  const first = await loadCriteriaFiles([path]);
  if (!first.ok) throw new CriteriaInvalidError(first.problems.map(formatSourcedProblem));
  let set = first.set;
  let versions: readonly SourcedVersion[] = first.versions;
  return {
    current: () => set,
    async reload(now) {
      const next = await loadCriteriaFiles([path]);
      if (!next.ok) return { ok: false, problems: next.problems.map(formatSourcedProblem) };
      const byKey = new Map(next.versions.map((v) => [`${v.criteria.id}@${v.criteria.version}`, v]));
      const problems: string[] = [];
      for (const old of versions) {
        const key = `${old.criteria.id}@${old.criteria.version}`;
        const fresh = byKey.get(key);
        // Outcomes are pinned to their version for life: once written, a version may be neither dropped nor edited.
        if (!fresh) problems.push(`${old.criteria.id} v${old.criteria.version} was removed; versions are kept for the outcomes pinned to them`);
        else if (fresh.canonical !== old.canonical && old.criteria.effectiveFrom <= now) {
          problems.push(`${old.criteria.id} v${old.criteria.version} changed after taking effect; add a new version instead`);
        }
      }
      if (problems.length > 0) return { ok: false, problems };
      const known = new Set(versions.map((v) => `${v.criteria.id}@${v.criteria.version}`));
      const added = next.versions.map((v) => `${v.criteria.id}@${v.criteria.version}`).filter((k) => !known.has(k));
      set = next.set;
      versions = next.versions;
      return { ok: true, added };
    },
  };
}
