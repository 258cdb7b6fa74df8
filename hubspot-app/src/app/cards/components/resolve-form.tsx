// The resolver's controls for an open dispute: uphold or reject, a required note, a confirmation step, then one request.
import { Button, ButtonRow, Flex, TextArea, ToggleGroup } from '@hubspot/ui-extensions';
import { useState } from 'react';
import { resolveDispute } from '../api/client.ts';
import { RESOLUTIONS } from '../api/schema.ts';
import type { Outcome, Resolution } from '../api/schema.ts';
import { useSend } from '../hooks/use-send.ts';
import { RESOLUTION_WORDS } from '../words/disputes.ts';
import { requiredProps } from './required.ts';
import { ConfirmStep, SentNotice } from './send-feedback.tsx';

interface Props {
  readonly base: string;
  readonly outcome: Outcome;
  /** The service took the decision: read the outcomes again. */
  readonly onSent: () => void;
}

const OPTIONS = RESOLUTIONS.map((value) => ({ value, label: RESOLUTION_WORDS[value] }));
const isResolution = (v: unknown): v is Resolution => RESOLUTIONS.some((r) => r === v);

export function ResolveForm({ base, outcome, onSent }: Props) {
  const [resolution, setResolution] = useState<Resolution | null>(null);
  const [note, setNote] = useState('');
  const send = useSend((requestId) => resolveDispute(base, { requestId, outcomeId: outcome.outcomeId, resolution: resolution!, note: note.trim() }), onSent);
  const tid = (part: string) => `${part}:${outcome.outcomeId}`;

  switch (send.state.step) {
    case 'closed':
      return (
        <Button variant="secondary" onClick={send.open} testId={tid('resolve-open')}>
          Resolve dispute
        </Button>
      );
    case 'edit':
      return <ResolveFields resolution={resolution} note={note} setResolution={setResolution} setNote={setNote} onReview={send.confirm} onCancel={send.close} tid={tid} />;
    case 'sent':
      return <SentNotice title="Decision sent" testId={tid('resolve-sent')} />;
    default: {
      const verb = resolution === 'upheld' ? 'upholding' : 'rejecting';
      const summary = `You are ${verb} the dispute on “${outcome.criteria.name}” (${outcome.outcomeId}): ${note.trim()}.`;
      return <ConfirmStep send={send} summary={summary} sendLabel="Send decision" tid={(part) => tid(`resolve-${part}`)} />;
    }
  }
}

interface FieldsProps {
  readonly resolution: Resolution | null;
  readonly note: string;
  readonly setResolution: (r: Resolution | null) => void;
  readonly setNote: (n: string) => void;
  /** Both fields are filled in: on to the confirmation. */
  readonly onReview: () => void;
  readonly onCancel: () => void;
  readonly tid: (part: string) => string;
}

function ResolveFields({ resolution, note, setResolution, setNote, onReview, onCancel, tid }: FieldsProps) {
  // Say what is missing only once the user has tried to go on without it.
  const [checked, setChecked] = useState(false);
  const review = () => {
    setChecked(true);
    if (resolution !== null && note.trim() !== '') onReview();
  };
  return (
    <Flex direction="column" gap="sm">
      <ToggleGroup
        toggleType="radioButtonList"
        name="resolution"
        label="Your decision"
        required
        options={OPTIONS}
        value={resolution ?? undefined}
        onChange={(v) => setResolution(isResolution(v) ? v : null)}
        {...requiredProps(checked && resolution === null, 'Choose to uphold or reject the dispute.')}
        testId={tid('resolve-resolution')}
      />
      <TextArea
        label="Why"
        name="resolve-note"
        required
        value={note}
        onChange={setNote}
        {...requiredProps(checked && note.trim() === '', 'Write why you decided this: it goes into the audit trail.')}
        testId={tid('resolve-note')}
      />
      <ButtonRow>
        <Button variant="primary" onClick={review} testId={tid('resolve-review')}>
          Review decision
        </Button>
        <Button variant="secondary" onClick={onCancel} testId={tid('resolve-cancel')}>
          Cancel
        </Button>
      </ButtonRow>
    </Flex>
  );
}
