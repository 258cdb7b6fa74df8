// The dispute form: what is wrong (from the list) and a required note, a confirmation step, then one request.
import { Button, ButtonRow, Flex, Select, TextArea } from '@hubspot/ui-extensions';
import { useState } from 'react';
import { openDispute } from '../api/client.ts';
import { DISPUTE_CATEGORIES } from '../api/schema.ts';
import type { DisputeCategory, Outcome } from '../api/schema.ts';
import { useSend } from '../hooks/use-send.ts';
import { CATEGORY_WORDS } from '../words/disputes.ts';
import { requiredProps } from './required.ts';
import { ConfirmStep, SentNotice } from './send-feedback.tsx';

interface Props {
  readonly base: string;
  readonly outcome: Outcome;
  /** The service took the dispute: read the outcomes again. */
  readonly onSent: () => void;
}

const OPTIONS = DISPUTE_CATEGORIES.map((value) => ({ value, label: CATEGORY_WORDS[value] }));
const isCategory = (v: unknown): v is DisputeCategory => DISPUTE_CATEGORIES.some((c) => c === v);

export function DisputeForm({ base, outcome, onSent }: Props) {
  const [category, setCategory] = useState<DisputeCategory | null>(null);
  const [note, setNote] = useState('');
  const send = useSend((requestId) => openDispute(base, { requestId, outcomeId: outcome.outcomeId, category: category!, note: note.trim() }), onSent);
  const tid = (part: string) => `${part}:${outcome.outcomeId}`;

  switch (send.state.step) {
    case 'closed':
      return (
        <Button variant="secondary" onClick={send.open} testId={tid('dispute-open')}>
          Dispute this outcome
        </Button>
      );
    case 'edit':
      return <DisputeFields category={category} note={note} setCategory={setCategory} setNote={setNote} onReview={send.confirm} onCancel={send.close} tid={tid} />;
    case 'sent':
      return <SentNotice title="Dispute sent" testId={tid('dispute-sent')} />;
    default: {
      const summary = `You are disputing “${outcome.criteria.name}” (${outcome.outcomeId}): ${CATEGORY_WORDS[category!]}: ${note.trim()}. It stays billed until a resolver decides.`;
      return <ConfirmStep send={send} summary={summary} sendLabel="Send dispute" tid={(part) => tid(`dispute-${part}`)} />;
    }
  }
}

interface FieldsProps {
  readonly category: DisputeCategory | null;
  readonly note: string;
  readonly setCategory: (c: DisputeCategory | null) => void;
  readonly setNote: (n: string) => void;
  /** Both fields are filled in: on to the confirmation. */
  readonly onReview: () => void;
  readonly onCancel: () => void;
  readonly tid: (part: string) => string;
}

function DisputeFields({ category, note, setCategory, setNote, onReview, onCancel, tid }: FieldsProps) {
  // Say what is missing only once the user has tried to go on without it.
  const [checked, setChecked] = useState(false);
  const review = () => {
    setChecked(true);
    if (category !== null && note.trim() !== '') onReview();
  };
  return (
    <Flex direction="column" gap="sm">
      <Select
        label="What is wrong with this outcome?"
        name="category"
        required
        options={OPTIONS}
        value={category ?? undefined}
        onChange={(v) => setCategory(isCategory(v) ? v : null)}
        {...requiredProps(checked && category === null, 'Choose what is wrong with this outcome.')}
        testId={tid('dispute-category')}
      />
      <TextArea
        label="Note for the resolver"
        name="note"
        required
        value={note}
        onChange={setNote}
        {...requiredProps(checked && note.trim() === '', 'Write what went wrong, so the resolver can check it.')}
        testId={tid('dispute-note')}
      />
      <ButtonRow>
        <Button variant="primary" onClick={review} testId={tid('dispute-review')}>
          Review dispute
        </Button>
        <Button variant="secondary" onClick={onCancel} testId={tid('dispute-cancel')}>
          Cancel
        </Button>
      </ButtonRow>
    </Flex>
  );
}
