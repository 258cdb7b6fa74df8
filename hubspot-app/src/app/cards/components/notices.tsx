// What the service says about pressing now (press advice) and which criteria are paused: shown as notices above the outcomes.
import { Alert, Flex } from '@hubspot/ui-extensions';
import type { Paused, PressAdvice } from '../api/schema.ts';
import type { TimeWords } from '../words/time.ts';

function adviceWords(a: PressAdvice, time: TimeWords): string {
  const until = time.at(a.until);
  if (a.kind === 'cooldown') return `A press now would be suppressed until ${until} — wait before pressing again.`;
  if (a.kind === 'retry') return `A press now would count as a retry of the current attempt until ${until}, not as a new outcome.`;
  return `A press now would be treated as “${a.kind}” until ${until}.`;
}

interface Props {
  readonly pressAdvice: readonly PressAdvice[];
  readonly paused: readonly Paused[];
  readonly time: TimeWords;
}

export function Notices({ pressAdvice, paused, time }: Props) {
  if (pressAdvice.length === 0 && paused.length === 0) return null;
  return (
    <Flex direction="column" gap="xs">
      {paused.map((p) => (
        <Alert key={`paused ${p.criteriaId}`} title={`${p.criteriaName} is paused`} variant="warning" testId={`paused:${p.criteriaId}`}>
          Paused since {time.at(p.since)}: presses for it do nothing until it is resumed.
        </Alert>
      ))}
      {pressAdvice.map((a) => (
        <Alert key={`advice ${a.criteriaId} ${a.kind}`} title={a.criteriaName} variant="info" testId={`press-advice:${a.criteriaId}:${a.kind}`}>
          {adviceWords(a, time)}
        </Alert>
      ))}
    </Flex>
  );
}
