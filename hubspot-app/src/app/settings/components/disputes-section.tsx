// Disputes inform the rulebook: the upheld disputes of a criteria id by reason over the recent billing periods, its open ones, and the versions that answer them.
import { Flex, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text } from '@hubspot/ui-extensions';
import type { CriteriaEntry, Disputes } from '../api/schema.ts';

/** "v3, v4" for the versions answering any of `ids`, or "not yet". */
export function answeredWords(d: Disputes, ids: readonly string[]): string {
  const versions = [...new Set(ids.map((id) => d.answeredBy[id]).filter((v): v is number => v !== undefined))].sort((a, b) => a - b);
  if (versions.length === 0) return 'Not yet';
  const all = ids.every((id) => d.answeredBy[id] !== undefined);
  return `${all ? '' : 'Some, '}by ${versions.map((v) => `v${v}`).join(', ')}`;
}

export function DisputesSection({ entry }: { readonly entry: CriteriaEntry }) {
  const d = entry.disputes;
  if (!d) return null;
  const span = d.periods.length > 0 ? `${d.periods[0]} to ${d.periods[d.periods.length - 1]}` : '';
  if (d.upheld.length === 0 && d.open.length === 0) {
    return <Text variant="microcopy" testId={`disputes-none-${entry.id}`}>No dispute upheld from {span}, and none open.</Text>;
  }
  return (
    <Flex direction="column" gap="xs" testId={`disputes-${entry.id}`}>
      <Text format={{ fontWeight: 'demibold' }}>Upheld disputes by reason, {span}</Text>
      {d.upheld.length === 0 ? (
        <Text variant="microcopy">None upheld in these periods.</Text>
      ) : (
        <Table bordered testId={`upheld-${entry.id}`}>
          <TableHead>
            <TableRow>
              <TableHeader>Reason</TableHeader>
              <TableHeader>Upheld</TableHeader>
              <TableHeader>Answered</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {d.upheld.map((r) => (
              <TableRow key={r.reason}>
                <TableCell>{r.reason}</TableCell>
                <TableCell>{r.count}</TableCell>
                <TableCell>{answeredWords(d, r.outcomeIds)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {d.open.length > 0 && (
        <Text testId={`open-disputes-${entry.id}`}>
          Open: {d.open.map((o) => `${o.reason} (${o.outcomeId}${d.answeredBy[o.outcomeId] === undefined ? '' : `, answered by v${d.answeredBy[o.outcomeId]}`})`).join('; ')}
        </Text>
      )}
    </Flex>
  );
}

/** The disputes a new version may say it answers: the upheld ones listed and the open ones. */
export function answerOptions(d: Disputes | null | undefined): { label: string; value: string }[] {
  if (!d) return [];
  const upheld = d.upheld.flatMap((r) => r.outcomeIds.map((id) => ({ label: `Upheld: ${r.reason} (${id})`, value: id })));
  return [...upheld, ...d.open.map((o) => ({ label: `Open: ${o.reason} (${o.outcomeId})`, value: o.outcomeId }))];
}
