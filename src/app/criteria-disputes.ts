// The settings page's view of disputes per criteria id (upheld by reason over recent periods, open ones, which version answered each), and the check of the disputes a new version says it answers.
import { readDraft } from '../core/criteria/draft.ts';
import { recentPeriods, summarizeDisputes, unanswerable } from '../core/dispute-reasons.ts';
import type { DisputeSummary } from '../core/dispute-reasons.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { Problem } from '../core/problems.ts';
import type { PublishedVersion } from './published-criteria.ts';

/** The billing periods the page counts upheld disputes over: this one and the two before. */
const RECENT_PERIODS = 3;

export interface DisputesView extends DisputeSummary {
  /** Outcome id → the version of this id that answers its dispute. */
  readonly answeredBy: Readonly<Record<string, number>>;
}

/** Outcome id → the version answering its dispute, for one portal; a later version answering it again wins. */
export function answeredIn(published: readonly PublishedVersion[], portalId: number): Map<string, { readonly criteriaId: string; readonly version: number }> {
  const out = new Map<string, { criteriaId: string; version: number }>();
  for (const p of [...published].sort((a, b) => a.version - b.version)) {
    for (const a of p.answers ?? []) if (a.portalId === portalId) out.set(a.outcomeId, { criteriaId: p.id, version: p.version });
  }
  return out;
}

export function disputesView(outcomes: readonly Outcome[], criteriaId: string, zone: string, now: number, answered: ReadonlyMap<string, { readonly criteriaId: string; readonly version: number }>): DisputesView {
  const summary = summarizeDisputes(outcomes, criteriaId, recentPeriods(now, zone, RECENT_PERIODS), zone);
  const answeredBy: Record<string, number> = {};
  const ids = [...summary.upheld.flatMap((r) => r.outcomeIds), ...summary.open.map((o) => o.outcomeId)];
  for (const id of ids) {
    const a = answered.get(id);
    if (a?.criteriaId === criteriaId) answeredBy[id] = a.version;
  }
  return { ...summary, answeredBy };
}

/** Problems at `answers[i]` for each named outcome that is not an upheld or open dispute of the draft's criteria id. */
export function answerProblems(outcomes: readonly Outcome[], draftText: string, answers: readonly string[]): Problem[] {
  const read = readDraft(draftText);
  // A draft that does not read has its own problems; the answers are checked once it does.
  if (!read.ok || read.stated.id === null) return [];
  const id = read.stated.id;
  return unanswerable(outcomes, id, answers).map(({ index, message }) => ({ code: 'invalid_value', path: ['answers', index], message }));
}
