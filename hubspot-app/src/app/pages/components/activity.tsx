// What happened in the period: billable outcomes per day as a chart, the funnel from presses to billable outcomes, why others were not billed; and the disputes still open.
import { BarChart, DescriptionList, DescriptionListItem, Flex, Heading, List, Text } from '@hubspot/ui-extensions';
import type { CriteriaHome } from '../api/schema.ts';
import type { Words } from '../words/numbers.ts';
import { reasonWords, recordWords } from '../words/reasons.ts';

interface Props {
  readonly row: CriteriaHome;
  readonly words: Words;
}

function Funnel({ row, words: w }: Props) {
  const f = row.funnel;
  return (
    <DescriptionList direction="row" testId={`funnel:${row.criteriaId}`}>
      <DescriptionListItem label="Presses">{w.count(f.presses)}</DescriptionListItem>
      <DescriptionListItem label="Attempts">{w.count(f.attempts)}</DescriptionListItem>
      <DescriptionListItem label="Succeeded">{w.count(f.successes)}</DescriptionListItem>
      <DescriptionListItem label="Billable">{w.count(f.billable)}</DescriptionListItem>
      <DescriptionListItem label="Yield (billable per attempt)">{f.yield === null ? '—' : w.share(f.yield)}</DescriptionListItem>
      <DescriptionListItem label="Spend per billed outcome">{f.unitSpend === null ? '—' : w.money(f.unitSpend, row.currency)}</DescriptionListItem>
    </DescriptionList>
  );
}

export function Activity({ row, words: w }: Props) {
  const data = row.daily.map((d) => ({ day: w.day(d.date), billable: d.billable }));
  return (
    <Flex direction="column" gap="sm">
      <BarChart
        data={data}
        axes={{ x: { field: 'day', fieldType: 'category', label: 'Day' }, y: { field: 'billable', fieldType: 'linear', label: 'Billable outcomes' } }}
        options={{ title: 'Billable outcomes per day', showTooltips: true }}
        testId={`daily:${row.criteriaId}`}
      />
      <Funnel row={row} words={w} />
      <Heading>Not billed, and why</Heading>
      {row.notBillable.length === 0 ? (
        <Text testId={`not-billable-none:${row.criteriaId}`}>Every outcome settled this period was billable.</Text>
      ) : (
        <List variant="unordered-styled" testId={`not-billable:${row.criteriaId}`}>
          {row.notBillable.map((r) => (
            <Text key={r.reason}>{`${reasonWords(r.reason)}: ${w.count(r.count)}`}</Text>
          ))}
        </List>
      )}
    </Flex>
  );
}

export function OpenDisputes({ row, words: w }: Props) {
  if (row.openDisputes.length === 0) return <Text testId={`disputes-none:${row.criteriaId}`}>No open disputes.</Text>;
  return (
    <Flex direction="column" gap="xs">
      <Heading>{`Open disputes (${w.count(row.openDisputes.length)})`}</Heading>
      <List variant="unordered-styled" testId={`disputes:${row.criteriaId}`}>
        {row.openDisputes.map((d) => (
          <Text key={d.outcomeId}>{`${recordWords(d.objectType)} ${d.recordId}, opened ${w.at(d.openedAt)}${d.billingPeriod ? `, billed in ${w.period(d.billingPeriod)}` : ''}: ${d.reason}`}</Text>
        ))}
      </List>
    </Flex>
  );
}
