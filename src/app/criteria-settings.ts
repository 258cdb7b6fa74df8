// Use case: what the settings page reads and writes (docs/card-api.md, "The settings page"): criteria ids with their versions, draft checks, and publishing once per request id.
import { stringify } from 'yaml';
import { versionKey } from '../core/criteria/criteria-set.ts';
import type { SourcedVersion } from '../core/criteria/criteria-set.ts';
import { nextDraftText } from '../core/criteria/draft.ts';
import type { PauseAction } from '../core/engine/input.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { isResolver } from '../core/engine/users.ts';
import type { DisputeResolvers } from '../core/engine/users.ts';
import { formatProblem } from '../core/problems.ts';
import type { Problem } from '../core/problems.ts';
import { isoUtc } from '../core/time.ts';
import { accessOf, accessView, effectiveAccess } from './access-lists.ts';
import type { AccessDeps, AccessView } from './access-lists.ts';
import { answeredIn, answerProblems, disputesView } from './criteria-disputes.ts';
import type { DisputesView } from './criteria-disputes.ts';
import { checkDraft, publishCriteria, SUBSCRIPTION_ADVICE } from './criteria-publish.ts';
import type { DraftCheck, DraftRequest, PublishDeps, PublishResult, UncoveredProperty } from './criteria-publish.ts';
import { isPublishedSource } from './published-criteria.ts';
import type { Publisher, PublishedVersion } from './published-criteria.ts';
import { once } from './request-once.ts';
import type { OnceResult, PublishRequests } from './request-once.ts';

export interface CriteriaSettingsDeps extends Omit<PublishDeps, 'fileVersions'> {
  /** Every version in force in this process, with its source. */
  readonly loaded: () => readonly SourcedVersion[];
  readonly pauses: (portalId: number) => Promise<readonly PauseAction[]>;
  readonly resolvers: DisputeResolvers;
  readonly requests: PublishRequests;
  /** Brings loaded() up to date with what other processes published (the worker's look before a job). */
  readonly refresh?: () => Promise<void>;
  /** The lists the page manages; without it, only the environment's (`editors`, `resolvers`) decide. */
  readonly access?: AccessDeps;
  /** The portal's outcomes, for its disputes (issue 8 item 6); without it the page shows none and a publish may answer none. */
  readonly disputes?: (portalId: number) => Promise<readonly Outcome[]>;
}

export type VersionState = 'in_force' | 'scheduled' | 'past';

export interface VersionView {
  readonly version: number;
  readonly state: VersionState;
  readonly name: string;
  readonly owner: string;
  readonly effectiveFrom: string;
  readonly changeNotes: string | null;
  /** `file`: from CRITERIA_PATH (`file` names it); `hubspot`: published from the settings page or `criteria publish`. */
  readonly source: 'file' | 'hubspot';
  readonly file: string | null;
  readonly publishedBy: Publisher | null;
  readonly publishedAt: string | null;
  readonly text: string;
}

export interface CriteriaIdView {
  readonly id: string;
  readonly name: string;
  readonly object: string;
  readonly paused: { readonly since: string; readonly by: { readonly userId: number; readonly email: string }; readonly note: string } | null;
  readonly nextVersion: number;
  /** The editor's starting text: the latest version without version, effective_from and change_notes. */
  readonly draft: string;
  /** Newest first. */
  readonly versions: readonly VersionView[];
  /** Upheld disputes by reason over the recent billing periods, the open ones, and the versions answering them (null: not read here). */
  readonly disputes: DisputesView | null;
}

export interface CriteriaListView {
  readonly now: string;
  readonly canPublish: boolean;
  readonly canPause: boolean;
  readonly criteria: readonly CriteriaIdView[];
  /** Who edits criteria and resolves disputes in this portal (null: the lists are not managed here). */
  readonly access: AccessView | null;
}

export interface Caller {
  readonly portalId: number;
  readonly userId: number;
  readonly userEmail: string | null;
}

export async function listCriteria(deps: CriteriaSettingsDeps, caller: Caller): Promise<CriteriaListView> {
  await deps.refresh?.();
  const now = deps.clock();
  const all = await deps.store.readAll();
  const published = new Map(all.map((p) => [versionKey(p.id, p.version), p]));
  const outcomes = deps.disputes ? await deps.disputes(caller.portalId) : null;
  const answered = answeredIn(all, caller.portalId);
  const lastPause = new Map<string, PauseAction>();
  for (const p of await deps.pauses(caller.portalId)) lastPause.set(p.criteriaId, p);
  const byId = new Map<string, SourcedVersion[]>();
  for (const v of deps.loaded()) byId.set(v.criteria.id, [...(byId.get(v.criteria.id) ?? []), v]);
  const criteria = [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, list]): CriteriaIdView => {
      const sorted = [...list].sort((a, b) => b.criteria.version - a.criteria.version);
      const inForce = sorted.find((v) => v.criteria.effectiveFrom <= now) ?? null;
      const versions = sorted.map((v) => versionView(v, inForce, now, published.get(versionKey(id, v.criteria.version))));
      const latest = sorted[0]!;
      const pause = lastPause.get(id);
      return {
        id,
        name: (inForce ?? latest).criteria.name,
        object: latest.criteria.object,
        paused: pause?.type === 'pause' ? { since: isoUtc(pause.at), by: pause.by, note: pause.note } : null,
        nextVersion: latest.criteria.version + 1,
        draft: nextDraftText(versions[0]!.text),
        versions,
        disputes: outcomes === null ? null : disputesView(outcomes, id, (inForce ?? latest).criteria.timezone, now, answered),
      };
    });
  const user = { userId: caller.userId, email: caller.userEmail ?? '' };
  // One read of the stored lists: what the caller may do and what the page shows come from the same answer.
  const stored = deps.access ? await deps.access.store.read(caller.portalId) : null;
  const lists = deps.access && stored ? effectiveAccess(deps.access.env, stored) : { editors: deps.editors, resolvers: deps.resolvers };
  const access = deps.access && stored ? accessView(deps.access.env, stored) : null;
  return { now: isoUtc(now), canPublish: lists.editors.has(caller.userId), canPause: isResolver(lists.resolvers, user), criteria, access };
}

