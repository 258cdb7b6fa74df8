// One write from a form: edit → confirm → sending → sent or failed. One request id per confirmed content, so a repeat is answered, not acted on twice.
import { useCallback, useRef, useState } from 'react';
import type { Failure, Result } from '../api/client.ts';
import { newRequestId } from '../api/request-id.ts';

export type SendStep =
  | { readonly step: 'closed' }
  | { readonly step: 'edit' }
  | { readonly step: 'confirm' }
  | { readonly step: 'sending' }
  | { readonly step: 'sent' }
  | { readonly step: 'failed'; readonly failure: Failure };

export interface Send {
  readonly state: SendStep;
  readonly open: () => void;
  readonly close: () => void;
  /** To the confirmation step: the content is fixed from here, and so is its request id. */
  readonly confirm: () => void;
  /** Back to editing: changed content is a new request. */
  readonly edit: () => void;
  /** Sends once: a second call while one is under way does nothing; after a failure it resends with the same request id. */
  readonly send: () => void;
}

export function useSend(write: (requestId: string) => Promise<Result<unknown>>, onSent: () => void): Send {
  const [state, setState] = useState<SendStep>({ step: 'closed' });
  const requestId = useRef<string | null>(null);
  const inFlight = useRef(false);
  const writeRef = useRef(write);
  writeRef.current = write;
  const onSentRef = useRef(onSent);
  onSentRef.current = onSent;

  const send = useCallback(() => {
    if (inFlight.current || requestId.current === null) return;
    inFlight.current = true;
    setState({ step: 'sending' });
    void writeRef.current(requestId.current).then((r) => {
      inFlight.current = false;
      setState(r.ok ? { step: 'sent' } : { step: 'failed', failure: r.failure });
      if (r.ok) onSentRef.current();
    });
  }, []);

  const to = (next: SendStep, id: string | null) => () => {
    if (inFlight.current) return;
    requestId.current = id;
    setState(next);
  };

  return {
    state,
    open: to({ step: 'edit' }, null),
    close: to({ step: 'closed' }, null),
    edit: to({ step: 'edit' }, null),
    confirm: () => {
      if (inFlight.current) return;
      requestId.current ??= newRequestId();
      setState({ step: 'confirm' });
    },
    send,
  };
}
