// Who may publish criteria and who may resolve disputes in a portal: the environment's users always, plus those the editors add on the settings page (docs/decisions.md, "Editors and resolvers").
import type { DisputeResolvers } from '../core/engine/users.ts';
import { once } from './request-once.ts';
import type { PublishRequests } from './request-once.ts';

/** What the page added for one portal; the environment's users are never stored. */
export interface StoredAccess {
  readonly editors: readonly number[];
  readonly resolverIds: readonly number[];
  readonly resolverEmails: readonly string[];
}

export const NO_ACCESS: StoredAccess = { editors: [], resolverIds: [], resolverEmails: [] };

export interface AccessStore {
  read(portalId: number): Promise<StoredAccess>;
  /** Reads, applies `change` and writes in one step for the portal (a concurrent change makes it run again); null from `change` writes nothing. */
  update(portalId: number, change: (current: StoredAccess) => StoredAccess | null): Promise<StoredAccess>;
}

export interface EnvAccess {
  /** CRITERIA_EDITORS. */
  readonly editors: ReadonlySet<number>;
  /** DISPUTE_RESOLVERS. */
  readonly resolvers: DisputeResolvers;
}

export interface AccessDeps {
  readonly env: EnvAccess;
  readonly store: AccessStore;
  readonly requests: PublishRequests;
}

/** The lists that decide: the environment's and the stored, together. */
export interface EffectiveAccess {
  readonly editors: ReadonlySet<number>;
  readonly resolvers: DisputeResolvers;
}

export function effectiveAccess(env: EnvAccess, stored: StoredAccess): EffectiveAccess {
  return {
    editors: new Set([...env.editors, ...stored.editors]),
    resolvers: { userIds: new Set([...env.resolvers.userIds, ...stored.resolverIds]), emails: new Set([...env.resolvers.emails, ...stored.resolverEmails]) },
  };
}

export async function accessOf(deps: Pick<AccessDeps, 'env' | 'store'>, portalId: number): Promise<EffectiveAccess> {
  return effectiveAccess(deps.env, await deps.store.read(portalId));
}

/** One user of a list as the page shows it; `fromEnvironment` ones cannot be removed from the page. */
export interface AccessMember {
  readonly userId: number | null;
  readonly email: string | null;
  readonly fromEnvironment: boolean;
}

export interface AccessView {
  readonly editors: readonly AccessMember[];
  readonly resolvers: readonly AccessMember[];
}

export function accessView(env: EnvAccess, stored: StoredAccess): AccessView {
  const ids = (fromEnv: Iterable<number>, added: readonly number[]): AccessMember[] => {
    const envIds = new Set(fromEnv);
    return [...new Set([...envIds, ...added])].sort((a, b) => a - b).map((userId) => ({ userId, email: null, fromEnvironment: envIds.has(userId) }));
  };
  const envEmails = new Set(env.resolvers.emails);
  const emails = [...new Set([...envEmails, ...stored.resolverEmails])].sort().map((email) => ({ userId: null, email, fromEnvironment: envEmails.has(email) }));
  return { editors: ids(env.editors, stored.editors), resolvers: [...ids(env.resolvers.userIds, stored.resolverIds), ...emails] };
}

/** A change the page asks for: a HubSpot user id, or (resolvers only) an email. */
export interface AccessChange {
  readonly op: 'add' | 'remove';
  readonly list: 'editors' | 'resolvers';
  readonly userId: number | null;
  readonly email: string | null;
}

export type AccessChangeResult =
  | { readonly kind: 'ok'; readonly access: AccessView }
  | { readonly kind: 'answered'; readonly answer: string }
  | { readonly kind: 'pending' }
  | { readonly kind: 'reused_id' }
  | { readonly kind: 'forbidden'; readonly message: string }
  /** `from_environment`: the user is in CRITERIA_EDITORS or DISPUTE_RESOLVERS; `last_editor`: nobody would be left to publish. */
  | { readonly kind: 'refused'; readonly code: 'from_environment' | 'last_editor'; readonly message: string };

type Refusal = Extract<AccessChangeResult, { kind: 'refused' }>;

/** Only an editor changes the lists; once per request id (a retry gets the first answer); adding twice or removing someone absent changes nothing. */
export async function changeAccess(deps: AccessDeps, caller: { readonly portalId: number; readonly userId: number }, requestId: string, change: AccessChange, answerOf: (a: AccessView) => string): Promise<AccessChangeResult> {
  const before = await accessOf(deps, caller.portalId);
  if (!before.editors.has(caller.userId)) return { kind: 'forbidden', message: `user ${caller.userId} is not one of this portal's criteria editors, who alone may change who edits criteria and resolves disputes` };
  const fingerprint = JSON.stringify(['access', caller.userId, change.op, change.list, change.userId, change.email]);
  // Namespaced, so a page's publish id and its access id never meet.
  const key = `access:${requestId}`;
  return once(deps.requests, caller.portalId, key, fingerprint, async () => {
    let refusal: Refusal | null = null;
    const stored = await deps.store.update(caller.portalId, (current) => {
      const next = applyChange(deps.env, current, change);
      if ('kind' in next) refusal = next;
      return 'kind' in next ? null : next;
    });
    if (refusal !== null) return { result: refusal, answer: null };
    const access = accessView(deps.env, stored);
    return { result: { kind: 'ok', access } as const, answer: answerOf(access) };
  });
}

/** The stored lists after the change, or why it is refused. */
export function applyChange(env: EnvAccess, current: StoredAccess, change: AccessChange): StoredAccess | Refusal {
  const who = change.userId !== null ? `user ${change.userId}` : (change.email ?? '');
  const email = change.email?.trim().toLowerCase() ?? null;
  const envHas = change.list === 'editors' ? change.userId !== null && env.editors.has(change.userId) : change.userId !== null ? env.resolvers.userIds.has(change.userId) : email !== null && env.resolvers.emails.has(email);
  const edit = <T>(list: readonly T[], item: T | null): T[] => {
    if (item === null) return [...list];
    const rest = list.filter((x) => x !== item);
    return change.op === 'add' ? [...rest, item] : rest;
  };
  if (change.op === 'remove' && envHas) {
    const variable = change.list === 'editors' ? 'CRITERIA_EDITORS' : 'DISPUTE_RESOLVERS';
    return { kind: 'refused', code: 'from_environment', message: `${who} is named in ${variable}: the service's environment keeps them, and only a change there removes them` };
  }
  if (change.list === 'resolvers') {
    return { ...current, resolverIds: edit(current.resolverIds, change.userId), resolverEmails: edit(current.resolverEmails, change.userId === null ? email : null) };
  }
  const editors = edit(current.editors, change.userId);
  if (change.op === 'remove' && env.editors.size === 0 && editors.length === 0) {
    return { kind: 'refused', code: 'last_editor', message: `${who} is the portal's last criteria editor: add another editor first, or nobody could publish or manage these lists` };
  }
  return { ...current, editors };
}