/** The environment's lists, with the portal's stored ones when the page manages them. */
async function listsOf(deps: CriteriaSettingsDeps, portalId: number): Promise<{ editors: ReadonlySet<number>; resolvers: DisputeResolvers }> {
  return deps.access ? accessOf(deps.access, portalId) : { editors: deps.editors, resolvers: deps.resolvers };
}

function versionView(v: SourcedVersion, inForce: SourcedVersion | null, now: number, p: PublishedVersion | undefined): VersionView {
  const c = v.criteria;
  const state: VersionState = v === inForce ? 'in_force' : c.effectiveFrom > now ? 'scheduled' : 'past';
  const fromHubSpot = p !== undefined && isPublishedSource(v.source);
  return {
    version: c.version,
    state,
    name: c.name,
    owner: c.owner,
    effectiveFrom: isoUtc(c.effectiveFrom),
    changeNotes: c.changeNotes,
    source: fromHubSpot ? 'hubspot' : 'file',
    file: fromHubSpot ? null : v.source,
    publishedBy: fromHubSpot ? p.publishedBy : null,
    publishedAt: fromHubSpot ? isoUtc(p.publishedAt) : null,
    text: fromHubSpot ? p.text : stringify(JSON.parse(v.canonical)),
  };
}

/** A problem as the page shows it: at its field (the first path segment), with `validate`'s line. */
export interface ProblemView extends Problem {
  readonly field: string;
  readonly line: string;
}

export interface DraftCheckView {
  readonly valid: boolean;
  readonly nextVersion: number | null;
  readonly problems: readonly ProblemView[];
  readonly conflict: { readonly message: string; readonly sources: readonly string[] } | null;
  readonly uncovered: readonly UncoveredProperty[];
  /** What to run when `uncovered` is not empty. */
  readonly advice: string | null;
}

const problemView = (p: Problem): ProblemView => ({ ...p, field: String(p.path[0] ?? ''), line: formatProblem(p) });

function draftCheckView(check: DraftCheck): DraftCheckView {
  const uncovered = check.kind === 'conflict' ? [] : check.uncovered;
  return {
    valid: check.kind === 'ok',
    nextVersion: check.kind === 'ok' ? check.version.version : null,
    problems: check.kind === 'invalid' ? check.problems.map(problemView) : [],
    conflict: check.kind === 'conflict' ? { message: check.message, sources: check.sources } : null,
    uncovered,
    advice: uncovered.length > 0 ? SUBSCRIPTION_ADVICE : null,
  };
}

export async function validateDraft(deps: CriteriaSettingsDeps, caller: Caller, draft: DraftRequest): Promise<DraftCheckView> {
  return draftCheckView(await checkDraft(publishDeps(deps), draft, publisher(caller)));
}

export type PublishOnceResult = OnceResult<PublishResult>;

/**
 * Publishes once per request id: a retry with the same id and body gets the stored answer of the
 * first; the same id with another body is refused. Only a published version's answer is kept: a
 * refused draft may be sent again under the same id once it is fixed.
 */
export async function publishOnce(deps: CriteriaSettingsDeps, caller: Caller, requestId: string, draft: DraftRequest, answerOf: (r: Extract<PublishResult, { kind: 'ok' }>) => string): Promise<PublishOnceResult> {
  const answerIds = (draft.answers ?? []).map((a) => a.outcomeId);
  // The caller is part of it: a request id reused by another user is refused, never answered as theirs.
  const fingerprint = JSON.stringify([caller.userId, draft.text, draft.changeNotes ?? null, draft.effectiveFrom ?? null, ...(answerIds.length > 0 ? [answerIds] : [])]);
  return once(deps.requests, caller.portalId, requestId, fingerprint, async () => {
    const { editors } = await listsOf(deps, caller.portalId);
    // A non-editor hears that first; a retry of a published request never gets here (its answer is kept).
    const refused = editors.has(caller.userId) ? await answersRefused(deps, caller.portalId, draft.text, answerIds) : null;
    const result = refused ?? (await publishCriteria({ ...publishDeps(deps), editors }, draft, publisher(caller)));
    return { result, answer: result.kind === 'ok' ? answerOf(result) : null };
  });
}

/** The disputes a publish names must be upheld or open disputes of its criteria id in the portal (docs/decisions.md, "Published criteria"). */
async function answersRefused(deps: CriteriaSettingsDeps, portalId: number, text: string, answerIds: readonly string[]): Promise<PublishResult | null> {
  if (answerIds.length === 0) return null;
  const problems: Problem[] = deps.disputes ? answerProblems(await deps.disputes(portalId), text, answerIds) : [{ code: 'invalid_value', path: ['answers'], message: 'cannot be checked here: this service does not read disputes' }];
  return problems.length > 0 ? { kind: 'invalid', problems, uncovered: [] } : null;
}

function publishDeps(deps: CriteriaSettingsDeps): PublishDeps {
  return { ...deps, fileVersions: () => deps.loaded().filter((v) => !isPublishedSource(v.source)) };
}

const publisher = (caller: Caller): Publisher => ({ userId: caller.userId, email: caller.userEmail });
