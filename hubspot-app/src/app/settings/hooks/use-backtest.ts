// The backtest of the draft on demand: idle, running, failed (the same run can be retried) or done; an answer to an older run is dropped.
import { useCallback, useRef, useState } from 'react';
import { runBacktest } from '../api/client.ts';
import type { Failure } from '../api/client.ts';
import type { Backtest } from '../api/schema.ts';

/** What one run sent: the draft text and the window's start (null: the service's default window). */
export interface BacktestRun {
  readonly text: string;
  readonly from: string | null;
}

export type BacktestState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly run: BacktestRun }
  | { readonly status: 'failed'; readonly run: BacktestRun; readonly failure: Failure }
  | { readonly status: 'done'; readonly run: BacktestRun; readonly result: Backtest };

export function useBacktest(base: string): { readonly state: BacktestState; readonly start: (run: BacktestRun) => void } {
  const [state, setState] = useState<BacktestState>({ status: 'idle' });
  const generation = useRef(0);
  const start = useCallback(
    (run: BacktestRun) => {
      const mine = ++generation.current;
      setState({ status: 'running', run });
      void runBacktest(base, run.text, run.from).then((r) => {
        if (mine !== generation.current) return;
        setState(r.ok ? { status: 'done', run, result: r.value } : { status: 'failed', run, failure: r.failure });
      });
    },
    [base],
  );
  return { state, start };
}
