// Why outcomes were not billed, and what a reconcile found, in finance's words. The keys are the service's codes; an unknown one is said as it is.
//
// The reasons are the card's words (cards/words/outcomes.ts); test/hubspot-app/home-words.test.ts holds
// the two copies to the same table and to every reason of the contract.

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

export const MISMATCH_WORDS = {
  missing_in_hubspot: 'missing in HubSpot',
  extra_in_hubspot: 'in HubSpot but not in the ledger',
  status_differs: 'status differs',
  version_differs: 'criteria version differs',
  amount_differs: 'amount differs',
  period_differs: 'billing period differs',
  missing_in_ledger: 'on the invoice but not in the ledger',
} as const;

const known = <T extends object>(table: T, key: string): key is Extract<keyof T, string> => Object.hasOwn(table, key);
const asIs = (code: string) => code.replace(/_/g, ' ');

/** "Success came after the time limit". */
export function reasonWords(reason: string): string {
  const w = known(REASON_WORDS, reason) ? REASON_WORDS[reason] : asIs(reason);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

export function mismatchWords(kind: string): string {
  return known(MISMATCH_WORDS, kind) ? MISMATCH_WORDS[kind] : asIs(kind);
}

/** `snapshot_changed`: the service refuses the period's figures (its frozen invoice no longer matches its hash); only whoever runs the service can restore it. */
export const STATE_WORDS = {
  open: 'Open',
  closed: 'Closed',
  snapshot_changed: 'Closed, but its stored invoice was changed after close, so its figures are not shown: tell your billing admin',
} as const;

/** What the period picker adds to a period's name, by state. */
export const PICKER_MARKS: Record<string, string> = { closed: ' (closed)', snapshot_changed: ' (snapshot changed)' };

export function stateWords(state: string): string {
  return known(STATE_WORDS, state) ? STATE_WORDS[state] : asIs(state);
}

/** "Ticket": the kind of record an outcome is on. */
export function recordWords(objectType: string): string {
  const w = asIs(objectType);
  return w.charAt(0).toUpperCase() + w.slice(1);
}
