// The home page's read: loading, failed (with retry), or the period's figures. An answer to an older request (another period) is dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchHome } from '../api/client.ts';
import type { Failure } from '../api/client.ts';
import type { HomeData } from '../api/schema.ts';

/** `last`: the figures shown before, kept while another period loads or fails, so its picker stays. */
export type HomeState =
  | { readonly status: 'loading'; readonly last: HomeData | null }
  | { readonly status: 'failed'; readonly failure: Failure; readonly last: HomeData | null }
  | { readonly status: 'ready'; readonly data: HomeData };

const lastOf = (s: HomeState): HomeData | null => (s.status === 'ready' ? s.data : s.last);

export interface Home {
  readonly state: HomeState;
  readonly retry: () => void;
}

/** `period` null: the current one, as the service decides. */
export function useHome(base: string, period: string | null): Home {
  const [state, setState] = useState<HomeState>({ status: 'loading', last: null });
  const generation = useRef(0);

  const read = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ status: 'loading', last: lastOf(s) }));
    void fetchHome(base, period).then((r) => {
      if (mine !== generation.current) return;
      setState((s) => (r.ok ? { status: 'ready', data: r.value } : { status: 'failed', failure: r.failure, last: lastOf(s) }));
    });
  }, [base, period]);

  useEffect(read, [read]);
  return { state, retry: read };
}
