/**
 * Keeping the outbox bounded (pure). Entries of one receiver are split per fingerprint into episodes (a run of
 * entries ending with a resolve, or the still-open tail). While the receiver holds more than `max` entries, whole
 * episodes are dropped, oldest first: first episodes that are already resolved (their news is stale: the anomaly
 * is over), then open ones. An episode with an entry in flight is never dropped, so the bound can be exceeded by
 * the in-flight entries. Dropping whole episodes keeps the invariant that a receiver never gets a resolve without
 * its trigger. Every dropped entry is returned so the caller counts and logs it.
 */

/** The fields eviction looks at. `seq` orders entries (older = smaller). */
export interface EvictableEntry {
  readonly id: string;
  readonly seq: number;
  readonly fingerprint: string;
  readonly kind: "firing" | "resolved";
}

/** Ids to drop so that at most `max` entries remain (fewer drops if episodes in `inFlight` block it). */
export function chooseEvictions<E extends EvictableEntry>(entries: readonly E[], max: number, inFlight: ReadonlySet<string>): E[] {
  if (entries.length <= max) return [];
  const byFp = new Map<string, E[]>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const list = byFp.get(e.fingerprint) ?? [];
    list.push(e);
    byFp.set(e.fingerprint, list);
  }
  const resolved: E[][] = [];
  const open: E[][] = [];
  for (const list of byFp.values()) {
    let episode: E[] = [];
    for (const e of list) {
      episode.push(e);
      if (e.kind === "resolved") {
        resolved.push(episode);
        episode = [];
      }
    }
    if (episode.length > 0) open.push(episode);
  }
  const oldestFirst = (a: E[], b: E[]) => (a[0]?.seq ?? 0) - (b[0]?.seq ?? 0);
  const dropped: E[] = [];
  let remaining = entries.length;
  for (const group of [resolved.sort(oldestFirst), open.sort(oldestFirst)]) {
    for (const episode of group) {
      if (remaining <= max) return dropped;
      if (episode.some((e) => inFlight.has(e.id))) continue;
      dropped.push(...episode);
      remaining -= episode.length;
    }
  }
  return dropped;
}
