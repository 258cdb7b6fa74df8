// Use case: what the CRM card reads (docs/card-api.md): a record's outcomes for the signed portal, with press advice and pauses, and an outcome's trail.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { pressAdvice } from '../core/engine/press-advice.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import type { DisputeResolvers } from '../core/engine/users.ts';
import { isResolver } from '../core/engine/users.ts';
import { outcomeView } from '../core/ledger-view.ts';
import type { TrailView } from '../core/ledger-view.ts';
import { isoUtc } from '../core/time.ts';
import type { ObjectType } from '../core/types.ts';
import { outcomesPage, trailPage } from './card-cursor.ts';
import { withPending } from './dry-run.ts';
import { applyOverLimit } from './limit-marks.ts';
import type { OverLimitReader } from './limit-marks.ts';
import { cardOutcome } from './card-items.ts';
import type { CardOutcome } from './card-items.ts';
import { loadWithArchive } from './ledger-outcomes.ts';
import type { LedgerStore } from './ledger-outcomes.ts';
import { OUTCOME_ID } from './read-outcomes.ts';
import type { ReadResult } from './read-outcomes.ts';
import { logIdOfMark, writtenOutcomeField } from './writeback-plan.ts';
import type { WritebackStore } from './writeback-ports.ts';

/** The criteria ids of a portal paused now, each since when (epoch ms): the pause store answers it. */
export interface PausedNow {
  pausedNow(portalId: number): Promise<{ readonly criteriaId: string; readonly since: number }[]>;
}

/** The HubSpot record id of each outcome's verification log, null until it is written. */
export interface VerificationLogIds {
  logIds(portalId: number, outcomeIds: readonly string[]): Promise<(string | null)[]>;
}

/** The log ids the write-back keeps in its written marks. */
export function verificationLogIds(store: Pick<WritebackStore, 'writtenOutcomes'>): VerificationLogIds {
  return {
    async logIds(portalId, outcomeIds) {
      const marks = await store.writtenOutcomes(outcomeIds.map((id) => writtenOutcomeField(portalId, id)));
      return marks.map(logIdOfMark);
    },
  };
}

/** Who published a criteria version from HubSpot and when; null for a version from a file. */
export interface VersionOrigins {
  originOf(criteriaId: string, version: number): Promise<{ readonly publishedBy: { readonly userId: number; readonly email: string | null }; readonly publishedAt: number } | null>;
}

export interface CardViewDeps {
  readonly store: LedgerStore;
  /** With it, a trail names who published the version its outcome is pinned to (issue 8 item 4). */
  readonly origins?: VersionOrigins;
  readonly criteria: () => CriteriaSet;
  readonly logs: VerificationLogIds;
  readonly paused: PausedNow;
  readonly resolvers: DisputeResolvers;
  /** Epoch ms: press advice is computed at the request's time. */
  readonly clock: () => number;
  /** Which outcomes are over their budget limit (contract §8); without it none is. */
  readonly overLimit?: OverLimitReader;
}

/** Who calls, as the signed URL says: a HubSpot user id and, when HubSpot gives it, the email. */
export interface CardCaller {
  readonly portalId: number;
  readonly userId: number;
  readonly userEmail: string | null;
}

export interface CardAdvice {
  readonly criteriaId: string;
  readonly criteriaName: string;
  readonly kind: 'cooldown' | 'retry';
  readonly until: string;
}

export interface CardOutcomes {
  readonly record: { readonly objectType: ObjectType; readonly recordId: string };
  readonly viewer: { readonly userId: number; readonly canResolve: boolean };
  readonly outcomes: CardOutcome[];
  readonly nextCursor: string | null;
  readonly pressAdvice: CardAdvice[];
  readonly paused: { readonly criteriaId: string; readonly criteriaName: string; readonly since: string }[];
}

export interface CardTrail {
  readonly outcomeId: string;
  readonly entries: TrailView[];
  readonly nextCursor: string | null;
  /** The version the outcome is pinned to and where it comes from: who published it and when, or a file (both null). */
  readonly criteria?: { readonly id: string; readonly version: number; readonly publishedBy: { readonly userId: number; readonly email: string | null } | null; readonly publishedAt: string | null };
}

export interface CardView {
  outcomes(caller: CardCaller, q: { objectType: ObjectType; recordId: string; cursor?: string | undefined; limit: number }): Promise<ReadResult<CardOutcomes>>;
  trail(caller: CardCaller, q: { outcomeId: string; cursor?: string | undefined; limit: number }): Promise<ReadResult<CardTrail>>;
}

