// The card: where the service is and how to write times come from HubSpot's context; the outcomes come from the service.
import type { CrmContext } from '@hubspot/ui-extensions';
import { ErrorState, Text } from '@hubspot/ui-extensions';
import { useMemo } from 'react';
import { BACKEND_URL_VARIABLE, backendUrl } from '../api/backend-url.ts';
import { timeWords } from '../words/time.ts';
import { OutcomeList } from './outcome-list.tsx';

/** The parts of HubSpot's context the card reads. */
export type CardContext = Pick<CrmContext, 'crm' | 'portal' | 'variables'>;

export function OutcomeCard({ context }: { readonly context: CardContext }) {
  const base = backendUrl(context.variables);
  const time = useMemo(() => timeWords(context.portal.timezone), [context.portal.timezone]);
  if (base === null) {
    return (
      <ErrorState title="This card does not know where the billing service is" testId="no-backend">
        <Text>
          The app was uploaded without an https {BACKEND_URL_VARIABLE}. Ask your HubSpot admin to upload it with a config profile that sets one
          (hs project upload --profile prod).
        </Text>
      </ErrorState>
    );
  }
  return <OutcomeList base={base} objectTypeId={context.crm.objectTypeId} recordId={String(context.crm.objectId)} time={time} />;
}
