/**
 * Out-of-order acknowledgement tracking over a sequence of delivered records (pure: no IO).
 *
 * Records carry consecutive sequence numbers. `head` is the first unacknowledged one: everything below it is
 * acknowledged and may be reclaimed, and it is the only position worth persisting (a restart re-delivers from
 * there, so acks above a gap are lost on a crash and re-delivered: at-least-once). Acks above `head` are kept in a
 * set until the gap closes. Each delivered record keeps caller metadata (position, size) until it falls below head.
 * @module
 */

/** See the module documentation. `M` is per-record metadata kept while the record is in flight. */
export class AckWindow<M> {
  #head: number;
  readonly #acked = new Set<number>();
  readonly #inflight = new Map<number, M>();

  /** @param head - first unacknowledged sequence number (from the persisted ack position). */
  constructor(head: number) {
    this.#head = head;
  }

  /** First unacknowledged sequence number. */
  get head(): number {
    return this.#head;
  }

  /** Records delivered and not yet below `head` (acked out of order ones included). */
  get inflight(): number {
    return this.#inflight.size;
  }

  /** Registers a delivered record (again, after a rewind: the first metadata is kept). */
  deliver(seq: number, meta: M): void {
    if (seq >= this.#head && !this.#inflight.has(seq)) this.#inflight.set(seq, meta);
  }

  /** Records acknowledged above `head` (waiting for the gap below them to close). */
  get ackedAhead(): number {
    return this.#acked.size;
  }

  /** Metadata of an in-flight record. */
  meta(seq: number): M | undefined {
    return this.#inflight.get(seq);
  }

  /** `true` once `seq` is acknowledged (below head, or acked out of order). */
  isAcked(seq: number): boolean {
    return seq < this.#head || this.#acked.has(seq);
  }

  /**
   * Acknowledges one delivered record and advances `head` over every acknowledged record after it.
   *
   * @returns the record's metadata when this call acknowledged it; `undefined` for a repeated ack or a sequence
   *   number never delivered (nothing changes).
   */
  ack(seq: number): M | undefined {
    if (this.isAcked(seq)) return undefined;
    const meta = this.#inflight.get(seq);
    if (meta === undefined) return undefined;
    this.#acked.add(seq);
    this.#advance();
    return meta;
  }

  /**
   * Records acknowledged above `head`, as sorted half-open ranges `[from, to)` (for persisting them: a restart then
   * skips them instead of re-delivering them).
   */
  aheadRanges(): [number, number][] {
    const seqs = [...this.#acked].sort((a, b) => a - b);
    const out: [number, number][] = [];
    for (const s of seqs) {
      const last = out.at(-1);
      if (last && last[1] === s) last[1] = s + 1;
      else out.push([s, s + 1]);
    }
    return out;
  }

  /**
   * Restores acknowledgements above `head` persisted by a previous instance (from {@link AckWindow.aheadRanges}):
   * those records count as acknowledged without being delivered again.
   */
  restoreAhead(ranges: readonly (readonly [number, number])[]): void {
    for (const [from, to] of ranges) for (let s = Math.max(from, this.#head + 1); s < to; s++) this.#acked.add(s);
  }

  /**
   * Marks `[from, to)` as acknowledged without delivery (records lost to corruption or a vanished directory,
   * counted by the caller). A later `ack` of one of them is ignored.
   *
   * @returns `records`: how many of them were not acknowledged before (the ones lost); `delivered`: how many of
   *   those had been handed out (in flight, so they may still have reached their destination).
   */
  skip(from: number, to: number): { records: number; delivered: number } {
    let records = 0;
    let delivered = 0;
    for (let s = Math.max(from, this.#head); s < to; s++) {
      if (this.#acked.has(s)) continue;
      this.#acked.add(s);
      records++;
      if (this.#inflight.has(s)) delivered++;
    }
    this.#advance();
    return { records, delivered };
  }

  #advance(): void {
    while (this.#acked.has(this.#head)) {
      this.#acked.delete(this.#head);
      this.#inflight.delete(this.#head);
      this.#head++;
    }
  }
}
