// hubspotSigned(): reads the body as received, verifies HubSpot's v3 signature over it, and puts what the signature proves (and the decoded body) on the request.
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Problem } from '../../core/problems.ts';
import { decodeBody } from './content-encoding.ts';
import { HttpError } from './errors.ts';
import { MAX_SIGNATURE_AGE_MS, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyHubSpotV3 } from './hubspot-signature.ts';
import type { SignatureFailure } from './hubspot-signature.ts';

export interface HubSpotSignedOptions {
  /** The public origin (and path prefix) HubSpot calls: the signed URL is this plus the request's URL, never what a proxy passes on. */
  readonly publicBaseUrl: string;
  /** The app's client secret. */
  readonly secret: string;
  /** Epoch ms, for the replay window. */
  readonly clock: () => number;
  /** Bodies above this are refused (413) before any signature check, and so are encoded bodies that decode to more. */
  readonly maxBodyBytes: number;
  /**
   * `webhook`: HubSpot's webhook deliveries; the portal is in each event, not in the signed URL.
   * `ui`: `hubspot.fetch` from a card, settings or home page; HubSpot appends `portalId`, `userId`,
   * `userEmail` and `appId` to the URL it signs, and the portal and user are taken from there.
   */
  readonly caller: 'webhook' | 'ui';
}

/** Who a verified request comes from, as far as the signature proves it. */
export type HubSpotCaller =
  | { readonly kind: 'webhook' }
  | {
      readonly kind: 'ui';
      readonly portalId: number;
      readonly userId: number;
      readonly userEmail: string | null;
      readonly appId: number | null;
    };

export interface SignedRequest {
  /**
   * The body's content (empty for a request without one): the bytes exactly as signed, or, for a
   * body sent with a Content-Encoding, those bytes decoded once the signature over them was checked.
   */
  readonly body: Buffer;
  readonly caller: HubSpotCaller;
}

/** A 401 for a request HubSpot did not sign (or not now); `failure` says how, for logs and metrics. */
export class InvalidSignatureError extends HttpError {
  readonly failure: SignatureFailure;

  constructor(failure: SignatureFailure) {
    const { message, problem } = SIGNATURE_PROBLEMS[failure];
    super(401, 'invalid_signature', message, { problems: [problem] });
    this.name = 'InvalidSignatureError';
    this.failure = failure;
  }
}

const SIGNED = 'hubspotSigned';

/**
 * Express middleware for every route HubSpot calls. It reads the body as raw bytes, as received (the
 * signature covers them exactly: a Content-Encoding is not undone before the check), verifies the v3
 * signature in constant time within the 5-minute window, decodes a gzip, deflate or br body only
 * then (bounded by `maxBodyBytes`), and stores a SignedRequest that routes read with
 * `signedRequest(res)`: the portal and user of a UI call come from the signed URL only, never from the
 * body or an unsigned part of the request. Refusals go to `next` as HttpErrors
 * (InvalidSignatureError for the signature itself).
 */
export function hubspotSigned(options: HubSpotSignedOptions): RequestHandler {
  const readRaw = express.raw({ type: () => true, limit: options.maxBodyBytes });
  return (req: Request, res: Response, next: NextFunction) => {
    // The body reader would inflate an encoded body before anything sees it; hidden while it reads, the
    // header makes it hand over the bytes as sent (its limit then bounds what came over the wire).
    const encoding = req.headers['content-encoding'];
    delete req.headers['content-encoding'];
    readRaw(req, res, (error?: unknown) => {
      if (encoding !== undefined) req.headers['content-encoding'] = encoding;
      if (error !== undefined) {
        next(error);
        return;
      }
      const verified = verify(options, req);
      if (verified instanceof HttpError) {
        next(verified);
        return;
      }
      decodeBody(verified.body, encoding, options.maxBodyBytes).then(
        (body) => {
          res.locals[SIGNED] = { ...verified, body };
          next();
        },
        (e: unknown) => next(e),
      );
    });
  };
}

/** What hubspotSigned() verified for this request; a route behind it may rely on it. */
export function signedRequest(res: Response): SignedRequest {
  const signed = res.locals[SIGNED] as SignedRequest | undefined;
  if (signed === undefined) throw new Error('signedRequest: the route is not behind hubspotSigned()');
  return signed;
}

function verify(options: HubSpotSignedOptions, req: Request): SignedRequest | HttpError {
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const url = options.publicBaseUrl + req.originalUrl;
  const check = verifyHubSpotV3({
    method: req.method,
    url,
    rawBody: body,
    signature: req.get(SIGNATURE_HEADER),
    timestamp: req.get(TIMESTAMP_HEADER),
    secret: options.secret,
    now: options.clock(),
  });
  if (!check.ok) return new InvalidSignatureError(check.reason);
  if (options.caller === 'webhook') return { body, caller: { kind: 'webhook' } };
  const caller = uiCaller(new URL(url).searchParams);
  return 'problems' in caller ? new HttpError(400, 'bad_request', 'the signed URL does not name the HubSpot portal and user', { problems: caller.problems }) : { body, caller };
}

/** The identity HubSpot appends to a UI extension's URL; each parameter at most once. */
function uiCaller(query: URLSearchParams): HubSpotCaller | { problems: Problem[] } {
  const problems: Problem[] = [];
  const one = (name: string, required: boolean): string | null => {
    const values = query.getAll(name);
    if (values.length > 1) problems.push({ code: 'invalid_value', path: [name], message: 'must be given once' });
    else if (values.length === 0 && required) problems.push({ code: 'required', path: [name], message: 'is required: HubSpot adds it to every request of a UI extension' });
    return values.length === 1 ? (values[0] ?? null) : null;
  };
  const id = (name: string, required: boolean): number | null => {
    const text = one(name, required);
    if (text === null) return null;
    const n = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isSafeInteger(n)) return n;
    problems.push({ code: 'invalid_format', path: [name], message: 'must be a HubSpot id (digits)' });
    return null;
  };
  const portalId = id('portalId', true);
  const userId = id('userId', true);
  const userEmail = one('userEmail', false);
  const appId = id('appId', false);
  if (problems.length > 0 || portalId === null || userId === null) return { problems };
  return { kind: 'ui', portalId, userId, userEmail: userEmail === '' ? null : userEmail, appId };
}

const SIGNATURE_PROBLEMS: Readonly<Record<SignatureFailure, { message: string; problem: Problem }>> = {
  missing_signature: {
    message: 'the request carries no HubSpot v3 signature',
    problem: { code: 'required', path: [SIGNATURE_HEADER], message: 'is required: HubSpot signs every request it sends' },
  },
  missing_timestamp: {
    message: 'the request carries no HubSpot request timestamp',
    problem: { code: 'required', path: [TIMESTAMP_HEADER], message: 'is required: the signature covers it' },
  },
  stale_timestamp: {
    message: 'the request timestamp is outside the replay window',
    problem: { code: 'invalid_value', path: [TIMESTAMP_HEADER], message: `must be epoch milliseconds within ${MAX_SIGNATURE_AGE_MS / 60_000} minutes of now` },
  },
  bad_signature: {
    message: 'the HubSpot v3 signature does not match the request',
    problem: { code: 'invalid_value', path: [SIGNATURE_HEADER], message: "does not match the method, public URL, body and timestamp signed with the app's client secret" },
  },
};
