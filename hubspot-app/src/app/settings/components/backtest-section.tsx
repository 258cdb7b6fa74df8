// "Try on past data": the draft as it stands run on the portal's stored signals, the rules in force now and the draft side by side, and the outcomes it would change.
import { Alert, Button, Flex, Heading, Link, LoadingSpinner, Select, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Failure } from '../api/client.ts';
import type { Backtest } from '../api/schema.ts';
import { useBacktest } from '../hooks/use-backtest.ts';
import { DEFAULT_WINDOW_DAYS, FIGURE_ROWS, WINDOW_DAYS, recordName, verdictWords } from '../words/backtest.ts';
import { when } from '../words/messages.ts';

const DAY_MS = 86_400_000;
const WINDOW_OPTIONS = WINDOW_DAYS.map((d) => ({ label: `Last ${d} days`, value: d }));

/** The window's start for a choice: none for the default, so the service's own (30 days, within what it keeps) stands. */
const fromOf = (days: number): string | null => (days === DEFAULT_WINDOW_DAYS ? null : new Date(Date.now() - days * DAY_MS).toISOString());

/** The service's words for the problems at the body's `from`: the window reaches back past what it keeps. */
const atFrom = (f: Failure | null) => (f?.kind === 'invalid' ? f.problems.filter((p) => p.path[0] === 'from' || p.path[0] === 'to').map((p) => p.message) : []);

export function BacktestSection({ base, text, zone }: { readonly base: string; readonly text: string; readonly zone: string }) {
  const [days, setDays] = useState<number>(DEFAULT_WINDOW_DAYS);
  const { state, start } = useBacktest(base);
  const failure = state.status === 'failed' ? state.failure : null;
  const windowProblems = atFrom(failure);
  const running = state.status === 'running';
  return (
    <Flex direction="column" gap="sm" testId="backtest">
      <Heading>Try on past data</Heading>
      <Text variant="microcopy">Runs this draft on the portal's stored signals and shows, next to the criteria in force now, what it would have billed. Nothing is changed.</Text>
      <Flex direction="row" gap="sm" align="end">
        <Select
          label="Past data"
          name="backtest-window"
          value={days}
          options={WINDOW_OPTIONS}
          onChange={(v) => setDays(Number(v))}
          testId="backtest-window"
          {...(windowProblems.length > 0 ? { error: true, validationMessage: windowProblems.join(' ') } : {})}
        />
        <Button onClick={() => start({ text, from: fromOf(days) })} disabled={running} testId="backtest-run">
          Try this draft
        </Button>
      </Flex>
      {running && <LoadingSpinner label="Replaying the stored signals under both versions… this can take a few seconds." showLabel testId="backtest-running" />}
      {state.status === 'failed' && windowProblems.length === 0 && <BacktestFailed failure={state.failure} retry={() => start(state.run)} />}
      {state.status === 'done' && <BacktestResult result={state.result} zone={zone} stale={state.run.text !== text} />}
    </Flex>
  );
}

function BacktestFailed({ failure, retry }: { readonly failure: Failure; readonly retry: () => void }) {
  const draftProblems = failure.kind === 'invalid' && failure.problems.some((p) => p.path[0] === 'text');
  return (
    <Alert title="The draft could not be tried" variant={draftProblems ? 'warning' : 'danger'} testId="backtest-failed">
      {draftProblems ? 'The draft has problems: fix those shown at their fields, then try again.' : failure.message}
      <Button onClick={retry} testId="backtest-retry">
        Try again
      </Button>
    </Alert>
  );
}

function BacktestResult({ result, zone, stale }: { readonly result: Backtest; readonly zone: string; readonly stale: boolean }) {
  const { window: w, draft } = result;
  return (
    <Flex direction="column" gap="sm" testId="backtest-result">
      <Text>
        Outcomes opened from {when(w.from, zone)} to {when(w.to, zone)}, each settled as of {when(w.asOf, zone)}: {result.signals} stored signals replayed, the draft as version{' '}
        {draft.version} of {draft.criteriaId}.
      </Text>
      {stale && <Text variant="microcopy" testId="backtest-stale">The draft has changed since: try it again to see the change.</Text>}
      <Table bordered testId="backtest-figures">
        <TableHead>
          <TableRow>
            <TableHeader> </TableHeader>
            <TableHeader>As in force now</TableHeader>
            <TableHeader>With this draft</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {FIGURE_ROWS.map((row) => (
            <TableRow key={row.key}>
              <TableCell>{row.label}</TableCell>
              <TableCell>{row.of(result.asIs)}</TableCell>
              <TableCell>{row.of(result.withDraft)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Changes result={result} zone={zone} />
    </Flex>
  );
}

function Changes({ result, zone }: { readonly result: Backtest; readonly zone: string }) {
  if (result.changedCount === 0) return <Text testId="backtest-no-changes">No outcome would end differently.</Text>;
  const more = result.changedCount - result.changes.length;
  return (
    <Flex direction="column" gap="xs">
      <Text format={{ fontWeight: 'demibold' }}>
        {result.changedCount} outcome{result.changedCount === 1 ? '' : 's'} would end differently
      </Text>
      <Table bordered testId="backtest-changes">
        <TableHead>
          <TableRow>
            <TableHeader>Record</TableHeader>
            <TableHeader>Opened</TableHeader>
            <TableHeader>In force now → with this draft</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {result.changes.map((c) => (
            <TableRow key={c.outcomeId}>
              <TableCell>
                <Link href={c.recordUrl} testId={`change-${c.outcomeId}`}>
                  {recordName(c.objectType, c.recordId)}
                </Link>
              </TableCell>
              <TableCell>{when(c.openedAt, zone)}</TableCell>
              <TableCell>{`${verdictWords(c.before)} → ${verdictWords(c.after)}`}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {more > 0 && <Text testId="backtest-more">and {more} more</Text>}
    </Flex>
  );
}
