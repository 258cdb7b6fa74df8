// Every change to the draft is checked by the service (the parser `validate` uses), a moment after typing stops; an older answer is dropped.
import { useEffect, useRef, useState } from 'react';
import { checkDraft } from '../api/client.ts';
import type { Draft, Failure } from '../api/client.ts';
import type { DraftCheck } from '../api/schema.ts';

/** Long enough not to send every keystroke, short enough to feel live. */
export const CHECK_DELAY_MS = 400;

export type CheckState =
  | { readonly status: 'checking' }
  | { readonly status: 'checked'; readonly check: DraftCheck }
  | { readonly status: 'failed'; readonly failure: Failure };

export function useDraftCheck(base: string, draft: Draft): CheckState {
  const [state, setState] = useState<CheckState>({ status: 'checking' });
  const generation = useRef(0);
  const { text, changeNotes, effectiveFrom } = draft;
  useEffect(() => {
    const mine = ++generation.current;
    setState({ status: 'checking' });
    const timer = setTimeout(() => {
      void checkDraft(base, { text, changeNotes, effectiveFrom }).then((r) => {
        if (mine !== generation.current) return;
        setState(r.ok ? { status: 'checked', check: r.value } : { status: 'failed', failure: r.failure });
      });
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [base, text, changeNotes, effectiveFrom]);
  return state;
}
