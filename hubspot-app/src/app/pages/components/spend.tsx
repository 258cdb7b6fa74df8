// What an id costs: the period's spend against the expected amount with its alert thresholds marked and the alerts fired, and the forecast for the current period.
import { Flex, ProgressBar, Statistics, StatisticsItem, Tag, Text } from '@hubspot/ui-extensions';
import type { CriteriaHome, HomeForecast } from '../api/schema.ts';
import type { Words } from '../words/numbers.ts';

interface Props {
  readonly row: CriteriaHome;
  readonly words: Words;
}

/** The budget's thresholds, and any alert fired at one the budget no longer has: an alert fired is always shown. */
function Thresholds({ row, words: w }: Props) {
  const thresholds = [...new Set([...row.charge.thresholds, ...row.alerts.map((a) => a.threshold)])].sort((a, b) => a - b);
  if (thresholds.length === 0) return null;
  return (
    <Flex direction="row" gap="xs" wrap="wrap">
      <Text inline>Alerts at:</Text>
      {thresholds.map((t) => {
        const fired = row.alerts.find((a) => a.threshold === t);
        return (
          <Tag key={t} variant={fired ? 'warning' : 'default'} testId={`threshold:${row.criteriaId}:${t}`}>
            {fired ? `${t} % — reached ${w.at(fired.firedAt)} at ${w.money(fired.charge, fired.currency)}` : `${t} % — not reached`}
          </Tag>
        );
      })}
    </Flex>
  );
}

export function Spend({ row, words: w }: Props) {
  const { charge, currency } = row;
  const percent = charge.percentOfExpected;
  return (
    <Flex direction="column" gap="xs">
      <Statistics testId={`spend:${row.criteriaId}`}>
        <StatisticsItem label="Spend this period" number={w.money(charge.amount, currency)} />
        {charge.expected !== null && <StatisticsItem label="Expected" number={w.money(charge.expected, currency)} />}
        {charge.limit !== null && <StatisticsItem label="Limit" number={w.money(charge.limit, currency)} />}
      </Statistics>
      {percent !== null ? (
        <ProgressBar
          title="Spend against expected"
          value={percent}
          maxValue={Math.max(100, percent)}
          valueDescription={`${w.share(percent / 100)} of expected`}
          variant={row.alerts.length > 0 ? 'warning' : 'success'}
          testId={`against-expected:${row.criteriaId}`}
        />
      ) : (
        <Text variant="microcopy" testId={`no-budget:${row.criteriaId}`}>
          No budget is set for these criteria, so there is no expected amount or alert.
        </Text>
      )}
      <Thresholds row={row} words={w} />
      {charge.limit !== null && <Text variant="microcopy">Outcomes past the limit are still verified but not charged.</Text>}
    </Flex>
  );
}

export function ForecastFigures({ row, forecast: f, words: w }: Props & { readonly forecast: HomeForecast }) {
  const m = (a: string) => w.money(a, row.currency);
  return (
    <Flex direction="column" gap="xs">
      <Statistics testId={`forecast:${row.criteriaId}`}>
        <StatisticsItem label="Month to date" number={m(f.mtd)} />
        <StatisticsItem label="Run-rate for the month" number={m(f.runRate)} />
        <StatisticsItem label="Accrual (verified plus expected from review)" number={m(f.accrual)} />
      </Statistics>
      <Statistics testId={`band:${row.criteriaId}`}>
        <StatisticsItem label="Low forecast" number={m(f.low)} />
        <StatisticsItem label="Likely forecast" number={m(f.likely)} />
        <StatisticsItem label="High forecast" number={m(f.high)} />
      </Statistics>
      <Text variant="microcopy" testId={`forecast-basis:${row.criteriaId}`}>
        {`Based on ${w.count(f.perDay.low)}, ${w.count(f.perDay.mean)} and ${w.count(f.perDay.high)} billable outcomes a day (low, average, high over the last 28 days), ${w.count(f.daysLeft)} days left, and ${w.share(f.approvalRate)} of reviewed outcomes approved.`}
      </Text>
    </Flex>
  );
}
