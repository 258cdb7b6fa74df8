// The user behind an operator action: a HubSpot user id and email, both required (contract §5, §7).
import type { ProblemPath } from '../problems.ts';
import type { UserRef } from '../types.ts';

/** Why `by` does not name a user, or null when it does. */
export function invalidUser(by: UserRef): { readonly path: ProblemPath; readonly message: string } | null {
  if (!Number.isSafeInteger(by.userId) || by.userId <= 0) return { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' };
  if (by.email.trim() === '') return { path: ['by', 'email'], message: 'must be the email of who acted' };
  return null;
}

/** Who may resolve disputes and pause criteria in a portal: HubSpot user ids and (lower-cased) emails. */
export interface DisputeResolvers {
  readonly userIds: ReadonlySet<number>;
  readonly emails: ReadonlySet<string>;
}

/** A resolver is named by user id or by email (case-insensitive); the user comes from a signed request. */
export function isResolver(resolvers: DisputeResolvers, user: UserRef): boolean {
  return resolvers.userIds.has(user.userId) || resolvers.emails.has(user.email.trim().toLowerCase());
}
