// Starts the webhook receiver and the read API only (npm run start:web); run any number of them.
import { start } from './compose.ts';

await start(process.env, { web: true, worker: false });
