/**
 * A newline-delimited JSON splitter for the Engine API event stream. A network chunk can hold several
 * objects, half of one, or end inside a multi-byte UTF-8 character: bytes are buffered until a `\n`.
 * Pure (no IO). Format: https://github.com/ndjson/ndjson-spec
 */
import { StringDecoder } from "node:string_decoder";

/** A line that was not valid JSON, or was too long. */
export interface NdjsonProblem {
  kind: "invalid-json" | "line-too-long";
  /** The start of the offending line (at most 200 characters). */
  excerpt: string;
  message: string;
}

/** What one {@link NdjsonSplitter.push} produced. */
export interface NdjsonBatch {
  values: unknown[];
  problems: NdjsonProblem[];
}

/** Default longest accepted line: 1 MiB (an event is a few hundred bytes). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Stateful splitter: feed it chunks, get whole parsed values back. */
export class NdjsonSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private buffer = "";
  private discarding = false;

  /** @param maxLineChars longest line kept, in characters; longer lines are dropped and reported. */
  constructor(private readonly maxLineChars: number = DEFAULT_MAX_LINE_BYTES) {}

  /** Adds a chunk; returns the values of every line it completed and the problems found. */
  push(chunk: Buffer | string): NdjsonBatch {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const out: NdjsonBatch = { values: [], problems: [] };
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      this.parseLine(line, out);
    }
    if (this.buffer.length > this.maxLineChars && !this.discarding) {
      out.problems.push({ kind: "line-too-long", excerpt: this.buffer.slice(0, 200), message: `line longer than ${this.maxLineChars} characters dropped` });
      this.discarding = true;
    }
    if (this.discarding) this.buffer = "";
    return out;
  }

  /** Ends the stream: parses a last line without a trailing newline. */
  end(): NdjsonBatch {
    this.buffer += this.decoder.end();
    const out: NdjsonBatch = { values: [], problems: [] };
    if (!this.discarding) this.parseLine(this.buffer, out);
    this.buffer = "";
    this.discarding = false;
    return out;
  }

  /** Characters buffered waiting for a newline. */
  get pending(): number {
    return this.buffer.length;
  }

  private parseLine(raw: string, out: NdjsonBatch): void {
    const line = raw.trim();
    if (line === "") return;
    try {
      out.values.push(JSON.parse(line));
    } catch (err) {
      out.problems.push({ kind: "invalid-json", excerpt: line.slice(0, 200), message: (err as Error).message });
    }
  }
}
