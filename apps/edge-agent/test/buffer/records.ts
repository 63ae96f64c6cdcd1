/** Test records for the buffer tests. */
import type { EventPriority } from "../../src/eve/event-types.js";
import type { BufferEntry, BufferRecord } from "../../src/buffer/types.js";

const TYPES: Record<EventPriority, string> = { 0: "alert", 1: "dns", 2: "flow" };

/** Record number `n`: a small EVE-like line whose `n` field identifies it. */
export function rec(n: number, priority: EventPriority = 0, pad = 0): BufferRecord {
  const eventType = TYPES[priority];
  const raw = Buffer.from(JSON.stringify({ timestamp: "2024-05-01T10:00:00.000000+0000", event_type: eventType, n, pad: "x".repeat(pad) }));
  return { index: `logs-${eventType}-2024.05.01`, id: `id-${n}`, eventType, priority, raw };
}

/** `n` of each entry (reads the raw line back). */
export function ns(entries: readonly BufferEntry[]): number[] {
  return entries.map((e) => (JSON.parse(e.raw.toString()) as { n: number }).n);
}

/** Records `from .. to-1`. */
export function range(from: number, to: number, priority: EventPriority = 0, pad = 0): BufferRecord[] {
  return Array.from({ length: to - from }, (_, i) => rec(from + i, priority, pad));
}
