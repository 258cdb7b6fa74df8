// The home page's words and helpers: every reason and reconcile finding has words (the card's for reasons), money and times as finance reads them, the service's address from the profile.
import { describe, expect, it } from 'vitest';
import { backendUrl as cardBackendUrl } from '../../hubspot-app/src/app/cards/api/backend-url.ts';
import { REASON_WORDS as CARD_REASON_WORDS } from '../../hubspot-app/src/app/cards/words/outcomes.ts';
import { backendUrl } from '../../hubspot-app/src/app/pages/api/backend-url.ts';
import { backendUrl as settingsBackendUrl } from '../../hubspot-app/src/app/settings/api/backend-url.ts';
import { words } from '../../hubspot-app/src/app/pages/words/numbers.ts';
import { MISMATCH_WORDS, REASON_WORDS, STATE_WORDS, mismatchWords, reasonWords, stateWords } from '../../hubspot-app/src/app/pages/words/reasons.ts';
import { MISMATCH_KINDS } from '../../src/app/reconcile-compare.ts';
import { REASONS } from '../../src/core/types.ts';

describe("the home page's words for the service's codes", () => {
  it("says every reason of the contract in the card's words, every reconcile finding and every period state", () => {
    expect(REASON_WORDS).toEqual(CARD_REASON_WORDS);
    expect(Object.keys(REASON_WORDS).sort()).toEqual([...REASONS].sort());
    expect(Object.keys(MISMATCH_WORDS).sort()).toEqual([...MISMATCH_KINDS].sort());
    expect(Object.keys(STATE_WORDS)).toEqual(['open', 'closed', 'snapshot_changed']);
  });

  it('says a code it does not know as it is', () => {
    expect([reasonWords('budget_exceeded'), mismatchWords('label_differs'), stateWords('archived')]).toEqual(['Budget exceeded', 'label differs', 'archived']);
    expect(reasonWords('human_review_fail')).toBe('It did not pass review');
  });
});

describe('numbers and times', () => {
  const w = words('America/New_York');

  it('writes amounts exactly in their currency, also past what a float holds', () => {
    expect([w.money('1234.50', 'USD'), w.money('-2.00', 'USD'), w.money('500', 'JPY'), w.money('1.234', 'KWD')]).toEqual(['$1,234.50', '-$2.00', '¥500', 'KWD\u00a01.234']);
    expect(w.money('90071992547409.93', 'USD')).toBe('$90,071,992,547,409.93');
    expect(w.money('1.00', 'XYZ1')).toBe('1.00 XYZ1');
  });

  it("writes numbers in the user's locale, and in en-US for one this runtime does not know", () => {
    expect(words('UTC', 'de-DE').money('1234.50', 'EUR')).toBe('1.234,50\u00a0€');
    expect(words('UTC', 'not a locale!').money('1234.50', 'USD')).toBe('$1,234.50');
  });

  it("writes instants in the portal's zone, periods and days as the calendar dates they are", () => {
    expect(w.at('2026-11-01T17:00:00.000Z')).toBe('1 Nov 2026, 12:00');
    expect([w.period('2026-11'), w.day('2026-11-01')]).toEqual(['November 2026', '1 Nov']);
    expect(words('Not/A_Zone').zone).toBe('UTC');
    expect([w.share(3 / 7), w.count(2.25), w.count(1234)]).toEqual(['42.9 %', '2.25', '1,234']);
  });

  it("finds the service where the card does: the profile's bare https origin", () => {
    for (const variables of [undefined, {}, { BACKEND_URL: 'https://billing.test/' }, { BACKEND_URL: 'http://billing.test' }, { BACKEND_URL: 'https://billing.test/api' }, { BACKEND_URL: 7 }]) {
      expect(backendUrl(variables)).toBe(cardBackendUrl(variables));
      // The settings page's copy too (each app folder is uploaded alone: docs/hubspot-app.md).
      expect(settingsBackendUrl(variables)).toBe(cardBackendUrl(variables));
    }
    expect(backendUrl({ BACKEND_URL: ' https://billing.test/ ' })).toBe('https://billing.test');
  });
});
