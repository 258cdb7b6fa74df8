// One criteria id on the home page: its spend and forecast, then the period's activity, or a word that there was none.
import { Divider, EmptyState, Flex, Heading, Text, Tile } from '@hubspot/ui-extensions';
import type { CriteriaHome } from '../api/schema.ts';
import type { Words } from '../words/numbers.ts';
import { Activity, OpenDisputes } from './activity.tsx';
import { ForecastFigures, Spend } from './spend.tsx';

interface Props {
  readonly row: CriteriaHome;
  readonly period: string;
  readonly words: Words;
}

export function CriteriaSection({ row, period, words: w }: Props) {
  const quiet = row.funnel.attempts === 0 && row.notBillable.length === 0 && row.daily.every((d) => d.billable === 0);
  return (
    <Tile testId={`criteria:${row.criteriaId}`}>
      <Flex direction="column" gap="sm">
        <Heading>{row.name}</Heading>
        <Spend row={row} words={w} />
        {row.forecast && <ForecastFigures row={row} forecast={row.forecast} words={w} />}
        <Divider />
        {quiet ? (
          <EmptyState title={`No outcomes in ${w.period(period)}`} layout="vertical" imageName="object" testId={`quiet:${row.criteriaId}`}>
            <Text>No agent attempt for these criteria was opened or settled in this period.</Text>
          </EmptyState>
        ) : (
          <Activity row={row} words={w} />
        )}
        <OpenDisputes row={row} words={w} />
      </Flex>
    </Tile>
  );
}
