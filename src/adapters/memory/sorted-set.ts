// A sorted set as Redis keeps one (members by score, equal scores by member), for the in-memory stores.

/** Members ordered as Redis orders a zset: by score, then by member (byte order for the ASCII keys used here). */
const byScoreThenMember = (a: readonly [string, number], b: readonly [string, number]): number =>
  a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export class SortedSet {
  readonly #scores = new Map<string, number>();

  get size(): number {
    return this.#scores.size;
  }

  score(member: string): number | undefined {
    return this.#scores.get(member);
  }

  /** ZADD: sets the score whatever it was. */
  set(member: string, score: number): void {
    this.#scores.set(member, score);
  }

  /** ZADD LT CH: sets the score only when the member is new or the score lower; says whether it did. */
  lower(member: string, score: number): boolean {
    const current = this.#scores.get(member);
    if (current !== undefined && current <= score) return false;
    this.#scores.set(member, score);
    return true;
  }

  /** ZADD NX: adds a new member, keeps an existing one's score. */
  addNew(member: string, score: number): void {
    if (!this.#scores.has(member)) this.#scores.set(member, score);
  }

  delete(member: string): boolean {
    return this.#scores.delete(member);
  }

  /** ZRANGEBYSCORE -inf max LIMIT 0 limit, in order. Sorted per call: these stores serve tests, not traffic. */
  upTo(max: number, limit = Number.POSITIVE_INFINITY): [string, number][] {
    const entries = [...this.#scores].filter(([, s]) => s <= max).sort(byScoreThenMember);
    return entries.slice(0, limit);
  }

  /** The lowest member, or undefined when empty. */
  first(): [string, number] | undefined {
    return this.upTo(Number.POSITIVE_INFINITY, 1)[0];
  }
}
