// The record's outcomes from the service, newest first: loading, none yet, unreachable (with Retry), or the list paged with "Show more".
import { Alert, Button, EmptyState, ErrorState, Flex, LoadingButton, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { useCallback } from 'react';
import { fetchOutcomes } from '../api/client.ts';
import type { Failure } from '../api/client.ts';
import type { OutcomesPage } from '../api/schema.ts';
import { usePaged } from '../hooks/use-paged.ts';
import type { TimeWords } from '../words/time.ts';
import { Notices } from './notices.tsx';
import { OutcomeItem } from './outcome-item.tsx';

interface Props {
  readonly base: string;
  readonly objectTypeId: string;
  readonly recordId: string;
  readonly time: TimeWords;
}

function Unreachable({ failure, retry }: { readonly failure: Failure; readonly retry: () => void }) {
  const away = failure.kind === 'unreachable' || failure.kind === 'unavailable';
  return (
    <ErrorState title={away ? "The billing service can't be reached" : 'The outcomes could not be loaded'} testId="outcomes-failed">
      <Text>{failure.message}</Text>
      <Button onClick={retry} testId="outcomes-retry">
        Retry
      </Button>
    </ErrorState>
  );
}

export function OutcomeList({ base, objectTypeId, recordId, time }: Props) {
  const load = useCallback((cursor: string | null) => fetchOutcomes(base, objectTypeId, recordId, cursor), [base, objectTypeId, recordId]);
  const { state, retry, refresh, showMore } = usePaged<OutcomesPage>(`${base} ${objectTypeId} ${recordId}`, load);

  if (state.status === 'loading') return <LoadingSpinner label="Loading this record's outcomes…" showLabel layout="centered" testId="outcomes-loading" />;
  if (state.status === 'failed') return <Unreachable failure={state.failure} retry={retry} />;

  // The latest page's view of now: the viewer, press advice and pauses as of its request.
  const latest = state.pages[state.pages.length - 1]!;
  const outcomes = state.pages.flatMap((p) => p.outcomes);
  return (
    <Flex direction="column" gap="sm">
      <Notices pressAdvice={latest.pressAdvice} paused={latest.paused} time={time} />
      {outcomes.length === 0 ? (
        <EmptyState title="No outcomes yet" layout="vertical" imageName="object" testId="outcomes-empty">
          <Text>When an agent works on this record, each attempt shows here: whether it is billed, and why.</Text>
        </EmptyState>
      ) : (
        outcomes.map((o) => <OutcomeItem key={o.outcomeId} base={base} outcome={o} time={time} onChanged={refresh} />)
      )}
      {state.more.status === 'failed' && (
        <Alert title="More outcomes could not be loaded" variant="error" testId="outcomes-more-failed">
          {state.more.failure.message}
        </Alert>
      )}
      {latest.nextCursor !== null && (
        <LoadingButton variant="secondary" loading={state.more.status === 'loading'} onClick={showMore} testId="outcomes-more">
          Show more
        </LoadingButton>
      )}
      <Text variant="microcopy">Times are in the portal's time zone ({time.zone}).</Text>
    </Flex>
  );
}
