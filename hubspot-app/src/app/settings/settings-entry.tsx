// The settings page's entry point (settings-hsmeta.json): hands HubSpot's context to the page, nothing else.
import { hubspot } from '@hubspot/ui-extensions';
import { SettingsPage } from './components/settings-page.tsx';

hubspot.extend<'settings'>(({ context }) => <SettingsPage context={context} />);
