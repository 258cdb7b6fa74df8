// The outcome's evidence: the criteria version it is pinned to and who published it, then its audit trail, oldest first, each entry with its time and criteria version, paged.
import { Alert, Button, Flex, LoadingButton, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { useCallback } from 'react';
import { fetchTrail } from '../api/client.ts';
import type { TrailPage } from '../api/schema.ts';
import { usePaged } from '../hooks/use-paged.ts';
import type { TimeWords } from '../words/time.ts';
import { trailEntryWords } from '../words/trail.ts';

interface Props {
  readonly base: string;
  readonly outcomeId: string;
  readonly time: TimeWords;
}

export function TrailList({ base, outcomeId, time }: Props) {
  const load = useCallback((cursor: string | null) => fetchTrail(base, outcomeId, cursor), [base, outcomeId]);
  const tid = (part: string) => `${part}:${outcomeId}`;
  const { state, retry, showMore } = usePaged<TrailPage>(`${base} ${outcomeId}`, load);

  if (state.status === 'loading') return <LoadingSpinner label="Loading the evidence…" showLabel testId={tid('trail-loading')} />;
  if (state.status === 'failed') {
    return (
      <Flex direction="column" gap="xs">
        <Alert title="The evidence could not be loaded" variant="error" testId={tid('trail-failed')}>
          {state.failure.message}
        </Alert>
        <Button onClick={retry} testId={tid('trail-retry')}>
          Retry
        </Button>
      </Flex>
    );
  }
  const entries = state.pages.flatMap((p) => p.entries);
  const pinned = state.pages[0]?.criteria;
  const more = state.pages[state.pages.length - 1]?.nextCursor !== null;
  return (
    <Flex direction="column" gap="xs" testId={tid('trail')}>
      {pinned && (
        <Text testId={tid('trail-version')}>
          {pinned.publishedBy && pinned.publishedAt
            ? `Judged by ${pinned.id} version ${pinned.version}, published in HubSpot by ${pinned.publishedBy.email ?? `user ${pinned.publishedBy.userId}`} on ${time.on(pinned.publishedAt)}`
            : `Judged by ${pinned.id} version ${pinned.version}, from the service's criteria files`}
        </Text>
      )}
      {entries.length === 0 && <Text>No evidence recorded yet.</Text>}
      {entries.map((entry, i) => (
        <Text key={`${entry.at} ${i}`}>{`${time.at(entry.at)} · ${trailEntryWords(entry, time)} · criteria version ${entry.version}`}</Text>
      ))}
      {state.more.status === 'failed' && (
        <Alert title="More evidence could not be loaded" variant="error">
          {state.more.failure.message}
        </Alert>
      )}
      {more && (
        <LoadingButton variant="secondary" loading={state.more.status === 'loading'} onClick={showMore} testId={tid('trail-more')}>
          Show more evidence
        </LoadingButton>
      )}
    </Flex>
  );
}
