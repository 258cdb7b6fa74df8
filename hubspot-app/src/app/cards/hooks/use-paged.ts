// One paged read from the service: loading, failed (retry), or the pages so far with "show more". Answers to an older request are dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Failure, Result } from '../api/client.ts';

export type MoreState = { readonly status: 'idle' } | { readonly status: 'loading' } | { readonly status: 'failed'; readonly failure: Failure };

export type PagedState<P> =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly failure: Failure }
  | { readonly status: 'ready'; readonly pages: readonly P[]; readonly more: MoreState };

export interface Paged<P> {
  readonly state: PagedState<P>;
  /** Reads the first page again, showing the loading state (after a failure). */
  readonly retry: () => void;
  /** Reads the first page again, keeping what is shown until the answer comes (after a write). */
  readonly refresh: () => void;
  /** Reads the page after the last one; a second call while one is under way does nothing. */
  readonly showMore: () => void;
}

type Page = { readonly nextCursor: string | null };

/** `key` names what is read: a new key starts over. */
export function usePaged<P extends Page>(key: string, load: (cursor: string | null) => Promise<Result<P>>): Paged<P> {
  const [state, setState] = useState<PagedState<P>>({ status: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const stateRef = useRef(state);
  stateRef.current = state;
  // Every first-page read starts a new generation; an answer from an older one is stale.
  const generation = useRef(0);
  const moreInFlight = useRef(false);

  const readFirst = useCallback((showLoading: boolean) => {
    const mine = ++generation.current;
    moreInFlight.current = false;
    if (showLoading) setState({ status: 'loading' });
    void loadRef.current(null).then((r) => {
      if (mine !== generation.current) return;
      setState(r.ok ? { status: 'ready', pages: [r.value], more: { status: 'idle' } } : { status: 'failed', failure: r.failure });
    });
  }, []);

  const showMore = useCallback(() => {
    const now = stateRef.current;
    const cursor = now.status === 'ready' ? (now.pages[now.pages.length - 1]?.nextCursor ?? null) : null;
    if (cursor === null || moreInFlight.current) return;
    moreInFlight.current = true;
    const mine = generation.current;
    setState((s) => (s.status === 'ready' ? { ...s, more: { status: 'loading' } } : s));
    void loadRef.current(cursor).then((r) => {
      if (mine !== generation.current) return;
      moreInFlight.current = false;
      setState((s) => {
        if (s.status !== 'ready') return s;
        return r.ok ? { status: 'ready', pages: [...s.pages, r.value], more: { status: 'idle' } } : { ...s, more: { status: 'failed', failure: r.failure } };
      });
    });
  }, []);

  useEffect(() => readFirst(true), [key, readFirst]);

  return { state, retry: useCallback(() => readFirst(true), [readFirst]), refresh: useCallback(() => readFirst(false), [readFirst]), showMore };
}
