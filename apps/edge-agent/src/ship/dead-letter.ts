/**
 * Dead-letter records: one NDJSON line per event that could not be parsed or was refused by OpenSearch, so an
 * operator can see why and replay it. The original bytes are kept exactly: as `raw` when they are valid UTF-8,
 * otherwise as `raw_base64`.
 * @module
 */
import { isUtf8 } from "node:buffer";

/** One dead-lettered record. */
export interface DeadLetterEntry {
  /** When it was dead-lettered (ISO 8601, from the caller's clock). */
  readonly time: string;
  readonly sensorId: string;
  /** `parse`: malformed line; `index`: refused by OpenSearch. */
  readonly stage: "parse" | "index";
  /** `MalformedReason`, or the OpenSearch `error.type` (e.g. `mapper_parsing_exception`). */
  readonly reason: string;
  /** Human-readable detail (`error.reason`, JSON error message). */
  readonly detail: string;
  /** Source file and the offset just past the record's line, when known. */
  readonly file?: string;
  readonly offset?: number;
  /** Target index, id and item status for `stage: "index"`. */
  readonly index?: string;
  readonly id?: string;
  readonly status?: number;
  /** The record's bytes. */
  readonly raw: Buffer;
}

/**
 * Serialises an entry as one JSON line (with trailing `\n`).
 *
 * @returns `{"time",…,"raw":"<line>"}` or `…,"raw_base64":"…"` for invalid UTF-8.
 */
export function formatDeadLetter(entry: DeadLetterEntry): Buffer {
  const { raw, ...rest } = entry;
  const out: Record<string, unknown> = { ...rest };
  if (isUtf8(raw)) out["raw"] = raw.toString("utf8");
  else out["raw_base64"] = raw.toString("base64");
  return Buffer.from(`${JSON.stringify(out)}\n`, "utf8");
}

/** Thrown by {@link parseDeadLetter} on a line that is not a dead-letter record. */
export class DeadLetterFormatError extends Error {
  override readonly name = "DeadLetterFormatError";
}

/**
 * Reads one dead-letter line back (for replay tools and tests).
 *
 * @throws {DeadLetterFormatError} if the line is not JSON or lacks `reason`/`raw`.
 */
export function parseDeadLetter(line: string | Buffer): DeadLetterEntry {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line.toString()) as Record<string, unknown>;
  } catch (err) {
    throw new DeadLetterFormatError(`not JSON: ${(err as Error).message}`);
  }
  const raw =
    typeof v["raw"] === "string" ? Buffer.from(v["raw"], "utf8") : typeof v["raw_base64"] === "string" ? Buffer.from(v["raw_base64"], "base64") : undefined;
  if (raw === undefined || typeof v["reason"] !== "string") throw new DeadLetterFormatError("missing raw/raw_base64 or reason");
  const { raw: _r, raw_base64: _b, ...rest } = v;
  return { ...(rest as Omit<DeadLetterEntry, "raw">), raw };
}