export function createCardView(deps: CardViewDeps): CardView {
  /**
   * The record as its worker will leave it once the hold has passed: a press or an action stored a
   * moment ago already shows (docs/card-api.md). Only the signed portal's records are read: another
   * portal's record is simply not there.
   */
  async function stateOf(portalId: number, objectType: ObjectType, recordId: string, now: number, criteria: CriteriaSet): Promise<{ state: RecordState | null; archivedIds: ReadonlySet<string> }> {
    const record = { portalId, objectType, recordId };
    const loaded = await loadWithArchive(deps.store, record, now);
    return { state: withPending(loaded, record, now, criteria), archivedIds: loaded.archivedIds };
  }

  return {
    async outcomes(caller, { objectType, recordId, cursor, limit }) {
      const now = deps.clock();
      const criteria = deps.criteria();
      const { state, archivedIds } = await stateOf(caller.portalId, objectType, recordId, now, criteria);
      // Only a record with billed outcomes needs the portal's ledger read for the limit.
      if (deps.overLimit && state?.outcomes.some((o) => o.status === 'billable' || o.status === 'credited')) applyOverLimit(state.outcomes, await deps.overLimit.overLimit(caller.portalId));
      const resolves = isResolver(deps.resolvers, { userId: caller.userId, email: caller.userEmail ?? '' });
      const page = await outcomesPage(state?.outcomes ?? [], cursor, limit, async (candidates: readonly Outcome[]) => {
        const ids = candidates.length === 0 ? [] : await deps.logs.logIds(caller.portalId, candidates.map((o) => o.outcomeId));
        // An archived outcome is past the dispute horizon: the card does not offer what would be refused.
        return candidates.map((o, i) => ({ ...cardOutcome(o, criteria, caller.portalId, ids[i] ?? null, resolves), ...(archivedIds.has(o.outcomeId) ? { canDispute: false } : {}) }));
      });
      if ('problem' in page) return { ok: false, error: { code: 'bad_request', problem: page.problem } };
      const paused = await pausedOf(deps, caller.portalId, objectType, criteria);
      const pausedIds = new Set(paused.map((p) => p.criteriaId));
      // A press of a paused id is left out (contract §7): it is neither suppressed nor a retry.
      const advice = state === null ? [] : pressAdvice(state, criteria, now).filter((a) => !pausedIds.has(a.criteriaId));
      return {
        ok: true,
        value: {
          record: { objectType, recordId },
          viewer: { userId: caller.userId, canResolve: resolves },
          outcomes: page.items,
          nextCursor: page.nextCursor,
          pressAdvice: advice.map((a) => ({ criteriaId: a.criteriaId, criteriaName: nameOf(criteria, a.criteriaId, now), kind: a.kind, until: isoUtc(a.until) })),
          paused,
        },
      };
    },

    async trail(caller, { outcomeId, cursor, limit }) {
      const m = OUTCOME_ID.exec(outcomeId);
      if (!m) return { ok: false, error: { code: 'bad_request', problem: { code: 'invalid_format', path: ['outcomeId'], message: 'is not an outcome id (criteria:objectType:recordId:bucket#n)' } } };
      const { state } = await stateOf(caller.portalId, m[1] as ObjectType, m[2]!, deps.clock(), deps.criteria());
      // A withdrawn outcome (a late input's replay showed it never happened) keeps its trail for whoever follows a link to it.
      const outcome = state?.outcomes.find((o) => o.outcomeId === outcomeId) ?? state?.withdrawn?.find((o) => o.outcomeId === outcomeId);
      // Whether it exists in another portal is never said.
      if (outcome === undefined) return { ok: false, error: { code: 'not_found', problem: { code: 'not_found', path: ['outcomeId'], message: `no outcome ${outcomeId} in this HubSpot account` } } };
      const page = trailPage(outcomeView(outcome, true).trail ?? [], cursor, limit);
      if ('problem' in page) return { ok: false, error: { code: 'bad_request', problem: page.problem } };
      const value: CardTrail = { outcomeId, entries: page.items, nextCursor: page.nextCursor };
      if (!deps.origins) return { ok: true, value };
      const origin = await deps.origins.originOf(outcome.criteriaId, outcome.criteriaVersion);
      const criteria = { id: outcome.criteriaId, version: outcome.criteriaVersion, publishedBy: origin?.publishedBy ?? null, publishedAt: origin ? isoUtc(origin.publishedAt) : null };
      return { ok: true, value: { ...value, criteria } };
    },
  };
}

/** The name of the version in force now, else of the latest version (a criteria id not yet in force). */
function nameOf(criteria: CriteriaSet, id: string, now: number): string {
  const inForce = criteria.inForce(id, now);
  if (inForce !== null) return inForce.name;
  const versions = criteria.versions().filter((v) => v.id === id);
  return versions.at(-1)?.name ?? id;
}

/** The paused ids that watch this object type, oldest pause first. */
async function pausedOf(deps: CardViewDeps, portalId: number, objectType: ObjectType, criteria: CriteriaSet): Promise<CardOutcomes['paused']> {
  const watching = new Set(criteria.idsFor(objectType));
  const now = deps.clock();
  return (await deps.paused.pausedNow(portalId))
    .filter((p) => watching.has(p.criteriaId))
    .sort((a, b) => a.since - b.since || (a.criteriaId < b.criteriaId ? -1 : 1))
    .map((p) => ({ criteriaId: p.criteriaId, criteriaName: nameOf(criteria, p.criteriaId, now), since: isoUtc(p.since) }));
}
