// Fake pipeline items for the shipping unit tests (an IngestItem is a BufferRecord plus file bookkeeping).
import type { EventPriority } from "../../../src/eve/event-types.js";
import type { FileProgress, IngestItem } from "../../../src/pipeline/ingest.js";
import { rec } from "../../buffer/records.js";

const progress = { file: { path: "/var/log/suricata/eve.json" }, tracker: {}, ended: false } as unknown as FileProgress;

/** Item `n` of `priority` (raw padded by `pad` bytes). */
export function item(n: number, priority: EventPriority = 0, pad = 0): IngestItem {
  const r = rec(n, priority, pad);
  return { ...r, bytes: r.raw.length + 60, progress, ticket: n };
}

/** Items `from .. to-1`. */
export function items(from: number, to: number, priority: EventPriority = 0, pad = 0): IngestItem[] {
  return Array.from({ length: to - from }, (_, i) => item(from + i, priority, pad));
}

/** `n` of each item/entry (reads the raw line back). */
export const nsOf = (xs: readonly { raw: Buffer }[]): number[] => xs.map((x) => (JSON.parse(x.raw.toString()) as { n: number }).n);

/** A logger that keeps its messages. */
export function memoryLog(): { log: { info: (o: unknown, m?: string) => void; warn: (o: unknown, m?: string) => void; error: (o: unknown, m?: string) => void; debug: (o: unknown, m?: string) => void }; messages: string[] } {
  const messages: string[] = [];
  const push = (o: unknown, m?: string): void => void messages.push(typeof o === "string" ? o : (m ?? ""));
  return { log: { info: push, warn: push, error: push, debug: push }, messages };
}
