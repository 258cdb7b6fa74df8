// A backtest in finance's and RevOps' words: the figures' names, money in its currency, yield as a percent, and a verdict as the card says it.
//
// The service computes every figure; these only write them down. The status names and reasons are the
// card's words (cards/words/outcomes.ts): each extension folder is built on its own, so this is a copy,
// held to the card's by test/hubspot-app/settings-backtest.test.tsx.
import type { BacktestSide, Verdict } from '../api/schema.ts';

export const STATUS_NAMES = {
  open: 'In progress',
  failed: 'Failed',
  in_review: 'Pending review',
  billable: 'Billable',
  not_billable: 'Not billable',
  credited: 'Credited',
} as const;

export const REASON_WORDS = {
  insufficient_inputs: 'the record lacked information the agent needed',
  policy_block: 'a CRM policy blocked the agent',
  third_party_failure: 'a service the agent relies on failed',
  duplicate_or_merge_required: 'the record is a duplicate or has to be merged first',
  latency_breach: 'success came after the time limit',
  human_review_fail: 'it did not pass review',
  reversed: 'success was undone during the review period',
  excluded: 'a rule excludes it from billing',
  cap_reached: 'the record already had as many billable outcomes as the limit allows',
  unclassified: 'the work failed and no rule names why',
} as const;

const known = <T extends object>(table: T, key: string): key is Extract<keyof T, string> => Object.hasOwn(table, key);
/** A code a newer service sends that the page has no words for yet: said as it is, never hidden. */
const asIs = (code: string) => code.replace(/_/g, ' ');
const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

export const statusName = (status: string): string => (known(STATUS_NAMES, status) ? STATUS_NAMES[status] : asIs(status));
export const reasonWords = (reason: string): string => (known(REASON_WORDS, reason) ? REASON_WORDS[reason] : asIs(reason));

/** "Not billable: success came after the time limit (v1)"; an outcome this side does not open is said so. */
export function verdictWords(v: Verdict | null): string {
  if (v === null) return 'No outcome';
  return `${statusName(v.status)}${v.reason ? `: ${reasonWords(v.reason)}` : ''} (v${v.criteriaVersion})`;
}

/** The windows the picker offers, in days back from now; the default is the service's own (30 days). */
export const WINDOW_DAYS = [7, 30, 60, 90] as const;
export const DEFAULT_WINDOW_DAYS = 30;

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A decimal amount from the service in its currency, exactly ("$1,234.50"); as it is when this runtime does not know the currency. */
export function money(amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount as `${number}`);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** One row of the side-by-side table: what it is called and how each side's figure reads. */
export interface FigureRow {
  readonly key: string;
  readonly label: string;
  readonly of: (side: BacktestSide) => string;
}

export const FIGURE_ROWS: readonly FigureRow[] = [
  { key: 'presses', label: 'Agent presses', of: (s) => count.format(s.presses) },
  { key: 'attempts', label: 'Attempts (retries counted once)', of: (s) => count.format(s.attempts) },
  { key: 'successes', label: 'Successes', of: (s) => count.format(s.successes) },
  { key: 'billable', label: 'Billable outcomes', of: (s) => count.format(s.billable) },
  { key: 'pending', label: 'Still pending (not settled yet)', of: (s) => count.format(s.pending) },
  { key: 'charge', label: 'Charge', of: (s) => (s.charge.length === 0 ? 'Nothing' : s.charge.map((c) => money(c.amount, c.currency)).join(', ')) },
  { key: 'yield', label: 'Yield (billable per attempt)', of: (s) => (s.yield === null ? '— (no attempts)' : `${percent.format(s.yield * 100)} %`) },
  {
    key: 'notBillable',
    label: 'Not billable, by reason',
    of: (s) => (s.notBillable.length === 0 ? 'None' : s.notBillable.map((n) => `${capital(reasonWords(n.reason))}: ${count.format(n.count)}`).join('; ')),
  },
];

/** "Ticket 2": the record an outcome is on. */
export const recordName = (objectType: string, recordId: string): string => `${capital(asIs(objectType))} ${recordId}`;
