// The texts `export` writes: events, actions, records and criteria files in the shapes `simulate` and `validate` read.
import { stringify } from 'yaml';
import type { KnownVersion } from '../../app/criteria-changes.ts';
import type { LedgerExport } from '../../app/ledger-export.ts';
import { actionJson } from './actions-file.ts';
import { eventsOfSignals } from '../hubspot/events-export.ts';

/** A JSON array with one element per line: readable, diffable, and what `simulate --events` reads. */
const jsonArray = (items: readonly unknown[]): string => (items.length === 0 ? '[]\n' : `[\n${items.map((i) => `  ${JSON.stringify(i)}`).join(',\n')}\n]\n`);

export const eventsFileText = (portalId: number, exported: LedgerExport): string => jsonArray(eventsOfSignals(portalId, exported.signals));

export const actionsFileText = (exported: LedgerExport): string => jsonArray(exported.actions.map(actionJson));

/** `simulate --records`: each record's properties before its first signal. */
export const recordsFileText = (exported: LedgerExport): string =>
  jsonArray(exported.records.map((r) => ({ objectType: r.objectType, id: r.recordId, properties: r.properties })));

/**
 * Every version as it was written (the registry keeps each one's text, keys sorted), under `criteria:`,
 * by id and version: a file `validate` and `simulate --criteria` read, and the registry would take as unchanged.
 */
export function criteriaFileText(versions: readonly KnownVersion[]): string {
  const sorted = [...versions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version));
  return stringify({ criteria: sorted.map((v) => JSON.parse(v.canonical) as unknown) }, { lineWidth: 0 });
}
