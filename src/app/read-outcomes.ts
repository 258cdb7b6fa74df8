// Use case: read the live ledger for tools and tests, in the same JSON shape as `simulate`.
import { compareOutcomes, outcomeView } from '../core/ledger-view.ts';
import type { OutcomeView } from '../core/ledger-view.ts';
import type { Problem } from '../core/problems.ts';
import { OBJECT_TYPES } from '../core/types.ts';
import type { ObjectType } from '../core/types.ts';
import { loadWithArchive } from './ledger-outcomes.ts';
import type { RecordRef, SignalStore } from './ports.ts';

/** A refused read: the question was wrong (`bad_request`) or names no outcome (`not_found`); the problem says which parameter. */
export type ReadError = { readonly code: 'not_found' | 'bad_request'; readonly problem: Problem };
export type ReadResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReadError };

export interface OutcomeReader {
  /** The record's outcomes in cli.md's order, without trails. */
  forRecord(q: { objectType: string | undefined; recordId: string | undefined; portalId?: number | undefined }): Promise<ReadResult<OutcomeView[]>>;
  /** One outcome with its audit trail. */
  byId(outcomeId: string, portalId?: number): Promise<ReadResult<OutcomeView>>;
}

/** An outcome id, with its object type (1) and record id (2). */
export const OUTCOME_ID = /^[a-z0-9-]+:(contact|deal|ticket):(\d+):[^#]+#\d+$/;

export function createOutcomeReader(store: SignalStore): OutcomeReader {
  /** A single-portal deployment needs no portal parameter; with several, it must be named. */
  async function portalFor(portalId: number | undefined): Promise<ReadResult<number | null>> {
    if (portalId !== undefined) return { ok: true, value: portalId };
    const portals = await store.portals();
    if (portals.length > 1) return { ok: false, error: { code: 'bad_request', problem: { code: 'required', path: ['portalId'], message: `several portals are stored (${portals.join(', ')}): name one with portalId` } } };
    return { ok: true, value: portals[0] ?? null };
  }

  async function stateOf(portalId: number | undefined, objectType: ObjectType, recordId: string) {
    const portal = await portalFor(portalId);
    if (!portal.ok) return portal;
    if (portal.value === null) return { ok: true as const, value: null };
    const ref: RecordRef = { portalId: portal.value, objectType, recordId };
    const loaded = await loadWithArchive(store, ref, Number.NEGATIVE_INFINITY);
    return { ok: true as const, value: loaded.state };
  }

  return {
    async forRecord({ objectType, recordId, portalId }) {
      if (objectType === undefined || !(OBJECT_TYPES as readonly string[]).includes(objectType)) {
        const code = objectType === undefined ? 'required' : 'invalid_value';
        return { ok: false, error: { code: 'bad_request', problem: { code, path: ['objectType'], message: `must be one of ${OBJECT_TYPES.join(', ')}` } } };
      }
      if (recordId === undefined || !/^\d+$/.test(recordId)) {
        const code = recordId === undefined ? 'required' : 'invalid_format';
        return { ok: false, error: { code: 'bad_request', problem: { code, path: ['recordId'], message: 'must be a HubSpot record id (digits)' } } };
      }
      const state = await stateOf(portalId, objectType as ObjectType, recordId);
      if (!state.ok) return state;
      const outcomes = [...(state.value?.outcomes ?? [])].sort(compareOutcomes);
      return { ok: true, value: outcomes.map((o) => outcomeView(o)) };
    },
    async byId(outcomeId, portalId) {
      const m = OUTCOME_ID.exec(outcomeId);
      if (!m) return { ok: false, error: { code: 'bad_request', problem: { code: 'invalid_format', path: ['outcomeId'], message: 'is not an outcome id (criteria:objectType:recordId:bucket#n)' } } };
      const state = await stateOf(portalId, m[1] as ObjectType, m[2]!);
      if (!state.ok) return state;
      const outcome = state.value?.outcomes.find((o) => o.outcomeId === outcomeId);
      if (!outcome) return { ok: false, error: { code: 'not_found', problem: { code: 'not_found', path: ['outcomeId'], message: `no outcome ${outcomeId}` } } };
      return { ok: true, value: outcomeView(outcome, true) };
    },
  };
}
