// Use case helper: a settings-page write done once per request id (publish, access changes): a retry gets the first answer, not a second write.

/** Where the answers to request ids are kept, per portal (a retried publish gets the first answer instead of a second version). */
export interface PublishRequests {
  /** `claimed`: go ahead; `pending`: the first is still running; `answered`: its stored answer, with the fingerprint of its body. */
  claim(portalId: number, requestId: string, fingerprint: string): Promise<{ kind: 'claimed' } | { kind: 'pending' } | { kind: 'answered'; fingerprint: string; answer: string }>;
  finish(portalId: number, requestId: string, fingerprint: string, answer: string): Promise<void>;
  release(portalId: number, requestId: string): Promise<void>;
}

export type OnceResult<R> = { readonly kind: 'pending' } | { readonly kind: 'reused_id' } | { readonly kind: 'answered'; readonly answer: string } | R;

/**
 * Runs `work` once for `key`: a retry with the same fingerprint (the caller and the body) gets the
 * answer stored for the first, the same key with another fingerprint is refused. `work` says what to
 * keep: an answer (the write happened), or null (refused: the id may be sent again once fixed). A
 * failure releases the key, so a retry runs it again.
 */
export async function once<R>(requests: PublishRequests, portalId: number, key: string, fingerprint: string, work: () => Promise<{ readonly result: R; readonly answer: string | null }>): Promise<OnceResult<R>> {
  const claim = await requests.claim(portalId, key, fingerprint);
  if (claim.kind === 'pending') return claim;
  if (claim.kind === 'answered') return claim.fingerprint === fingerprint ? { kind: 'answered', answer: claim.answer } : { kind: 'reused_id' };
  let done: { readonly result: R; readonly answer: string | null };
  try {
    done = await work();
  } catch (e) {
    await requests.release(portalId, key);
    throw e;
  }
  if (done.answer === null) await requests.release(portalId, key);
  else await requests.finish(portalId, key, fingerprint, done.answer);
  return done.result;
}
