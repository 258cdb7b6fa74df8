// Reads the app's webhook subscriptions file, so a draft that reads an unsubscribed property can be named before it is published.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { webhooksComponentSchema } from '../../app/hubspot-subscriptions.ts';
import type { WebhooksComponent } from '../../app/hubspot-subscriptions.ts';

/** The project's file, which `outcome-billing hubspot subscriptions` writes and `hs project upload` sends to HubSpot. */
const PROJECT_WEBHOOKS_FILE = fileURLToPath(new URL('../../../hubspot-app/src/app/webhooks/webhooks-hsmeta.json', import.meta.url));

/** Null when the file is missing or not a webhooks component: nothing can then be said about subscriptions. */
export function webhooksFileReader(path: string = PROJECT_WEBHOOKS_FILE): () => Promise<WebhooksComponent | null> {
  return async () => {
    try {
      const parsed = webhooksComponentSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  };
}
