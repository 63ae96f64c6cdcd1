/**
 * Stream entry fields of the Redis buffer and parsing of `XREADGROUP` replies (pure: no IO).
 *
 * An entry is `x <index> i <id> t <eventType> p <priority 0|1|2> r <raw EVE line>` (field names kept to one byte:
 * Redis stores field names per entry unless they repeat the stream's master entry, see "Streams internals" in
 * https://redis.io/docs/latest/develop/data-types/streams/). The reply of `XREADGROUP … STREAMS <key> <id>` is
 * `[[key, [[id, [field, value, …]], …]]]` in RESP2, or `[key, [[id, …]]]` when a RESP3 map is flattened; an entry's
 * field list is `null` when the entry is still pending but was deleted from the stream
 * (https://redis.io/docs/latest/commands/xreadgroup/).
 * @module
 */
import type { EventPriority } from "../eve/event-types.js";
import type { BufferRecord } from "./types.js";

/** One entry of an `XREADGROUP` reply: its ID and record, or no record when its data was deleted. */
export interface StreamEntry {
  readonly id: string;
  readonly record: BufferRecord | undefined;
}

/** Thrown when a reply or an entry does not have the documented shape (another writer, another format). */
export class StreamEntryError extends Error {
  override readonly name = "StreamEntryError";
}

/** Field/value arguments for `XADD` of one record. */
export function encodeStreamFields(r: BufferRecord): (string | Buffer)[] {
  return ["x", r.index, "i", r.id, "t", r.eventType, "p", String(r.priority), "r", r.raw];
}

/** Bytes a record accounts for in `depthBytes`: UTF-8 bytes of `raw`, `index`, `id` and `eventType`. */
export function recordBytes(r: BufferRecord): number {
  return r.raw.length + Buffer.byteLength(r.index) + Buffer.byteLength(r.id) + Buffer.byteLength(r.eventType);
}

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString("utf8") : typeof v === "string" ? v : "");

/**
 * Decodes the record of one entry's field list.
 *
 * @throws {StreamEntryError} when a field is missing or the priority is not 0, 1 or 2.
 */
export function decodeStreamFields(id: string, fields: readonly unknown[]): BufferRecord {
  const f = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(text(fields[i]), fields[i + 1]);
  const raw = f.get("r");
  const priority = Number(text(f.get("p")));
  if (!f.has("x") || !f.has("i") || !f.has("t") || raw === undefined || !(priority === 0 || priority === 1 || priority === 2)) {
    throw new StreamEntryError(`stream entry ${id} is not a buffer record (fields ${[...f.keys()].join(",")})`);
  }
  return {
    index: text(f.get("x")),
    id: text(f.get("i")),
    eventType: text(f.get("t")),
    priority: priority as EventPriority,
    raw: Buffer.isBuffer(raw) ? raw : Buffer.from(text(raw)),
  };
}

/**
 * Decodes an `XREADGROUP` reply for one stream (as returned by ioredis `callBuffer`).
 *
 * @returns entries in stream order; `[]` for a `null` reply (nothing to read).
 * @throws {StreamEntryError} on an unexpected shape.
 */
export function decodeStreamEntries(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (!Array.isArray(reply)) throw new StreamEntryError("XREADGROUP reply is not an array");
  // RESP2: [[key, entries]]; flattened RESP3 map: [key, entries].
  const pair: unknown = Array.isArray(reply[0]) ? reply[0] : reply;
  const entries = Array.isArray(pair) ? pair[1] : undefined;
  if (!Array.isArray(entries)) throw new StreamEntryError("XREADGROUP reply has no entry list");
  return entries.map((e: unknown) => {
    if (!Array.isArray(e) || e.length < 2) throw new StreamEntryError("stream entry is not [id, fields]");
    const id = text(e[0]);
    const fields: unknown = e[1];
    if (fields === null) return { id, record: undefined };
    if (!Array.isArray(fields)) throw new StreamEntryError(`stream entry ${id} has no field list`);
    return { id, record: decodeStreamFields(id, fields) };
  });
}
