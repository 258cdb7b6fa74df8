// The app home page: where the service is and how to write figures come from HubSpot's context; every figure comes from the service.
import type { AppHomeContext } from '@hubspot/ui-extensions';
import { Button, EmptyState, ErrorState, Flex, LoadingSpinner, Select, Text } from '@hubspot/ui-extensions';
import { useMemo, useState } from 'react';
import { BACKEND_URL_VARIABLE, backendUrl } from '../api/backend-url.ts';
import type { Failure } from '../api/client.ts';
import type { HomeData } from '../api/schema.ts';
import { useHome } from '../hooks/use-home.ts';
import { words } from '../words/numbers.ts';
import { PICKER_MARKS } from '../words/reasons.ts';
import type { Words } from '../words/numbers.ts';
import { CriteriaSection } from './criteria-section.tsx';
import { PeriodTable } from './period-table.tsx';

/** The parts of HubSpot's context the page reads. */
export type HomeContext = Pick<AppHomeContext, 'portal' | 'variables'> & { readonly user?: { readonly locale?: string | undefined } };

export function HomePage({ context }: { readonly context: HomeContext }) {
  const base = backendUrl(context.variables);
  const w = useMemo(() => words(context.portal.timezone, context.user?.locale), [context.portal.timezone, context.user?.locale]);
  if (base === null) {
    return (
      <ErrorState title="This page does not know where the billing service is" testId="no-backend">
        <Text>
          The app was uploaded without an https {BACKEND_URL_VARIABLE}. Ask your HubSpot admin to upload it with a config profile that sets one
          (hs project upload --profile prod).
        </Text>
      </ErrorState>
    );
  }
  return <Figures base={base} words={w} />;
}

function Failed({ failure, retry }: { readonly failure: Failure; readonly retry: () => void }) {
  return (
    <ErrorState title={failure.kind === 'away' ? "The billing service can't be reached" : 'The billing figures could not be loaded'} testId="home-failed">
      <Text>{failure.message}</Text>
      <Button onClick={retry} testId="home-retry">
        Retry
      </Button>
    </ErrorState>
  );
}

function Figures({ base, words: w }: { readonly base: string; readonly words: Words }) {
  const [period, setPeriod] = useState<string | null>(null);
  const { state, retry } = useHome(base, period);
  const last = state.status === 'ready' ? state.data : state.last;
  const spinner = <LoadingSpinner label="Loading the billing figures…" showLabel layout="centered" testId="home-loading" />;
  const body = state.status === 'loading' ? spinner : state.status === 'failed' ? <Failed failure={state.failure} retry={retry} /> : <Periodic data={state.data} words={w} />;
  if (last === null) return body;
  return (
    <Flex direction="column" gap="md">
      <PeriodPicker periods={last.periods} value={period ?? last.period} words={w} onChange={setPeriod} />
      {body}
    </Flex>
  );
}

function Periodic({ data, words: w }: { readonly data: HomeData; readonly words: Words }) {
  if (data.criteria.length === 0) {
    return (
      <EmptyState title="No criteria yet" layout="vertical" imageName="building" testId="home-no-criteria">
        <Text>Outcomes are billed against acceptance criteria. Once the billing service has criteria in force, their spend and forecasts show here.</Text>
      </EmptyState>
    );
  }
  return (
    <Flex direction="column" gap="md">
      {data.criteria.map((row) => (
        <CriteriaSection key={row.criteriaId} row={row} period={data.period} words={w} />
      ))}
      <PeriodTable periods={data.periods} words={w} />
      <Text variant="microcopy" testId="as-of">
        Figures as of {w.at(data.asOf)}. Times are in the portal's time zone ({w.zone}).
      </Text>
    </Flex>
  );
}

interface PickerProps {
  readonly periods: HomeData['periods'];
  readonly value: string;
  readonly words: Words;
  readonly onChange: (period: string) => void;
}

function PeriodPicker({ periods, value, words: w, onChange }: PickerProps) {
  const options = periods.map((p) => ({ value: p.period, label: `${w.period(p.period)}${PICKER_MARKS[p.state] ?? ''}` }));
  return <Select label="Billing period" name="period" value={value} options={options} onChange={(v) => onChange(String(v))} testId="period-select" />;
}
