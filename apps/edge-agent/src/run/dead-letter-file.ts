/**
 * The dead-letter file (IO adapter): appends `formatDeadLetter` lines to one NDJSON file and makes them durable
 * (`fdatasync`) before the caller acknowledges the records, so a line is never both skipped by the checkpoint and
 * missing from the dead-letter file. Writes are serialised in call order.
 * @module
 */
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { type DeadLetterEntry, formatDeadLetter } from "../ship/dead-letter.js";

/** Where dead-lettered records go. */
export interface DeadLetterSink {
  /**
   * Appends entries durably.
   *
   * @throws the fs error (ENOSPC, EACCES, EIO); the records must then not be acknowledged.
   */
  write(entries: readonly DeadLetterEntry[]): Promise<void>;
  /** Flushes and closes. */
  close(): Promise<void>;
}

/** {@link DeadLetterSink} on an append-only file. */
export class DeadLetterFile implements DeadLetterSink {
  readonly #fh: FileHandle;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    /** The file path. */
    readonly path: string,
    fh: FileHandle,
  ) {
    this.#fh = fh;
  }

  /**
   * Opens (creating it and its directory) `path` for appending.
   *
   * @throws the fs error if the directory cannot be created or the file opened.
   */
  static async open(path: string): Promise<DeadLetterFile> {
    await mkdir(dirname(path), { recursive: true });
    return new DeadLetterFile(path, await open(path, "a", 0o640));
  }

  /** See {@link DeadLetterSink.write}. */
  write(entries: readonly DeadLetterEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    if (this.#closed) return Promise.reject(new Error(`dead-letter file ${this.path} is closed`));
    const data = Buffer.concat(entries.map(formatDeadLetter));
    const run = this.#chain.then(async () => {
      await this.#fh.write(data);
      await this.#fh.datasync();
    });
    this.#chain = run.catch(() => undefined); // the caller gets the error from `run`; later writes still run
    return run;
  }

  /** See {@link DeadLetterSink.close}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#chain;
    await this.#fh.close();
  }
}
