// The settings page: every criteria id with its versions, the editor for the next one, and pause or resume; all from the billing service.
import type { SettingsContext } from '@hubspot/ui-extensions';
import { Button, EmptyState, ErrorState, Flex, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { BACKEND_URL_VARIABLE, backendUrl } from '../api/backend-url.ts';
import { useCriteria } from '../hooks/use-criteria.ts';
import { CriteriaPanel } from './criteria-panel.tsx';

/** The parts of HubSpot's context the page reads. */
export type PageContext = Pick<SettingsContext, 'portal' | 'variables'>;

export function SettingsPage({ context }: { readonly context: PageContext }) {
  const base = backendUrl(context.variables);
  if (base === null) {
    return (
      <ErrorState title="This page does not know where the billing service is" testId="no-backend">
        <Text>
          The app was uploaded without an https {BACKEND_URL_VARIABLE}. Ask your HubSpot admin to upload it with a config profile that sets one
          (hs project upload --profile prod).
        </Text>
      </ErrorState>
    );
  }
  return <CriteriaSettings base={base} zone={context.portal.timezone || 'UTC'} />;
}

function CriteriaSettings({ base, zone }: { readonly base: string; readonly zone: string }) {
  const { state, reload } = useCriteria(base);
  if (state.status === 'loading') return <LoadingSpinner label="Loading the criteria…" showLabel layout="centered" testId="settings-loading" />;
  if (state.status === 'failed') {
    return (
      <ErrorState title={state.failure.kind === 'away' ? "The billing service can't be reached" : 'The criteria could not be loaded'} testId="settings-failed">
        <Text>{state.failure.message}</Text>
        <Button onClick={reload} testId="settings-retry">
          Retry
        </Button>
      </ErrorState>
    );
  }
  const { data } = state;
  if (data.criteria.length === 0) {
    return (
      <EmptyState title="No criteria yet" layout="vertical" imageName="building" testId="settings-empty">
        <Text>
          Outcomes are billed against acceptance criteria. The billing service has none yet: its first criteria come from a file (CRITERIA_PATH) or
          from 'outcome-billing criteria publish'; after that, new versions can be drafted and published here.
        </Text>
      </EmptyState>
    );
  }
  return (
    <Flex direction="column" gap="lg">
      {data.criteria.map((c) => (
        <CriteriaPanel key={c.id} base={base} zone={zone} entry={c} canPublish={data.canPublish} canPause={data.canPause} onChanged={reload} />
      ))}
    </Flex>
  );
}
