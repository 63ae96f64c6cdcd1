/**
 * Reassembles line-aligned chunks from a byte stream whose reads split lines anywhere (Suricata's `unix_stream`
 * EVE output, a pipe, stdin). Output chunks have the tailer's shape (`data` ends with `\n` when `complete`), so the
 * same framing and `Ingestor` apply. Memory is bounded by `maxLineBytes`: a longer line is passed on in pieces with
 * `complete: false` (they become malformed records) instead of growing without limit.
 * @module
 */

/** A line-aligned piece of the stream. */
export interface AssembledChunk {
  /** Bytes; ends with `\n` when `complete`. */
  readonly data: Buffer;
  /** `false` for a piece of an over-long line, or the final partial line at end of stream. */
  readonly complete: boolean;
}

/** See the module documentation. Not re-entrant. */
export class LineAssembler {
  readonly #maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  /** @param maxLineBytes - longest partial line kept (default 1 MiB). */
  constructor(maxLineBytes = 1024 * 1024) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Bytes held while waiting for the end of a line. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Adds bytes read from the stream.
   *
   * @param chunk - any slice of the stream (not retained beyond the returned chunks and the partial tail).
   * @returns zero or more chunks, in stream order.
   */
  push(chunk: Buffer): AssembledChunk[] {
    const out: AssembledChunk[] = [];
    const nl = chunk.lastIndexOf(10);
    if (nl === -1) {
      this.#hold(chunk, out);
      return out;
    }
    const head = chunk.subarray(0, nl + 1);
    if (this.#pendingBytes > 0) {
      this.#pending.push(head);
      out.push({ data: Buffer.concat(this.#pending, this.#pendingBytes + head.length), complete: true });
      this.#pending = [];
      this.#pendingBytes = 0;
    } else {
      out.push({ data: head, complete: true });
    }
    if (nl + 1 < chunk.length) this.#hold(chunk.subarray(nl + 1), out);
    return out;
  }

  /** End of stream: returns the final partial line, if any, as an incomplete chunk. */
  end(): AssembledChunk | undefined {
    if (this.#pendingBytes === 0) return undefined;
    const data = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    return { data, complete: false };
  }

  #hold(part: Buffer, out: AssembledChunk[]): void {
    // Copy: the caller may reuse its read buffer.
    this.#pending.push(Buffer.from(part));
    this.#pendingBytes += part.length;
    if (this.#pendingBytes >= this.#maxLineBytes) {
      const data = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
      out.push({ data, complete: false });
    }
  }
}
