/**
 * EVE line parsing and validation: one record (bytes or string) → a validated event or a reason it is malformed.
 *
 * JSON validity is checked by the allocation-free `scanJsonObject` (full RFC 8259 grammar) by default; `JSON.parse`
 * runs only to explain a rejection, or lazily when a caller reads `event`.
 *
 * Validation follows the EVE "Common Section" (https://docs.suricata.io/en/latest/output/eve/eve-json-format.html):
 * the record must be a JSON object with a string `timestamp` in Suricata's format (see `parseEveTimestampMs`) and a
 * string `event_type`. Unknown event types are kept and flagged. The `event_type` must also be usable in an index
 * name (`[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`), otherwise the record is rejected as `invalid_event_type`.
 *
 * The raw bytes are returned untouched so the shipper can forward them without re-serialising.
 * @module
 */
import { isUtf8 } from "node:buffer";
import { isKnownEventType } from "./event-types.js";
import { createScanFields, FieldKind, scanJsonObject } from "./json-scan.js";
import { parseEveTimestampBytes, parseEveTimestampMs, timestampBytesLackOffset, timestampLacksOffset } from "./timestamp.js";

/** Why a record was not accepted as an EVE event. */
export type MalformedReason =
  | "line_too_long"
  | "invalid_utf8"
  | "invalid_json"
  | "not_an_object"
  | "missing_timestamp"
  | "invalid_timestamp"
  | "missing_event_type"
  | "invalid_event_type";

/** Every {@link MalformedReason}, for metrics label pre-registration. */
export const MALFORMED_REASONS: readonly MalformedReason[] = [
  "line_too_long",
  "invalid_utf8",
  "invalid_json",
  "not_an_object",
  "missing_timestamp",
  "invalid_timestamp",
  "missing_event_type",
  "invalid_event_type",
];

/** Bit flags on an accepted event (`EveParseOk.flags`). */
export const EveFlags = {
  /** Timestamp had no UTC offset (Suricata < 3) and was read as UTC. */
  TIMESTAMP_WITHOUT_OFFSET: 1,
  /** Invalid UTF-8 bytes were replaced by U+FFFD; `raw` holds the repaired bytes. */
  UTF8_REPLACED: 2,
  /** `event_type` is not in `KNOWN_EVENT_TYPES`. */
  UNKNOWN_EVENT_TYPE: 4,
  /** The record was split out of a line holding several glued records. */
  SPLIT_FROM_GLUED_LINE: 8,
} as const;

/** A parsed EVE event: the JSON object with the two fields the parser guarantees. */
export interface EveEvent {
  timestamp: string;
  event_type: string;
  [field: string]: unknown;
}

/** A record accepted as an EVE event. */
export interface EveParseOk {
  readonly ok: true;
  /**
   * The parsed JSON object. With the default `"scan"` validator it is parsed lazily on first access (the
   * shipping hot path never needs it), then cached.
   */
  readonly event: EveEvent;
  /** Bytes to ship: the input record (without line terminator), or its UTF-8 repair when flagged. */
  readonly raw: Buffer;
  /** `event.event_type`. */
  readonly eventType: string;
  /** `event.timestamp` as UTC epoch milliseconds. */
  readonly timestampMs: number;
  /** Whether `eventType` is a known Suricata type. */
  readonly known: boolean;
  /** OR of {@link EveFlags}. */
  readonly flags: number;
}

/** A record rejected as malformed; goes to the dead-letter file with `reason` and `detail`. */
export interface EveParseError {
  readonly ok: false;
  readonly reason: MalformedReason;
  /** Human-readable context (JSON error message, offending value), at most 200 characters. */
  readonly detail: string;
  /** The record's bytes as read. */
  readonly raw: Buffer;
}

/** Result of parsing one record. */
export type EveParseResult = EveParseOk | EveParseError;

/** Options for {@link parseEveLine} and {@link parseEveRecords}. */
export interface EveParseOptions {
  /**
   * What to do with invalid UTF-8: `"replace"` (default) substitutes U+FFFD, keeps the event and sets
   * `EveFlags.UTF8_REPLACED`; `"reject"` makes it malformed (`invalid_utf8`). OpenSearch rejects invalid UTF-8, so
   * the raw bytes are never forwarded as they are.
   */
  readonly invalidUtf8?: "replace" | "reject";
  /** Records longer than this many bytes are malformed (`line_too_long`). Default 1 MiB. */
  readonly maxLineBytes?: number;
  /**
   * `"scan"` (default): validate with the allocation-free scanner (`scanJsonObject`), full RFC 8259 grammar,
   * `event` parsed lazily. `"json-parse"`: validate with `JSON.parse` and keep the object (slower; for callers
   * that read every field).
   */
  readonly validator?: "scan" | "json-parse";
}

