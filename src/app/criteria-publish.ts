// Checking and publishing the next version of a criteria id: the page's and `criteria publish`'s rules, in one place.
import { buildCriteriaSet, versionKey } from '../core/criteria/criteria-set.ts';
import type { SourcedVersion } from '../core/criteria/criteria-set.ts';
import { completeDraft, readDraft } from '../core/criteria/draft.ts';
import type { DraftStated } from '../core/criteria/draft.ts';
import { propertiesRead } from '../core/criteria/types.ts';
import type { Problem } from '../core/problems.ts';
import { isoUtc, isValidTimeZone, parseInstant } from '../core/time.ts';
import { knownOf } from './criteria-changes.ts';
import { missingSubscriptions } from './hubspot-subscriptions.ts';
import type { WebhooksComponent } from './hubspot-subscriptions.ts';
import { sourcedPublished } from './published-criteria.ts';
import type { AnsweredDispute, Publisher, PublishedStore, PublishedVersion } from './published-criteria.ts';

export interface PublishDeps {
  readonly store: PublishedStore;
  /** The versions from criteria files, as this process last read them. */
  readonly fileVersions: () => readonly SourcedVersion[];
  /** HubSpot user ids allowed to publish (CRITERIA_EDITORS). */
  readonly editors: ReadonlySet<number>;
  /** The app's webhook subscriptions, or null when this process cannot read them (nothing is then said). */
  readonly subscriptions: () => Promise<WebhooksComponent | null>;
  readonly clock: () => number;
}

export interface DraftRequest {
  readonly text: string;
  /** Overrides the draft's own `change_notes`. */
  readonly changeNotes?: string | null;
  /** ISO 8601; else the draft's `effective_from`; else now. */
  readonly effectiveFrom?: string | null;
  /** The disputes it answers, already checked against the publisher's portal (criteria-settings.ts). */
  readonly answers?: readonly AnsweredDispute[];
}

/** A property the draft reads that no active webhook subscription covers: HubSpot would never send its changes. */
export interface UncoveredProperty {
  readonly object: string;
  readonly property: string;
}

/** What makes HubSpot send the changes: the draft saved as a file joins the criteria the subscriptions are generated from (docs/hubspot-setup.md, step 6). */
export const SUBSCRIPTION_ADVICE =
  "run 'outcome-billing hubspot subscriptions' over the criteria with this draft saved as a file among them (--criteria <criteria path> --criteria <draft file>), then 'hs project upload', before publishing: HubSpot sends no changes of these properties until then";

export type DraftCheck =
  | { readonly kind: 'ok'; readonly version: PublishedVersion; readonly uncovered: readonly UncoveredProperty[] }
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[]; readonly uncovered: readonly UncoveredProperty[] }
  | { readonly kind: 'conflict'; readonly message: string; readonly sources: readonly string[] };

export type PublishResult = DraftCheck | { readonly kind: 'forbidden'; readonly message: string };

const ATTEMPTS = 10;
const DRAFT_SOURCE = 'this draft';

const notEditorMessage = (userId: number): string =>
  `user ${userId} is not one of this portal's criteria editors (CRITERIA_EDITORS), who alone may publish criteria versions`;

/** Publishes the draft as the next version of its id, or says why not; two publishes of one id never get one number. */
export async function publishCriteria(deps: PublishDeps, draft: DraftRequest, by: Publisher): Promise<PublishResult> {
  if (!deps.editors.has(by.userId)) return { kind: 'forbidden', message: notEditorMessage(by.userId) };
  for (let attempt = 1; ; attempt++) {
    const check = await checkDraft(deps, draft, by);
    if (check.kind !== 'ok') return check;
    const v = check.version;
    const sourced = sourcedPublished(v);
    if (!sourced.ok) throw new Error(`a checked draft no longer parses: ${sourced.problems.map((p) => p.message).join('; ')}`);
    const inserted = await deps.store.insert(v, knownOf(sourced.version));
    if (inserted.ok) return check;
    // Another publish took the number meanwhile: a draft that named it conflicts, one that did not takes the next.
    if (readDraftVersion(draft.text) !== null || attempt >= ATTEMPTS) {
      return { kind: 'conflict', message: `${v.id} v${v.version} was published by someone else meanwhile (v${inserted.taken} is the latest): open the latest and draft again`, sources: [DRAFT_SOURCE] };
    }
  }
}

