// Money, counts, rates and times as finance reads them: "$1,234.50", "62.5 %", "4 Nov 2026, 10:04" in the portal's time zone, "November 2026".
//
// Intl only: the service computes every figure; the page only writes them down.

export interface Words {
  /** The zone times are written in: the portal's, or UTC when HubSpot gave none this runtime knows. */
  readonly zone: string;
  /** A decimal amount from the service in its currency: "$1,234.50". */
  readonly money: (amount: string, currency: string) => string;
  /** A share from 0 to 1: "42.9 %". */
  readonly share: (ratio: number) => string;
  /** A count or a rate of outcomes: "1,234", "0.11". */
  readonly count: (n: number) => string;
  /** An instant: "4 Nov 2026, 10:04". */
  readonly at: (iso: string) => string;
  /** A billing period: "November 2026". */
  readonly period: (period: string) => string;
  /** A calendar day of a period: "3 Nov". */
  readonly day: (date: string) => string;
}

function knownZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The user's locale for numbers when this runtime knows it, else en-US. */
function knownLocale(locale: string | undefined): string {
  try {
    return locale ? (Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? 'en-US') : 'en-US';
  } catch {
    return 'en-US';
  }
}

export function words(timeZone: string | undefined, userLocale?: string): Words {
  const zone = knownZone(timeZone);
  const locale = knownLocale(userLocale);
  const at = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
  // Periods and days are calendar dates already: written in UTC so no zone moves them.
  const month = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const share = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  return {
    zone,
    money: (amount, currency) => {
      try {
        // A decimal string keeps every digit (Intl formats it exactly, without going through a float).
        return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as `${number}`);
      } catch {
        return `${amount} ${currency}`;
      }
    },
    share: (ratio) => `${share.format(ratio * 100)} %`,
    count: (n) => count.format(n),
    at: (iso) => at.format(new Date(iso)),
    period: (p) => month.format(new Date(`${p}-01T00:00:00Z`)),
    day: (d) => day.format(new Date(`${d}T00:00:00Z`)),
  };
}
