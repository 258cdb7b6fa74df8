// Starts workers only (npm run start:worker); run any number of them.
import { start } from './compose.ts';

await start(process.env, { web: false, worker: true });
