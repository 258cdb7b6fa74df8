// The settings page's read: loading, failed (with retry), or the criteria with their versions. An answer to an older read is dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchCriteria } from '../api/client.ts';
import type { Failure } from '../api/client.ts';
import type { CriteriaList } from '../api/schema.ts';

export type CriteriaState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly failure: Failure }
  | { readonly status: 'ready'; readonly data: CriteriaList };

export function useCriteria(base: string): { readonly state: CriteriaState; readonly reload: () => void } {
  const [state, setState] = useState<CriteriaState>({ status: 'loading' });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    // A reload after a publish or a pause keeps the list on screen (and the editor's answer with it).
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    void fetchCriteria(base).then((r) => {
      if (mine !== generation.current) return;
      setState(r.ok ? { status: 'ready', data: r.value } : { status: 'failed', failure: r.failure });
    });
  }, [base]);
  useEffect(reload, [reload]);
  return { state, reload };
}
