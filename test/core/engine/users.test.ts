// The user behind an operator action (contract §5, §7): who counts as a user, and who may resolve.
import { describe, expect, it } from 'vitest';
import { invalidUser, isResolver } from '../../../src/core/engine/users.ts';

describe('users', () => {
  it.each([
    { by: { userId: 7, email: 'ann@example.com' }, problem: null },
    { by: { userId: Number.MAX_SAFE_INTEGER, email: 'a' }, problem: null },
    { by: { userId: 1, email: ' ann@example.com ' }, problem: null },
    { by: { userId: 0, email: 'ann@example.com' }, problem: { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' } },
    { by: { userId: -1, email: 'ann@example.com' }, problem: { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' } },
    { by: { userId: 1.5, email: 'ann@example.com' }, problem: { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' } },
    { by: { userId: Number.MAX_SAFE_INTEGER + 1, email: 'a' }, problem: { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' } },
    { by: { userId: Number.NaN, email: 'a' }, problem: { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' } },
    { by: { userId: 7, email: '' }, problem: { path: ['by', 'email'], message: 'must be the email of who acted' } },
    { by: { userId: 7, email: ' \t ' }, problem: { path: ['by', 'email'], message: 'must be the email of who acted' } },
    { by: { userId: 0, email: '' }, problem: { path: ['by', 'userId'], message: 'must be the HubSpot user id of who acted' } },
  ])('$by.userId / "$by.email"', ({ by, problem }) => {
    expect(invalidUser(by)).toEqual(problem);
  });

  const resolvers = { userIds: new Set([7]), emails: new Set(['finance@example.com']) };
  it.each([
    { user: { userId: 7, email: 'someone@example.com' }, yes: true },
    { user: { userId: 8, email: 'finance@example.com' }, yes: true },
    { user: { userId: 8, email: ' Finance@Example.COM ' }, yes: true },
    { user: { userId: 8, email: 'ann@example.com' }, yes: false },
    { user: { userId: 70, email: 'finance@example.com.evil' }, yes: false },
  ])('a resolver by user id or email (any case): $user.userId / $user.email → $yes', ({ user, yes }) => {
    expect(isResolver(resolvers, user)).toBe(yes);
  });
});
