// What the settings page says when the service refuses something, in words RevOps can act on.
import type { Failure } from '../api/client.ts';

export const NOT_AN_EDITOR =
  "You can't publish criteria: only the portal's criteria editors can. Ask one of them to publish this draft, or ask your HubSpot admin to add you to the editors (CRITERIA_EDITORS on the billing service).";

export const NOT_A_RESOLVER =
  "You can't pause or resume criteria: only the portal's dispute resolvers can. Ask one of them, or ask your HubSpot admin to add you (DISPUTE_RESOLVERS on the billing service).";

export function publishFailure(f: Failure): string {
  switch (f.kind) {
    case 'forbidden':
      return NOT_AN_EDITOR;
    case 'invalid':
      return 'The draft has problems: nothing was published. Each one is shown at its field.';
    case 'conflict':
      return `Not published: ${f.message}`;
    default:
      return f.message;
  }
}

export function pauseFailure(f: Failure): string {
  if (f.kind === 'forbidden') return NOT_A_RESOLVER;
  const details = f.problems.map((p) => p.message).filter((m) => m !== f.message);
  return [f.message, ...details].join(' — ');
}

export const STATE_WORDS: Readonly<Record<string, string>> = { in_force: 'In force', scheduled: 'Scheduled', past: 'Past' };

/** An ISO instant as the portal reads it, in its time zone; the ISO text itself where the runtime cannot. */
export function when(iso: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(iso));
  } catch {
    return iso;
  }
}
