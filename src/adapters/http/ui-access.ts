// The settings page's call that adds or removes a criteria editor or dispute resolver (docs/card-api.md, "Editors and resolvers"), signed by HubSpot like the page's others.
import type express from 'express';
import { z } from 'zod';
import { changeAccess } from '../../app/access-lists.ts';
import type { AccessDeps } from '../../app/access-lists.ts';
import { HttpError } from './errors.ts';
import { context } from './request-log.ts';
import { cardCaller, reading } from './ui-read.ts';

const UI_ACCESS_PATH = '/ui/criteria/access';

const requestId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'must be the page’s id for this request (a UUID)' });

export const accessBody = z
  .strictObject({
    requestId,
    op: z.enum(['add', 'remove']),
    list: z.enum(['editors', 'resolvers']),
    userId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    email: z.string().trim().regex(/^[^@\s]+@[^@\s]+$/, { error: 'must be an email' }).max(254).nullable().optional(),
  })
  .refine((b) => (b.userId ?? null) !== null || (b.email ?? null) !== null, { error: 'name a HubSpot user id (or, for a resolver, an email)', path: ['userId'] })
  .refine((b) => (b.userId ?? null) === null || (b.email ?? null) === null, { error: 'name either a user id or an email, not both', path: ['email'] })
  .refine((b) => b.list === 'resolvers' || (b.email ?? null) === null, { error: 'an editor is named by HubSpot user id', path: ['email'] });

/** Mounted on the criteria router, behind its signature check; `readBody` is that router's. */
export function mountAccess(router: express.Router, signed: express.RequestHandler, access: AccessDeps, readBody: (res: express.Response) => z.output<typeof accessBody>): void {
  router.post(UI_ACCESS_PATH, signed, async (_req, res) => {
    const caller = cardCaller(res);
    const body = readBody(res);
    const ctx = context(res).fields;
    Object.assign(ctx, { userId: caller.userId, requestId: body.requestId, op: body.op, list: body.list });
    const change = { op: body.op, list: body.list, userId: body.userId ?? null, email: body.email?.toLowerCase() ?? null };
    const result = await reading(res, () => changeAccess(access, caller, body.requestId, change, (a) => JSON.stringify({ access: a })));
    ctx['result'] = result.kind;
    switch (result.kind) {
      case 'answered':
        res.status(200).type('application/json').send(result.answer);
        return;
      case 'ok':
        res.status(200).json({ access: result.access });
        return;
      case 'forbidden':
        throw new HttpError(403, 'forbidden', result.message, { problems: [{ code: 'invalid_value', path: ['userId'], message: result.message }] });
      case 'refused':
        throw new HttpError(409, 'conflict', result.message, { problems: [{ code: 'invalid_value', path: [body.email ? 'email' : 'userId'], message: result.message }] });
      case 'reused_id':
        throw new HttpError(409, 'conflict', 'this request id was already used for a different change', { problems: [{ code: 'duplicate', path: ['requestId'], message: 'was already used for a different change: make a new one' }] });
      case 'pending':
        throw new HttpError(503, 'store_unavailable', 'this change is still being stored: try again', { headers: { 'Retry-After': '2' } });
    }
  });
}
