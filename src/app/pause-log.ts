// The portal's pause timeline, built from its stored pause log the same way for the worker, the dry runs and replay.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { PauseAction } from '../core/engine/input.ts';
import { PauseTimeline } from '../core/engine/pauses.ts';

/** Whether a criteria id has any version: what a pause or resume may name. */
export function knownCriteria(criteria: CriteriaSet): (criteriaId: string) => boolean {
  const ids = new Set(criteria.versions().map((v) => v.id));
  return (id) => ids.has(id);
}

/**
 * Applies the stored actions in the order they were taken. Only accepted actions are stored, so none is
 * refused here; were one refused (its criteria id dropped), it is left out, as replay of the exported
 * actions leaves it out.
 */
export function pauseTimelineOf(pauses: readonly PauseAction[], criteria: CriteriaSet): PauseTimeline {
  const timeline = new PauseTimeline();
  const known = knownCriteria(criteria);
  for (const p of pauses) timeline.apply(p, known);
  return timeline;
}

/** The criteria ids paused now, each since its pause: the last action on an id is a pause. */
export function pausedNowOf(pauses: readonly PauseAction[]): { criteriaId: string; since: number }[] {
  const last = new Map<string, PauseAction>();
  for (const p of pauses) last.set(p.criteriaId, p);
  return [...last.values()].filter((p) => p.type === 'pause').map((p) => ({ criteriaId: p.criteriaId, since: p.at }));
}
