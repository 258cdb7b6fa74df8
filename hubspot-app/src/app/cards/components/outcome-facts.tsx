// The facts of one outcome as the service recorded them: criteria, presses, times in the portal's zone, billing period, charge.
import { DescriptionList, DescriptionListItem, Text } from '@hubspot/ui-extensions';
import type { Outcome } from '../api/schema.ts';
import type { TimeWords } from '../words/time.ts';

const NONE = '—';

export function OutcomeFacts({ outcome: o, time }: { readonly outcome: Outcome; readonly time: TimeWords }) {
  const when = (iso: string | null) => (iso ? time.on(iso) : NONE);
  const facts: [string, string][] = [
    ['Criteria', `${o.criteria.name} (${o.criteria.id}, version ${o.criteria.version})`],
    ['Tries', String(o.tries)],
    ['Suppressed presses', String(o.suppressed)],
    ['Duplicate presses', String(o.duplicates)],
    ['Started', time.on(o.openedAt)],
    ['Succeeded', when(o.succeededAt)],
    ['Settled', when(o.settledAt)],
    ['Billing period', o.billingPeriod ?? NONE],
    // The amount as the service wrote it: a decimal string with the currency's digits, never a float.
    ['Charge', o.overLimit ? 'None: over budget limit, not charged' : o.charge ? `${o.charge.amount} ${o.charge.currency}` : NONE],
  ];
  return (
    <DescriptionList direction="row">
      {facts.map(([label, value]) => (
        <DescriptionListItem key={label} label={label}>
          <Text testId={`fact-${label.toLowerCase().replace(/ /g, '-')}:${o.outcomeId}`}>{value}</Text>
        </DescriptionListItem>
      ))}
    </DescriptionList>
  );
}
