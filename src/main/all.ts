// Starts the receiver and the workers in one process (npm start).
import { start } from './compose.ts';

await start(process.env, { web: true, worker: true });
