// The closed periods' storage port: each closed period's frozen invoice and its SHA-256, written once and never changed.
/** A stored snapshot: the canonical JSON text exactly as hashed, and the hash taken at close. */
export interface StoredSnapshot {
  readonly period: string;
  readonly text: string;
  readonly sha256: string;
}

export interface PeriodStore {
  /** Every closed period of the portal, as stored. */
  closed(portalId: number): Promise<StoredSnapshot[]>;
  /** Stores the snapshot unless the period is already closed (then nothing changes): `already` gives the one stored. */
  close(portalId: number, snapshot: StoredSnapshot): Promise<{ readonly kind: 'closed' } | { readonly kind: 'already'; readonly stored: StoredSnapshot }>;
}
