// Structured JSON logs (pino) with secrets and credentials redacted wherever they might be passed in.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: string;
  readonly name: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

// Paths a careless call site could log: request headers, config objects, error contexts. One level of nesting
// covers `{ config: { adminToken } }` and `{ req: { headers } }`; the request log itself logs no headers at all.
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'signature',
  'token',
  'accessToken',
  'adminToken',
  'secret',
  'clientSecret',
  'hubspotClientSecret',
  'hubspotAccessToken',
  'password',
  'cookie',
];
const HEADER_KEYS = ['authorization', 'cookie', 'x-hubspot-signature', 'x-hubspot-signature-v3'];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...HEADER_KEYS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`, `req.headers["${h}"]`]),
];

/** What a secret that holds nothing shows as: pino would print "[redacted]" for a key that is present but unset. */
export const NOT_SET = '(not set)';

function censor(value: unknown): string {
  return value === undefined || value === null || value === '' ? NOT_SET : '[redacted]';
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: [...REDACT_PATHS], censor },
      // ISO time reads better in a terminal and sorts the same.
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
