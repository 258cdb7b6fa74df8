// Answers for requests no route took and for errors raised on the way: JSON always, never an HTML page.
import type { NextFunction, Request, Response } from 'express';
import { context } from './request-log.ts';

/** An error express or the body reader raised for a client-side fault (`status` 4xx), or a server one. */
export interface HttpFailure {
  readonly status: number;
  /** The body reader's kind of failure: `entity.too.large`, `encoding.unsupported`, ... */
  readonly type: string | undefined;
  readonly message: string;
}

export function httpFailure(error: unknown): HttpFailure | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown; expose?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status === null) return null;
  return {
    status,
    type: typeof e.type === 'string' ? e.type : undefined,
    message: e.expose === true && typeof e.message === 'string' ? e.message : 'the request could not be read',
  };
}

export function notFound(req: Request, res: Response): void {
  res.status(404).json({ error: 'not_found', message: `no route ${req.method} ${req.path}` });
}

export function errorHandler(maxBodyBytes: number) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const ctx = context(res);
    const failure = httpFailure(error);
    if (failure !== null && failure.type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large', message: `the body exceeds ${maxBodyBytes} bytes`, limitBytes: maxBodyBytes });
      return;
    }
    if (failure !== null && failure.status >= 400 && failure.status < 500) {
      // Client-side faults raised by express or the body reader: an unsupported encoding, an aborted upload, a bad escape.
      ctx.fields['cause'] = failure.type ?? failure.message;
      const code = failure.status === 415 ? 'unsupported_media_type' : 'bad_request';
      res.status(failure.status).json({ error: code, message: failure.message });
      return;
    }
    // Logged by the request line (at error level, with the stack): one line per answer.
    ctx.fields['err'] = error;
    res.status(500).json({ error: 'internal' });
  };
}
