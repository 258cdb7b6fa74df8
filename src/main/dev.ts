// `npm run dev`: the receiver and a worker in one process on a development machine, with defaults, readable logs and the next commands.
import { createServer } from 'node:net';
import pinoPretty from 'pino-pretty';
import { devSessionPath, writeDevSession } from '../adapters/files/dev-session.ts';
import { probeRedis, redisTarget } from '../adapters/redis/connection.ts';
import { formatConfigProblems, loadConfig } from '../config/env.ts';
import type { Config } from '../config/env.ts';
import { start } from './compose.ts';
import { devBanner, devEnvironment, devSession, productionRefusal } from './dev-env.ts';

const REDIS_START_COMMAND = "redis-server --daemonize yes --port 6379 --save '' --appendonly no";

function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * Asks Redis once, failing within seconds: the service itself waits for Redis as long as it takes (it
 * answers /healthz meanwhile), which on a laptop without Redis would look like a hang.
 */
async function redisProblem(config: Config): Promise<string | null> {
  const probe = await probeRedis(config.redisUrl);
  if (probe.ok) return null;
  return (
    `npm run dev needs Redis at ${redisTarget(config.redisUrl)} and it does not answer (${probe.reason}).\n` +
    `Start one:  ${REDIS_START_COMMAND}\n` +
    'or set REDIS_URL to one that runs.'
  );
}

/** A taken port would otherwise surface as an uncaught EADDRINUSE after Redis and the workers are up. */
async function portProblem(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e) => resolve(`npm run dev cannot listen on port ${port} (${e.message}): set PORT to a free one, e.g. PORT=${port + 1} npm run dev`));
    probe.listen(port, () => probe.close(() => resolve(null)));
  });
}

const refusal = productionRefusal(process.env);
if (refusal !== null) exitWith(refusal);
const dev = devEnvironment(process.env);
const loaded = loadConfig(dev.env);
if (!loaded.ok) exitWith(`npm run dev cannot start: the environment has problems:\n${formatConfigProblems(loaded.problems)}`);
const problem = (await portProblem(loaded.config.port)) ?? (await redisProblem(loaded.config));
if (problem !== null) exitWith(problem);
// What `send` and `ledger` run in this folder need (URL, secret, Redis, criteria), so the banner's commands need no flags.
await writeDevSession(devSessionPath(process.cwd()), devSession(loaded.config, process.cwd(), process.pid, new Date()));
process.stdout.write(devBanner(loaded.config, dev.generated, process.cwd()));
// Synchronous writes, so the last lines of a Ctrl-C shutdown reach the terminal before the process exits.
const pretty = pinoPretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' });
await start(dev.env, { web: true, worker: true }, { logDestination: pretty });
