// Pause or resume a criteria id (contract §7) with a note: the card's pause action, sent once per request id.
import { Alert, Button, Flex, TextArea } from '@hubspot/ui-extensions';
import { useRef, useState } from 'react';
import { setPause } from '../api/client.ts';
import { newRequestId } from '../api/request-id.ts';
import { NOT_A_RESOLVER, pauseFailure } from '../words/messages.ts';

export interface PauseProps {
  readonly base: string;
  readonly criteriaId: string;
  readonly paused: boolean;
  readonly canPause: boolean;
  readonly onChanged: () => void;
}

export function PauseControl({ base, criteriaId, paused, canPause, onChanged }: PauseProps) {
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Kept across a failed send, so a retry of the same note is answered once by the service.
  const requestId = useRef<string | null>(null);
  const action = paused ? 'resume' : 'pause';
  if (!canPause) return <Alert title="Pause and resume" variant="info">{NOT_A_RESOLVER}</Alert>;
  const send = () => {
    if (sending) return;
    if (note.trim() === '') {
      setError(`Say why you ${action} it: the note is kept with the action.`);
      return;
    }
    requestId.current ??= newRequestId();
    setSending(true);
    void setPause(base, requestId.current, criteriaId, action, note.trim()).then((r) => {
      setSending(false);
      if (!r.ok) {
        setError(pauseFailure(r.failure));
        return;
      }
      requestId.current = null;
      setNote('');
      setError(null);
      onChanged();
    });
  };
  return (
    <Flex direction="column" gap="xs">
      <TextArea
        label={paused ? 'Note for resuming' : 'Note for pausing'}
        name={`pause-note-${criteriaId}`}
        value={note}
        onChange={(v) => {
          setNote(v);
          requestId.current = null;
        }}
        testId={`pause-note-${criteriaId}`}
      />
      {error && (
        <Alert title={`Not ${paused ? 'resumed' : 'paused'}`} variant="danger" testId={`pause-error-${criteriaId}`}>
          {error}
        </Alert>
      )}
      <Button onClick={send} disabled={sending} testId={`pause-${criteriaId}`}>
        {paused ? 'Resume' : 'Pause'} {criteriaId}
      </Button>
    </Flex>
  );
}
