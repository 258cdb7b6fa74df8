// Times in the portal's time zone (context.portal.timezone), written the way reps read them: "4 Nov, 10:04".
//
// Intl only: the service sends UTC instants and decides everything; the card only writes them down.

export interface TimeWords {
  /** The zone the card writes times in (the portal's, or UTC when HubSpot gave none it knows). */
  readonly zone: string;
  /** "4 Nov, 10:04": inside a sentence. */
  readonly at: (iso: string) => string;
  /** "4 Nov 2026, 10:04": a fact in a list. */
  readonly on: (iso: string) => string;
}

const SHORT = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;

function knownZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

export function timeWords(timeZone: string | undefined): TimeWords {
  const zone = knownZone(timeZone);
  const short = new Intl.DateTimeFormat('en-GB', { ...SHORT, timeZone: zone });
  const long = new Intl.DateTimeFormat('en-GB', { ...SHORT, year: 'numeric', timeZone: zone });
  return { zone, at: (iso) => short.format(new Date(iso)), on: (iso) => long.format(new Date(iso)) };
}
