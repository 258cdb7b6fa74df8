// Which changes to the criteria a running ledger can take: versions are immutable once in force, and none arrives in the past.
import type { SourcedVersion } from '../core/criteria/criteria-set.ts';
import { versionKey } from '../core/criteria/criteria-set.ts';
import { isoUtc } from '../core/time.ts';

/** A version the ledger has already run with (kept in the criteria registry, shared by every process). */
export interface KnownVersion {
  readonly id: string;
  readonly version: number;
  readonly canonical: string;
  readonly effectiveFrom: number;
}

export const knownOf = (v: SourcedVersion): KnownVersion => ({
  id: v.criteria.id,
  version: v.criteria.version,
  canonical: v.canonical,
  effectiveFrom: v.criteria.effectiveFrom,
});

/**
 * Every reason the `next` set cannot replace what the ledger knows, at `now`. Outcomes are pinned to
 * their version for life, so a version in force may be neither dropped nor edited; and a new version
 * of an id the ledger already uses may not take effect before now, since the presses it would have
 * judged were already judged by the version then in force (the simulator would disagree with the ledger).
 */
export function criteriaChangeProblems(known: readonly KnownVersion[], next: readonly SourcedVersion[], now: number): string[] {
  const problems: string[] = [];
  const nextByKey = new Map(next.map((v) => [versionKey(v.criteria.id, v.criteria.version), v]));
  const knownByKey = new Map(known.map((k) => [versionKey(k.id, k.version), k]));
  const knownIds = new Set(known.map((k) => k.id));
  for (const k of known) {
    const v = nextByKey.get(versionKey(k.id, k.version));
    if (!v) {
      problems.push(`${k.id} v${k.version} is missing: versions are kept for the outcomes pinned to them`);
    } else if (v.canonical !== k.canonical && k.effectiveFrom <= now) {
      problems.push(`${v.source}: ${k.id} v${k.version} changed after it took effect (${isoUtc(k.effectiveFrom)}): add a new version instead`);
    }
  }
  for (const v of next) {
    const k = knownByKey.get(versionKey(v.criteria.id, v.criteria.version));
    const newOrEdited = !k || k.canonical !== v.canonical;
    if (newOrEdited && knownIds.has(v.criteria.id) && v.criteria.effectiveFrom <= now && !(k && k.effectiveFrom <= now)) {
      problems.push(
        `${v.source}: ${v.criteria.id} v${v.criteria.version} would take effect in the past (${isoUtc(v.criteria.effectiveFrom)}): ` +
          `the ledger already judged that time with the version then in force; give it an effective_from after now`,
      );
    }
  }
  return problems;
}
