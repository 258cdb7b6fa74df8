// Use case: a portal's log as the simulator's inputs (signals in replay order, actions, records' first snapshots), so replay reproduces the ledger.
import type { Action } from '../core/engine/input.ts';
import type { ObjectType, Signal } from '../core/types.ts';
import type { PortalLogEntry, SignalStore } from './ports.ts';

export interface LedgerExport {
  /**
   * Signals in the order replay must meet them: by event time; at one instant the CRM reads first (the
   * worker applies a read before the signals of its instant), then the signals in the order stored.
   */
  readonly signals: readonly Signal[];
  /** Actions in the order they were taken (replay applies them in `at` order, ties in this order). */
  readonly actions: readonly Action[];
  /** Records the ledger started from their HubSpot snapshot: their properties before the first signal. */
  readonly records: readonly { readonly objectType: ObjectType; readonly recordId: string; readonly found: boolean; readonly properties: Readonly<Record<string, string>> }[];
  /** Stored actions the worker refused when it applied them (replay refuses them too). */
  readonly refused: number;
}

export interface ExportWindow {
  /** Inclusive bounds on event time; null for none. */
  readonly since: number | null;
  readonly until: number | null;
}

export async function exportLedger(store: Pick<SignalStore, 'portalLog'>, portalId: number, window: ExportWindow): Promise<LedgerExport> {
  const inWindow = (at: number) => (window.since === null || at >= window.since) && (window.until === null || at <= window.until);
  const signals: { signal: Signal; index: number }[] = [];
  const actions: Action[] = [];
  const records: LedgerExport['records'][number][] = [];
  let refused = 0;
  let index = 0;
  for await (const e of store.portalLog(portalId)) {
    index++;
    if (e.entry === 'signal' && inWindow(e.signal.at)) signals.push({ signal: e.signal, index });
    else if (e.entry === 'action' && inWindow(e.action.at)) actions.push(e.action);
    else if (e.entry === 'initial') records.push(initialOf(e));
    else if (e.entry === 'refused') refused++;
  }
  const rank = (s: Signal) => (s.kind === 'crm_read' ? 0 : 1);
  signals.sort((a, b) => a.signal.at - b.signal.at || rank(a.signal) - rank(b.signal) || a.index - b.index);
  return { signals: signals.map((s) => s.signal), actions, records, refused };
}

function initialOf(e: Extract<PortalLogEntry, { entry: 'initial' }>): LedgerExport['records'][number] {
  return { objectType: e.objectType, recordId: e.recordId, found: e.found, properties: e.properties };
}
