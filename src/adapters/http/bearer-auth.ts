// Bearer-token auth for the read API, in constant time; the request log says why a request was refused, never the token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './errors.ts';
import { context } from './request-log.ts';

const digestOf = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Both sides are hashed first, so neither the token's length nor a matching prefix leaks through timing. */
export function bearerAuth(token: string) {
  const expected = digestOf(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const given = match?.[1];
    if (given === undefined) {
      context(res).fields['auth'] = header === undefined ? 'missing' : 'malformed';
      next(new HttpError(401, 'unauthorized', 'a bearer token is required (Authorization: Bearer <token>)', { headers: { 'WWW-Authenticate': 'Bearer' } }));
      return;
    }
    if (!timingSafeEqual(digestOf(given), expected)) {
      context(res).fields['auth'] = 'wrong_token';
      next(new HttpError(401, 'unauthorized', 'the bearer token is not valid', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }));
      return;
    }
    // Ledger data behind a token: no cache may keep it.
    res.set('Cache-Control', 'no-store');
    next();
  };
}