/** Default {@link EveParseOptions.maxLineBytes}: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const EVENT_TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

class EveRecord implements EveParseOk {
  readonly ok = true as const;
  #event: EveEvent | undefined;

  constructor(
    readonly raw: Buffer,
    readonly eventType: string,
    readonly timestampMs: number,
    readonly known: boolean,
    readonly flags: number,
    event: EveEvent | undefined,
  ) {
    this.#event = event;
  }

  get event(): EveEvent {
    return (this.#event ??= JSON.parse(this.raw.toString("utf8")) as EveEvent);
  }

  withFlags(flags: number): EveRecord {
    return new EveRecord(this.raw, this.eventType, this.timestampMs, this.known, this.flags | flags, this.#event);
  }
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

function fail(reason: MalformedReason, detail: string, raw: Buffer): EveParseError {
  return { ok: false, reason, detail: clip(detail), raw };
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Validates the two required fields; `ts`/`et` are the values, or `undefined` when absent. */
function finish(
  ts: unknown,
  et: unknown,
  raw: Buffer,
  flags: number,
  event: EveEvent | undefined,
): EveParseResult {
  if (ts === undefined) return fail("missing_timestamp", "no timestamp field", raw);
  if (typeof ts !== "string") return fail("invalid_timestamp", `timestamp is a ${describe(ts)}`, raw);
  const timestampMs = parseEveTimestampMs(ts);
  if (Number.isNaN(timestampMs)) return fail("invalid_timestamp", `timestamp ${JSON.stringify(ts)}`, raw);
  if (timestampLacksOffset(ts)) flags |= EveFlags.TIMESTAMP_WITHOUT_OFFSET;
  if (et === undefined) return fail("missing_event_type", "no event_type field", raw);
  if (typeof et !== "string") return fail("invalid_event_type", `event_type is a ${describe(et)}`, raw);
  const known = isKnownEventType(et);
  if (!known) {
    if (!EVENT_TYPE_RE.test(et)) return fail("invalid_event_type", `event_type ${JSON.stringify(et)}`, raw);
    flags |= EveFlags.UNKNOWN_EVENT_TYPE;
  }
  return new EveRecord(raw, et, timestampMs, known, flags, event);
}

/** Validation with `JSON.parse` (the `"json-parse"` validator, and the diagnostic path of `"scan"`). */
function viaJsonParse(text: string, raw: Buffer, input: Buffer, flags: number): EveParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail("invalid_json", (err as Error).message, input);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("not_an_object", `JSON ${describe(value)}`, raw);
  }
  const obj = value as Record<string, unknown>;
  return finish(obj["timestamp"], obj["event_type"], raw, flags, obj as EveEvent);
}

const fields = createScanFields();
function fieldValue(raw: Buffer, kind: number, start: number, end: number, isEscaped: boolean): string | undefined {
  if (kind === FieldKind.MISSING) return undefined;
  return isEscaped ? (JSON.parse(raw.toString("utf8", start - 1, end + 1)) as string) : raw.toString("latin1", start, end);
}

interface TypeEntry {
  readonly bytes: Buffer;
  readonly name: string;
  readonly known: boolean;
  readonly valid: boolean;
}

/** Recently seen `event_type` values by bytes, so the hot path allocates no string for them. */
const typeCache: TypeEntry[] = [];

function internEventType(raw: Buffer, start: number, end: number): TypeEntry {
  const len = end - start;
  for (let k = 0; k < typeCache.length; k++) {
    const e = typeCache[k] as TypeEntry;
    if (e.bytes.length !== len) continue;
    let j = 0;
    while (j < len && e.bytes[j] === raw[start + j]) j++;
    if (j === len) return e;
  }
  const name = raw.toString("utf8", start, end);
  const known = isKnownEventType(name);
  const entry: TypeEntry = { bytes: Buffer.from(raw.subarray(start, end)), name, known, valid: known || EVENT_TYPE_RE.test(name) };
  if (typeCache.length < 64 && entry.valid) typeCache.push(entry);
  return entry;
}

/** Validation of the two fields located by the scanner, straight from the bytes (no strings on success). */
function finishFromBytes(raw: Buffer, flags: number): EveParseResult {
  const f = fields;
  if (f.tsEscaped || f.etEscaped) {
    // Escapes in these fields never come from Suricata: decode and take the general path.
    return finish(fieldValue(raw, f.tsKind, f.tsStart, f.tsEnd, f.tsEscaped), fieldValue(raw, f.etKind, f.etStart, f.etEnd, f.etEscaped), raw, flags, undefined);
  }
  if (f.tsKind === FieldKind.MISSING) return fail("missing_timestamp", "no timestamp field", raw);
  const timestampMs = parseEveTimestampBytes(raw, f.tsStart, f.tsEnd);
  if (Number.isNaN(timestampMs)) return fail("invalid_timestamp", `timestamp ${JSON.stringify(raw.toString("utf8", f.tsStart, f.tsEnd))}`, raw);
  if (timestampBytesLackOffset(raw, f.tsStart, f.tsEnd)) flags |= EveFlags.TIMESTAMP_WITHOUT_OFFSET;
  if (f.etKind === FieldKind.MISSING) return fail("missing_event_type", "no event_type field", raw);
  const type = internEventType(raw, f.etStart, f.etEnd);
  if (!type.valid) return fail("invalid_event_type", `event_type ${JSON.stringify(type.name)}`, raw);
  if (!type.known) flags |= EveFlags.UNKNOWN_EVENT_TYPE;
  return new EveRecord(raw, type.name, timestampMs, type.known, flags, undefined);
}

