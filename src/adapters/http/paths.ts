// The service's public paths, apart from the express app so that a client (the `send` command) names them without loading it.

/** Where HubSpot, and `outcome-billing send`, deliver webhook batches. */
export const WEBHOOK_PATH = '/webhooks/hubspot';

/** The webhook URL of a service on this machine: what `send` posts to, and `npm run dev` signs with, by default. */
export const localWebhookUrl = (port: number): string => `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
