// An operator action as JSON for people and files (cli.md's `--actions` shape): `at` as ISO 8601 UTC, fields in a fixed order.
import type { Action } from '../core/engine/input.ts';
import { isoUtc } from '../core/time.ts';

/** Omit over each member of the union, so it stays discriminated. */
export type ActionJson = Action extends infer A ? (A extends Action ? Omit<A, 'at'> & { readonly at: string } : never) : never;

/** What the card is answered and `export` writes: the action as `simulate --actions` reads it back. */
export function actionJson(a: Action): ActionJson {
  const head = { type: a.type, at: isoUtc(a.at), by: { userId: a.by.userId, email: a.by.email } };
  switch (a.type) {
    case 'open_dispute':
      return { ...head, type: a.type, outcomeId: a.outcomeId, reason: a.reason };
    case 'resolve_dispute':
      return { ...head, type: a.type, outcomeId: a.outcomeId, resolution: a.resolution, note: a.note };
    default:
      return { ...head, type: a.type, criteriaId: a.criteriaId, note: a.note };
  }
}
