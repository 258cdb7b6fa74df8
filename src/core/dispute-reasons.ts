// Upheld disputes of a criteria id by reason over recent billing periods, and its open ones: what the settings page shows so the next version can answer them (issue 8 item 6).
import type { Outcome } from './engine/outcome.ts';
import { billingPeriodOf } from './time.ts';

/** One reason as people wrote it (the most used wording of the group), how many upheld disputes gave it, and which. */
export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
  readonly outcomeIds: readonly string[];
}

export interface DisputeSummary {
  /** The billing periods counted, oldest first (`YYYY-MM` in the criteria's zone). */
  readonly periods: readonly string[];
  /** Most first; reasons grouped after trimming, case-insensitively. */
  readonly upheld: readonly ReasonCount[];
  /** Disputes still open, oldest first: a version may answer them too. */
  readonly open: readonly { readonly outcomeId: string; readonly reason: string }[];
}

/** The `count` billing periods ending with the one `now` falls in. */
export function recentPeriods(now: number, zone: string, count: number): string[] {
  const [year, month] = billingPeriodOf(now, zone).split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

/** A dispute counts in the period it was upheld in, read in `zone` (the one its credit goes on). */
export function summarizeDisputes(outcomes: readonly Outcome[], criteriaId: string, periods: readonly string[], zone: string): DisputeSummary {
  const wanted = new Set(periods);
  const groups = new Map<string, { ids: string[]; wordings: Map<string, number>; first: number }>();
  const open: { outcomeId: string; reason: string; at: number }[] = [];
  for (const o of outcomes) {
    const d = o.dispute;
    if (o.criteriaId !== criteriaId || d === null) continue;
    if (d.state === 'open') open.push({ outcomeId: o.outcomeId, reason: d.reason, at: d.openedAt });
    if (d.state !== 'upheld' || d.resolvedAt === null || !wanted.has(billingPeriodOf(d.resolvedAt, zone))) continue;
    const wording = d.reason.trim();
    const key = wording.toLowerCase();
    const group = groups.get(key) ?? { ids: [], wordings: new Map<string, number>(), first: groups.size };
    group.ids.push(o.outcomeId);
    group.wordings.set(wording, (group.wordings.get(wording) ?? 0) + 1);
    groups.set(key, group);
  }
  const upheld = [...groups.values()]
    .sort((a, b) => b.ids.length - a.ids.length || a.first - b.first)
    .map((g) => ({ reason: mostUsed(g.wordings), count: g.ids.length, outcomeIds: g.ids }));
  open.sort((a, b) => a.at - b.at || (a.outcomeId < b.outcomeId ? -1 : 1));
  return { periods, upheld, open: open.map(({ outcomeId, reason }) => ({ outcomeId, reason })) };
}

/** Ties go to the wording seen first. */
function mostUsed(wordings: ReadonlyMap<string, number>): string {
  let best = '';
  let most = 0;
  for (const [w, n] of wordings) {
    if (n > most) [best, most] = [w, n];
  }
  return best;
}

/** Which of `ids` are not upheld or open disputes of `criteriaId` among `outcomes`, each with why. */
export function unanswerable(outcomes: readonly Outcome[], criteriaId: string, ids: readonly string[]): { readonly index: number; readonly message: string }[] {
  const byId = new Map(outcomes.map((o) => [o.outcomeId, o]));
  const out: { index: number; message: string }[] = [];
  ids.forEach((id, index) => {
    const o = byId.get(id);
    if (o === undefined) out.push({ index, message: `${id} is not an outcome of this HubSpot account` });
    else if (o.criteriaId !== criteriaId) out.push({ index, message: `${id} is an outcome of ${o.criteriaId}, not of ${criteriaId}` });
    else if (o.dispute?.state !== 'upheld' && o.dispute?.state !== 'open') out.push({ index, message: `${id} has no upheld or open dispute to answer` });
    else if (ids.indexOf(id) !== index) out.push({ index, message: `${id} is named twice` });
  });
  return out;
}
