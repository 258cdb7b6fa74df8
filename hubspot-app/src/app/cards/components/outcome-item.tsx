// One outcome: its status in words, its facts, its dispute, a link to its verification-log record, its evidence, and the actions the service allows.
import { Button, Divider, Flex, Heading, Link, StatusTag, Text, Tile } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Outcome } from '../api/schema.ts';
import { disputeSentence } from '../words/disputes.ts';
import { statusName, statusSentence, statusTone } from '../words/outcomes.ts';
import type { TimeWords } from '../words/time.ts';
import { DisputeForm } from './dispute-form.tsx';
import { OutcomeFacts } from './outcome-facts.tsx';
import { ResolveForm } from './resolve-form.tsx';
import { TrailList } from './trail-list.tsx';

interface Props {
  readonly base: string;
  readonly outcome: Outcome;
  readonly time: TimeWords;
  /** A dispute or a decision was sent: read the outcomes again. */
  readonly onChanged: () => void;
}

export function OutcomeItem({ base, outcome: o, time, onChanged }: Props) {
  const [evidence, setEvidence] = useState(false);
  const tid = (part: string) => `${part}:${o.outcomeId}`;
  return (
    <Tile compact testId={`outcome:${o.outcomeId}`}>
      <Flex direction="column" gap="sm">
        <Flex direction="row" gap="sm" align="center" justify="between">
          <Heading>{o.criteria.name}</Heading>
          <StatusTag variant={statusTone(o.status)} testId={tid('status-tag')}>
            {statusName(o.status)}
          </StatusTag>
        </Flex>
        <Text testId={tid('status')}>{statusSentence(o, time)}</Text>
        <OutcomeFacts outcome={o} time={time} />
        {o.dispute && <Text testId={tid('dispute')}>{disputeSentence(o.dispute, time)}</Text>}
        {o.dispute && typeof o.answeredBy === 'number' && (
          <Text variant="microcopy" testId={tid('answered-by')}>
            Answered by version {o.answeredBy} of {o.criteria.name}: its change notes say what changed.
          </Text>
        )}
        {o.verificationLogUrl ? (
          <Link href={o.verificationLogUrl} testId={tid('verification-log')}>
            Open its verification-log record
          </Link>
        ) : (
          <Text variant="microcopy">Its verification-log record is not written yet.</Text>
        )}
        <Button variant="transparent" onClick={() => setEvidence(!evidence)} testId={tid('evidence-toggle')}>
          {evidence ? 'Hide evidence' : `Show evidence (${o.trailLength} ${o.trailLength === 1 ? 'entry' : 'entries'})`}
        </Button>
        {evidence && <TrailList base={base} outcomeId={o.outcomeId} time={time} />}
        {(o.canDispute || o.canResolve) && <Divider />}
        {o.canDispute && <DisputeForm base={base} outcome={o} onSent={onChanged} />}
        {o.canResolve && <ResolveForm base={base} outcome={o} onSent={onChanged} />}
      </Flex>
    </Tile>
  );
}
