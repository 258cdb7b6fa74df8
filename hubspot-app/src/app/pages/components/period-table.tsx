// Each billing period's state: open or closed (and when), and what the last reconcile against HubSpot's verification log found.
import { Heading, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text } from '@hubspot/ui-extensions';
import type { PeriodState } from '../api/schema.ts';
import type { Words } from '../words/numbers.ts';
import { mismatchWords, stateWords } from '../words/reasons.ts';

function reconcileWords(p: PeriodState, w: Words): string {
  const r = p.lastReconcile;
  if (r === null) return 'Not reconciled yet';
  if (r.clean) return `Matches HubSpot (checked ${w.at(r.at)})`;
  const kinds = Object.entries(r.byKind)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${w.count(n)} ${mismatchWords(kind)}`);
  const repaired = r.repaired === null ? '' : `; repair queued ${w.count(r.repaired.queued)} write-back(s)`;
  return `${w.count(r.mismatches)} difference(s) from HubSpot (checked ${w.at(r.at)}): ${kinds.join(', ')}${repaired}`;
}

export function PeriodTable({ periods, words: w }: { readonly periods: readonly PeriodState[]; readonly words: Words }) {
  return (
    <>
      <Heading>Billing periods</Heading>
      <Table bordered testId="periods">
        <TableHead>
          <TableRow>
            <TableHeader>Period</TableHeader>
            <TableHeader>State</TableHeader>
            <TableHeader>Last reconcile</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {periods.map((p) => (
            <TableRow key={p.period}>
              <TableCell>{w.period(p.period)}</TableCell>
              <TableCell>
                <Text testId={`period-state:${p.period}`}>{p.closedAt === null ? stateWords(p.state) : `${stateWords(p.state)} on ${w.at(p.closedAt)}`}</Text>
              </TableCell>
              <TableCell>
                <Text testId={`period-reconcile:${p.period}`}>{reconcileWords(p, w)}</Text>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
