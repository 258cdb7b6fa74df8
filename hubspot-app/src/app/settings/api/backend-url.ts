// Where the billing service is: the BACKEND_URL of the config profile the app was uploaded with (context.variables).
//
// The same rule as the card's api/backend-url.ts: HubSpot builds each component folder on its own, so
// the settings page keeps its own copy.

export const BACKEND_URL_VARIABLE = 'BACKEND_URL';

/** The service's https origin without a trailing slash, or null when the profile set none the page can fetch. */
export function backendUrl(variables: Readonly<Record<string, unknown>> | undefined): string | null {
  const raw = variables?.[BACKEND_URL_VARIABLE];
  if (typeof raw !== 'string') return null;
  const given = raw.trim().replace(/\/$/, '');
  try {
    const url = new URL(given);
    return url.protocol === 'https:' && url.origin === given ? url.origin : null;
  } catch {
    return null;
  }
}
