// A fresh id for one write the settings page sends: the service answers a repeat of it (HubSpot retries once on a 5xx) without acting twice.

/** A version 4 UUID. The card runs in a browser worker on HubSpot's https pages, where crypto.randomUUID is always there. */
export function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}
