// The card's entry point (outcome-card-hsmeta.json): hands HubSpot's context to the card, nothing else.
import { hubspot } from '@hubspot/ui-extensions';
import { OutcomeCard } from './components/outcome-card.tsx';

hubspot.extend<'crm.record.tab'>(({ context }) => <OutcomeCard context={context} />);
