// The home page's entry point (home-hsmeta.json): hands HubSpot's context to the page, nothing else.
import { hubspot } from '@hubspot/ui-extensions';
import { HomePage } from './components/home-page.tsx';

hubspot.extend<'home'>(({ context }) => <HomePage context={context} />);
