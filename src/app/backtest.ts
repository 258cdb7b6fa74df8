// Use case: the settings page's backtest: a draft (as the page's editor holds it, read as `validate` reads a file) against the portal's stored signals and actions over a window.
import { backtest } from '../core/backtest.ts';
import type { BacktestResult, BacktestSide, Verdict } from '../core/backtest.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { completeDraft, readDraft } from '../core/criteria/draft.ts';
import type { CriteriaVersion } from '../core/criteria/types.ts';
import { formatAmount } from '../core/money.ts';
import type { Problem } from '../core/problems.ts';
import { isoUtc } from '../core/time.ts';
import { OBJECT_TYPE_ID } from '../core/types.ts';
import type { ObjectType } from '../core/types.ts';
import { exportLedger } from './ledger-export.ts';
import type { SignalStore } from './ports.ts';

const DEFAULT_BACKTEST_WINDOW_MS = 30 * 24 * 3_600_000;

export interface BacktestDeps {
  /** The same store `export` reads. */
  readonly store: Pick<SignalStore, 'portalLog'>;
  /** The versions as they are (files and published ones). */
  readonly criteria: () => CriteriaSet;
  /** SIGNAL_RETENTION_MS: a window may not start earlier than this before now. */
  readonly retentionMs: number;
  readonly clock: () => number;
}

export interface BacktestRequest {
  readonly portalId: number;
  readonly draftYaml: string;
  /** Epoch ms; `to` defaults to now, `from` to 30 days before `to` or the oldest signal kept, whichever is later. */
  readonly from?: number;
  readonly to?: number;
}

export type BacktestAnswer =
  | { readonly kind: 'ok'; readonly view: BacktestView }
  /** The draft does not read as one criteria version: every problem, at its field (and column, for a condition). */
  | { readonly kind: 'invalid_draft'; readonly problems: readonly Problem[] }
  /** The window is empty or starts before the signals kept. */
  | { readonly kind: 'invalid_window'; readonly problems: readonly Problem[] };

export interface BacktestSideView {
  readonly presses: number;
  readonly attempts: number;
  readonly successes: number;
  readonly billable: number;
  readonly pending: number;
  readonly charge: readonly { readonly currency: string; readonly amount: string }[];
  readonly yield: number | null;
  readonly notBillable: readonly { readonly reason: string; readonly count: number }[];
}

export interface BacktestView {
  readonly window: { readonly from: string; readonly to: string; readonly asOf: string };
  readonly draft: { readonly criteriaId: string; readonly version: number };
  readonly asIs: BacktestSideView;
  readonly withDraft: BacktestSideView;
  readonly changes: readonly {
    readonly outcomeId: string;
    readonly criteriaId: string;
    readonly objectType: string;
    readonly recordId: string;
    readonly openedAt: string;
    readonly recordUrl: string;
    readonly before: Verdict | null;
    readonly after: Verdict | null;
  }[];
  readonly changedCount: number;
  /** Signals replayed: every one kept from the retention's start to now. */
  readonly signals: number;
}

export function createBacktest(deps: BacktestDeps): { run(request: BacktestRequest): Promise<BacktestAnswer> } {
  return {
    async run(request) {
      const now = deps.clock();
      const kept = now - deps.retentionMs;
      const to = request.to ?? now;
      // The default window never reaches past what is kept: a retention under 30 days shortens it.
      const from = request.from ?? Math.max(to - DEFAULT_BACKTEST_WINDOW_MS, kept);
      const windowProblems = windowProblemsOf(from, to, kept, deps.retentionMs);
      if (windowProblems.length > 0) return { kind: 'invalid_window', problems: windowProblems };
      const criteria = deps.criteria();
      const draft = draftVersion(request.draftYaml, criteria, from);
      if (!draft.ok) return { kind: 'invalid_draft', problems: draft.problems };
      // Export's read with no lower bound keeps every pause (a pause older than the window still holds in
      // it) and every first snapshot; signals older than the retention are dropped as if trimmed.
      const log = await exportLedger(deps.store, request.portalId, { since: null, until: now });
      const signals = log.signals.filter((s) => s.at >= kept);
      const records = log.records.map((r) => ({ objectType: r.objectType, id: r.recordId, properties: new Map(Object.entries(r.properties)) }));
      const result = backtest({ criteria, draft: draft.version, from, to, asOf: now, signals, actions: log.actions, records });
      if (!result.ok) return { kind: 'invalid_draft', problems: result.problems };
      return { kind: 'ok', view: viewOf(result.result, request.portalId, draft.version.id, { from, to, asOf: now }, signals.length) };
    },
  };
}

/**
 * The draft as the settings page's editor holds it (the publish fields left out, or stated) completed
 * and parsed as a publish completes it (completeDraft: `validate`'s parser, its paths and columns): its
 * stated number or the id's next, effective at the window's start, placeholder notes if it has none.
 */
function draftVersion(text: string, criteria: CriteriaSet, from: number): { ok: true; version: CriteriaVersion } | { ok: false; problems: readonly Problem[] } {
  const read = readDraft(text);
  if (!read.ok) return read;
  const id = read.stated.id;
  const next = 1 + Math.max(0, ...criteria.versions().filter((v) => v.id === id).map((v) => v.version));
  const complete = completeDraft(text, { version: read.stated.version ?? next, effectiveFrom: from, changeNotes: read.stated.changeNotes ?? 'Backtest of a draft.' });
  return complete.ok ? { ok: true, version: complete.version.criteria } : complete;
}

function windowProblemsOf(from: number, to: number, kept: number, retentionMs: number): Problem[] {
  const days = Math.floor(retentionMs / 86_400_000);
  if (from >= to) return [{ code: 'invalid_value', path: ['from'], message: `must be before to (${isoUtc(to)})` }];
  if (from < kept) {
    return [{ code: 'too_small', path: ['from'], message: `the window starts at ${isoUtc(from)}, before the oldest signals kept (${isoUtc(kept)}, ${days} days ago: SIGNAL_RETENTION_MS)` }];
  }
  return [];
}

function viewOf(r: BacktestResult, portalId: number, criteriaId: string, w: { from: number; to: number; asOf: number }, signals: number): BacktestView {
  return {
    window: { from: isoUtc(w.from), to: isoUtc(w.to), asOf: isoUtc(w.asOf) },
    draft: { criteriaId, version: r.draftVersion },
    asIs: sideView(r.asIs),
    withDraft: sideView(r.withDraft),
    changes: r.changes.map((c) => ({ ...c, openedAt: isoUtc(c.openedAt), recordUrl: recordUrl(portalId, c.objectType, c.recordId) })),
    changedCount: r.changedCount,
    signals,
  };
}

function sideView(s: BacktestSide): BacktestSideView {
  return { ...s, charge: s.charge.map((c) => ({ currency: c.currency, amount: formatAmount(c.minor, c.currency) })) };
}

/** The record in HubSpot's app, where its card shows the outcome. */
function recordUrl(portalId: number, objectType: ObjectType, recordId: string): string {
  return `https://app.hubspot.com/contacts/${portalId}/record/${OBJECT_TYPE_ID[objectType]}/${encodeURIComponent(recordId)}`;
}
