// Answers of the card's API (docs/card-api.md) for the card's tests, and a hubspot.fetch stand-in that routes by method and path.
import type { Mock } from 'vitest';
import type { Outcome, OutcomesPage, TrailEntry, TrailPage } from '../../hubspot-app/src/app/cards/api/schema.ts';

export const BASE = 'https://billing.test';

export function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    outcomeId: 'enrich-route:deal:555:2026-11-03#1',
    criteria: { id: 'enrich-route', version: 2, name: 'Enriched MQL routed within ten minutes' },
    status: 'billable',
    reason: null,
    label: null,
    tries: 1,
    suppressed: 2,
    duplicates: 0,
    openedAt: '2026-11-03T10:00:00.000Z',
    succeededAt: '2026-11-03T10:04:00.000Z',
    settledAt: '2026-11-04T10:04:00.000Z',
    deadline: null,
    reviewEndsAt: null,
    billingPeriod: '2026-11',
    charge: { amount: '0.99', currency: 'USD' },
    overLimit: false,
    dispute: null,
    canDispute: true,
    canResolve: false,
    verificationLogUrl: 'https://app.hubspot.com/contacts/123/record/2-456/789',
    trailLength: 3,
    ...overrides,
  };
}

export function page(overrides: Partial<OutcomesPage> = {}): OutcomesPage {
  return {
    record: { objectType: 'deal', recordId: '555' },
    viewer: { userId: 7, canResolve: false },
    outcomes: [outcome()],
    nextCursor: null,
    pressAdvice: [],
    paused: [],
    ...overrides,
  };
}

export function trailPage(entries: TrailEntry[], nextCursor: string | null = null): TrailPage {
  return { outcomeId: outcome().outcomeId, entries, nextCursor };
}

export const openDispute = {
  state: 'open' as const,
  openedAt: '2026-11-05T09:00:00.000Z',
  openedBy: { userId: 9, email: 'rep@example.com' },
  reason: 'Wrong record: the contact was already routed',
  resolvedAt: null,
  resolvedBy: null,
  note: null,
};

/** What hubspot.fetch resolves to: only the parts the card reads. */
export function answer(status: number, body: unknown): Response {
  return { ok: status >= 200 && status < 300, status, json: async () => body } as Response;
}

export const refusal = (code: string, message: string) => ({ error: { code: 'action_refused', message: 'The action does not apply', problems: [{ code, path: ['outcomeId'], message }] } });

export interface Call {
  readonly method: string;
  readonly url: URL;
  readonly body: Record<string, unknown> | undefined;
}

/** Every call the mock received, with its URL parsed. */
export function calls(fetchMock: Mock): Call[] {
  return fetchMock.mock.calls.map(([url, options]) => ({
    method: (options as { method?: string } | undefined)?.method ?? 'GET',
    url: new URL(String(url)),
    body: (options as { body?: Record<string, unknown> } | undefined)?.body,
  }));
}

/** A promise the test settles when it wants: for "while in flight". */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
