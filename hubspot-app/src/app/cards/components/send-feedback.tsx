// What a form's write is doing: the confirmation with its send button, progress while it goes, the service's answer after.
import { Alert, Button, ButtonRow, Flex, LoadingButton, Text } from '@hubspot/ui-extensions';
import type { Failure } from '../api/client.ts';
import type { Send } from '../hooks/use-send.ts';

/** Failures worth sending again as they are: the service did not take it, it did not refuse it. */
const RETRIABLE: ReadonlySet<Failure['kind']> = new Set(['unreachable', 'unavailable']);

interface ConfirmProps {
  readonly send: Send;
  /** What will be sent, in a sentence the user checks before sending. */
  readonly summary: string;
  readonly sendLabel: string;
  /** The testId of a part (`send`, `back`, `failure`): unique in the whole card. */
  readonly tid: (part: string) => string;
}

/** The confirmation step, also shown while sending and after a failure, so the user sees what went. */
export function ConfirmStep({ send, summary, sendLabel, tid }: ConfirmProps) {
  const { state } = send;
  const sending = state.step === 'sending';
  const failure = state.step === 'failed' ? state.failure : null;
  return (
    <Flex direction="column" gap="sm">
      <Text>{summary}</Text>
      {failure && (
        <Alert title={failure.kind === 'refused' ? 'The service refused it' : 'It was not sent'} variant="error" testId={tid('failure')}>
          {failure.message}
        </Alert>
      )}
      <ButtonRow>
        <LoadingButton variant="primary" loading={sending} disabled={sending} onClick={send.send} testId={tid('send')}>
          {failure && RETRIABLE.has(failure.kind) ? 'Try again' : sendLabel}
        </LoadingButton>
        <Button variant="secondary" disabled={sending} onClick={send.edit} testId={tid('back')}>
          Change it
        </Button>
      </ButtonRow>
      {sending && <Text variant="microcopy">Sending…</Text>}
    </Flex>
  );
}

/** After the service took it: it is stored and applied shortly, in order with the record's other changes. */
export function SentNotice({ title, testId }: { readonly title: string; readonly testId: string }) {
  return (
    <Alert title={title} variant="success" testId={testId}>
      The billing service has it. This outcome shows the change once it is applied.
    </Alert>
  );
}
