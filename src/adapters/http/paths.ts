// The service's public paths, apart from the express app so that a client (the `send` command) names them without loading it.

/** Where HubSpot, and `outcome-billing send`, deliver webhook batches. */
export const WEBHOOK_PATH = '/webhooks/hubspot';