/** Every problem publishing the draft now would meet, and the version it would become; stores nothing. */
export async function checkDraft(deps: PublishDeps, draft: DraftRequest, by: Publisher): Promise<DraftCheck> {
  const read = readDraft(draft.text);
  if (!read.ok) return { kind: 'invalid', problems: read.problems, uncovered: [] };
  const now = deps.clock();
  const published = await deps.store.readAll();
  const existing = [...deps.fileVersions(), ...published.flatMap((p) => sourcedOrNone(p))];
  const id = read.stated.id ?? '';
  const next = 1 + Math.max(0, ...existing.filter((v) => v.criteria.id === id).map((v) => v.criteria.version));
  const stated = read.stated.version;
  if (stated !== null && stated !== next) {
    const clash = existing.find((v) => v.criteria.id === id && v.criteria.version === stated);
    if (clash) {
      return { kind: 'conflict', message: `${versionKey(id, stated)} is already defined in ${clash.source}, so this draft cannot be it; the next version of ${id} is v${next}`, sources: [clash.source, DRAFT_SOURCE] };
    }
  }
  const problems: Problem[] = [];
  if (stated !== null && stated !== next) problems.push({ code: 'invalid_value', path: ['version'], message: `must be ${next}: a published version takes the next number of its id (or leave version out)` });
  const changeNotes = (draft.changeNotes ?? read.stated.changeNotes ?? '').trim();
  if (changeNotes === '') problems.push({ code: 'required', path: ['change_notes'], message: 'are required to publish: say what changed and why' });
  const effectiveFrom = effectiveTime(draft, read.stated, now, problems);
  const complete = completeDraft(draft.text, { version: next, effectiveFrom: effectiveFrom ?? now, changeNotes: changeNotes === '' ? '-' : changeNotes });
  if (!complete.ok) return { kind: 'invalid', problems: [...problems, ...complete.problems], uncovered: [] };
  const mine: SourcedVersion = { ...complete.version, source: DRAFT_SOURCE };
  const set = buildCriteriaSet([...existing, mine]);
  // An effective time already refused stood in as now: what the set says of that stand-in would only confuse.
  const stoodIn = (p: Problem) => effectiveFrom === null && p.path[p.path.length - 1] === 'effective_from';
  if (!set.ok) problems.push(...set.problems.filter((p) => p.source === DRAFT_SOURCE && !stoodIn(p)).map(({ source: _source, ...p }) => p));
  const uncovered = await uncoveredBy(deps, mine);
  if (problems.length > 0) return { kind: 'invalid', problems, uncovered };
  const version: PublishedVersion = { id, version: next, text: complete.text, effectiveFrom: mine.criteria.effectiveFrom, changeNotes, publishedBy: by, publishedAt: now, ...(draft.answers && draft.answers.length > 0 ? { answers: draft.answers } : {}) };
  return { kind: 'ok', version, uncovered };
}

function effectiveTime(draft: DraftRequest, stated: DraftStated, now: number, problems: Problem[]): number | null {
  const given = draft.effectiveFrom ?? stated.effectiveFrom;
  if (given === null || given === undefined || given === '') return now;
  // A bare date is midnight in the draft's own zone, as `effective_from` in a file is.
  const zone = stated.timezone !== null && isValidTimeZone(stated.timezone) ? stated.timezone : 'UTC';
  const parsed = parseInstant(given, zone);
  if (!parsed.ok) {
    problems.push({ code: 'invalid_format', path: ['effective_from'], message: parsed.message });
    return null;
  }
  if (parsed.ms < now) {
    problems.push({ code: 'invalid_value', path: ['effective_from'], message: `${isoUtc(parsed.ms)} is in the past: a published version takes effect now or later (leave it out for now)` });
    return null;
  }
  return parsed.ms;
}

function readDraftVersion(text: string): number | null {
  const read = readDraft(text);
  return read.ok ? read.stated.version : null;
}

function sourcedOrNone(p: PublishedVersion): SourcedVersion[] {
  const read = sourcedPublished(p);
  return read.ok ? [read.version] : [];
}

async function uncoveredBy(deps: PublishDeps, v: SourcedVersion): Promise<UncoveredProperty[]> {
  const component = await deps.subscriptions();
  if (component === null) return [];
  const read = new Set(propertiesRead(v.criteria));
  return missingSubscriptions(component, [v.criteria])
    .filter((m) => m.object !== null && m.property !== null && read.has(m.property))
    .map((m) => ({ object: m.object ?? '', property: m.property ?? '' }));
}