/**
 * Parses and validates one EVE record.
 *
 * @param line - the record without its line terminator (a `Buffer` view from the tailer, or a string, which is
 *   encoded to UTF-8 once).
 * @param options - see {@link EveParseOptions}.
 * @returns `{ ok: true, event, raw, ... }` or `{ ok: false, reason, detail, raw }`; never throws.
 */
export function parseEveLine(line: Buffer | string, options?: EveParseOptions): EveParseResult {
  const input = typeof line === "string" ? Buffer.from(line, "utf8") : line;
  let raw = input;
  const maxLineBytes = options?.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (raw.length > maxLineBytes) {
    return fail("line_too_long", `${raw.length} bytes > ${maxLineBytes}`, raw);
  }
  let flags = 0;
  if (typeof line !== "string" && !isUtf8(raw)) {
    if (options?.invalidUtf8 === "reject") return fail("invalid_utf8", "record is not valid UTF-8", raw);
    raw = Buffer.from(raw.toString("utf8"), "utf8");
    flags |= EveFlags.UTF8_REPLACED;
  }
  if (options?.validator === "json-parse") {
    return viaJsonParse(typeof line === "string" ? line : raw.toString("utf8"), raw, input, flags);
  }
  if (!scanJsonObject(raw, fields) || fields.tsKind === FieldKind.OTHER || fields.etKind === FieldKind.OTHER) {
    // Rare path: let JSON.parse produce the diagnostic (or accept what the scanner cannot, e.g. deep nesting,
    // and describe a non-string timestamp/event_type precisely).
    return viaJsonParse(raw.toString("utf8"), raw, input, flags);
  }
  return finishFromBytes(raw, flags);
}

const ANCHOR = Buffer.from('{"timestamp":');
const GLUE = Buffer.from("}{");
/** Give up splitting a glued line with more candidate cut points than this (then it is one malformed record). */
const MAX_CUTS = 64;

function candidateCuts(raw: Buffer): number[] {
  const cuts = new Set<number>([0]);
  for (let i = raw.indexOf(ANCHOR, 1); i !== -1 && cuts.size <= MAX_CUTS; i = raw.indexOf(ANCHOR, i + 1)) cuts.add(i);
  for (let i = raw.indexOf(GLUE); i !== -1 && cuts.size <= MAX_CUTS; i = raw.indexOf(GLUE, i + 1)) cuts.add(i + 1);
  return [...cuts].sort((a, b) => a - b);
}

function trimEnd(buf: Buffer): Buffer {
  let e = buf.length;
  while (e > 0 && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
  return e === buf.length ? buf : buf.subarray(0, e);
}

/**
 * Parses one line that may hold several records glued together (`{...}{...}`, or a truncated record followed by a
 * complete one, as left by a crash mid-write). The common single-record line costs one {@link parseEveLine} call.
 *
 * Splitting is tried only when the whole line is invalid JSON: cut points are every `{"timestamp":` and every
 * `}{`; from each cut the shortest piece that parses as a valid event is taken, and pieces that never parse are
 * reported as malformed. Split events carry `EveFlags.SPLIT_FROM_GLUED_LINE`; their `raw` is their own slice, so
 * their ids stay deterministic.
 *
 * @param line - one line (no terminator).
 * @param options - see {@link EveParseOptions}.
 * @param sink - called once per record, in line order.
 * @returns the number of results passed to `sink` (≥ 1).
 */
export function parseEveRecords(
  line: Buffer | string,
  options: EveParseOptions | undefined,
  sink: (result: EveParseResult) => void,
): number {
  const whole = parseEveLine(line, options);
  if (whole.ok || whole.reason !== "invalid_json") {
    sink(whole);
    return 1;
  }
  const raw = whole.raw;
  const cuts = candidateCuts(raw);
  if (cuts.length < 2 || cuts.length > MAX_CUTS) {
    sink(whole);
    return 1;
  }
  cuts.push(raw.length);
  let count = 0;
  let i = 0;
  while (i < cuts.length - 1) {
    let next = -1;
    for (let j = i + 1; j < cuts.length; j++) {
      const r = parseEveLine(trimEnd(raw.subarray(cuts[i], cuts[j])), options);
      if (r.ok) {
        sink((r as EveRecord).withFlags(EveFlags.SPLIT_FROM_GLUED_LINE));
        count++;
        next = j;
        break;
      }
    }
    if (next === -1) {
      next = i + 1;
      const piece = trimEnd(raw.subarray(cuts[i], cuts[next]));
      if (piece.length > 0) {
        sink(parseEveLine(piece, options));
        count++;
      }
    }
    i = next;
  }
  return count;
}
