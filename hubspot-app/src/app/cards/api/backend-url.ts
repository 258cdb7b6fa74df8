// The one place the card learns where the billing service is: the BACKEND_URL of the config profile it was uploaded with.
//
// A card cannot read process.env or a build-time define: HubSpot bundles it on upload. What it does get is
// the profile's variables in `context.variables` (the `variables` field of @hubspot/ui-extensions' context,
// filled from hsprofile.<name>.json by `hs project upload --profile <name>`), the same value that
// `${BACKEND_URL}` puts into app-hsmeta.json's permittedUrls.fetch, so the card can only call the origin
// HubSpot lets it fetch.

/** The profile variable that holds the service's origin (hsprofile.<name>.json, `variables`). */
export const BACKEND_URL_VARIABLE = 'BACKEND_URL';

type ProfileVariables = Readonly<Record<string, unknown>> | undefined;

/**
 * The service's https origin without a trailing slash, or null when the profile set none the card can use:
 * permittedUrls.fetch holds bare https origins, so anything else could never be fetched.
 */
export function backendUrl(variables: ProfileVariables): string | null {
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
