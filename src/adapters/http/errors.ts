// Every error answer has one body, `{ error: { code, message, problems } }`: HttpError carries it, errorHandler sends it.
import type { NextFunction, Request, Response } from 'express';
import type { DecideError } from '../../core/engine/decide.ts';
import type { Problem } from '../../core/problems.ts';
import { context } from './request-log.ts';

/** What went wrong, for a program to branch on; `problems` then say where (docs/http-api.md). */
export type HttpErrorCode =
  | 'bad_request'
  | 'invalid_request'
  | 'forbidden'
  | 'conflict'
  | 'action_refused'
  | 'invalid_json'
  | 'invalid_batch'
  | 'invalid_signature'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'store_unavailable'
  | 'internal';

/**
 * A problem of the answer: the one Problem shape, or an action's refusal, whose code is the core's
 * (`not_disputable`, `already_paused`, ...: docs/card-api.md) in the same shape.
 */
export type AnswerProblem = Problem | DecideError;

/** The body of every error answer. `problems` may be empty: then the message says it all. */
export interface ErrorBody {
  readonly error: { readonly code: HttpErrorCode; readonly message: string; readonly problems: readonly AnswerProblem[] };
}

export interface HttpErrorOptions {
  /** Each with a path into the request: a query parameter or header by its name, a body field from the body's root. */
  readonly problems?: readonly AnswerProblem[];
  /** Headers the answer needs (`Retry-After`, `WWW-Authenticate`, `Allow`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** An error answer, thrown (or passed to `next`) wherever a request is refused, and sent by errorHandler. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly problems: readonly AnswerProblem[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: HttpErrorCode, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.problems = options.problems ?? [];
    this.headers = options.headers ?? {};
  }

  get body(): ErrorBody {
    return { error: { code: this.code, message: this.message, problems: this.problems } };
  }
}

/** An error express or the body reader raised for a client-side fault (`status` 4xx), or a server one. */
export interface HttpFailure {
  readonly status: number;
  /** The body reader's kind of failure: `entity.too.large`, `encoding.unsupported`, ... */
  readonly type: string | undefined;
  readonly message: string;
}

export function httpFailure(error: unknown): HttpFailure | null {
  if (typeof error !== 'object' || error === null || error instanceof HttpError) return null;
  const e = error as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown; expose?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status === null) return null;
  return {
    status,
    type: typeof e.type === 'string' ? e.type : undefined,
    message: e.expose === true && typeof e.message === 'string' ? e.message : 'the request could not be read',
  };
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`));
}

/** The app's last handler: every error, whoever raised it, answered in the one shape. */
export function errorHandler(maxBodyBytes: number) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = asHttpError(error, maxBodyBytes);
    if (!(error instanceof HttpError)) {
      const fields = context(res).fields;
      // Logged by the request line (at error level, with the stack): one line per answer.
      if (answer.status >= 500) fields['err'] = error;
      else if (answer.code !== 'payload_too_large') fields['cause'] = httpFailure(error)?.type ?? answer.message;
    }
    res.set(answer.headers).status(answer.status).json(answer.body);
  };
}

function asHttpError(error: unknown, maxBodyBytes: number): HttpError {
  if (error instanceof HttpError) return error;
  const failure = httpFailure(error);
  if (failure?.type === 'entity.too.large') {
    return new HttpError(413, 'payload_too_large', `the body exceeds ${maxBodyBytes} bytes`, {
      problems: [{ code: 'too_big', path: [], message: `must be at most ${maxBodyBytes} bytes` }],
    });
  }
  // Client-side faults raised by express or the body reader: an unsupported encoding, an aborted upload, a bad escape.
  if (failure !== null && failure.status >= 400 && failure.status < 500) {
    return new HttpError(failure.status, failure.status === 415 ? 'unsupported_media_type' : 'bad_request', failure.message);
  }
  return new HttpError(500, 'internal', 'the request could not be handled: the service log has the cause');
}
