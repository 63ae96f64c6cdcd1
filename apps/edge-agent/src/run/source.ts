/**
 * Inputs of the run loop. An {@link InputSource} produces tailer-shaped events for one or more `Ingestor`s and
 * hands each to the pipeline's `feed`, awaiting it: when the batcher is full, `feed` does not resolve, so the
 * source stops reading (backpressure; the file is the last buffer). {@link FileSource} tails one EVE file with
 * rotation handling and owns its checkpoint file.
 * @module
 */
import { stat } from "node:fs/promises";
import type { Checkpoint } from "../input/checkpoint.js";
import { CheckpointStore } from "../input/checkpoint-store.js";
import { type TailEvent, tailFile } from "../input/tailer.js";
import { identityKey } from "../input/tailer-fs.js";
import type { Core } from "../options.js";
import { Ingestor } from "../pipeline/ingest.js";

/** Consumes one event for `ingestor`; resolves once its items are admitted to the batcher. */
export type SourceFeed = (ingestor: Ingestor, event: TailEvent) => Promise<void>;

/** One input of the pipeline. */
export interface InputSource {
  /** For logs and metrics (the file path or socket path). */
  readonly name: string;
  /**
   * Reads until the input ends (`--once`: end of file) or `signal` aborts, feeding every event to `feed` and
   * awaiting it.
   *
   * @throws input errors other than "file not found" (EACCES, EIO, EADDRINUSE…).
   */
  run(feed: SourceFeed, signal: AbortSignal): Promise<void>;
  /**
   * Persists the acknowledged position, if this input has one and it changed.
   *
   * @returns whether a file was written.
   * @throws the fs error of the checkpoint write.
   */
  saveCheckpoint(): Promise<boolean>;
  /** Bytes of the input not read yet (file size − read position), if known. */
  lagBytes(): Promise<number | undefined>;
}

/** The file identities of a checkpoint, offsets left out. */
const identitiesOf = (cp: Checkpoint): string => cp.files.map(identityKey).join("|");

/** Tails one EVE file; see the module documentation. */
export class FileSource implements InputSource {
  /** The tailed path. */
  readonly name: string;
  readonly ingestor: Ingestor;
  readonly #core: Core;
  readonly #store: CheckpointStore;
  readonly #resume: Checkpoint | undefined;
  readonly #follow: boolean;
  #lastSaved = "";
  /** {@link identitiesOf} the last checkpoint saved (or resumed from). */
  #savedIdentities = "";
  #queued: Promise<boolean> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #readIno = "";
  #readPos = 0;

  private constructor(core: Core, store: CheckpointStore, resume: Checkpoint | undefined, follow: boolean) {
    this.name = core.tailer.path;
    this.#core = core;
    this.#store = store;
    this.#resume = resume;
    this.#follow = follow;
    this.ingestor = new Ingestor(core);
    if (resume) {
      this.#lastSaved = JSON.stringify(resume);
      this.#savedIdentities = identitiesOf(resume);
    }
  }

  /**
   * Loads the checkpoint of `core.options.checkpointPath` and prepares the source.
   *
   * @param core - from `createCore` with this file's `evePath` and `checkpointPath`.
   * @param follow - keep following after EOF (daemon) or stop at EOF (`--once`).
   * @throws {CheckpointFormatError} if the checkpoint file exists but is invalid (the operator decides).
   */
  static async open(core: Core, follow: boolean): Promise<FileSource> {
    const store = new CheckpointStore(core.options.checkpointPath);
    return new FileSource(core, store, await store.load(), follow);
  }

  /**
   * See {@link InputSource.run}. Besides the periodic saves of the pipeline, the checkpoint is saved at once whenever
   * the set of file identities in it changes (a file opened, a truncation, the head fingerprint of a young file
   * growing): without that, an agent killed before its first periodic save, followed by a rotation before the
   * restart, would find no checkpoint and start at the new live file, losing the unread end of the rotated one.
   */
  async run(feed: SourceFeed, signal: AbortSignal): Promise<void> {
    const tail = tailFile({ ...this.#core.tailer, ...(this.#resume ? { checkpoint: this.#resume } : {}), follow: this.#follow, signal });
    let lastKey = "";
    for await (const ev of tail) {
      let identityEvent = ev.type === "open" || ev.type === "truncated";
      if (ev.type === "data") {
        if (ev.file.path === this.name) {
          this.#readIno = ev.file.ino;
          this.#readPos = ev.offset + ev.data.length;
        }
        const key = identityKey(ev.file);
        identityEvent = key !== lastKey;
        lastKey = key;
      }
      await feed(this.ingestor, ev);
      if (identityEvent && identitiesOf(this.ingestor.checkpoint()) !== this.#savedIdentities) {
        // A failed write is not lost: the checkpoint still differs from the last one saved, so the pipeline's next
        // periodic save writes it again, and logs and counts the error if it persists.
        await this.saveCheckpoint().catch(() => false);
      }
    }
  }

  /**
   * See {@link InputSource.saveCheckpoint}. Saves run one at a time in call order; a call while one is waiting to
   * start joins it. Nothing is written before the first file was opened (an empty checkpoint would erase the
   * resume point of a previous run).
   */
  saveCheckpoint(): Promise<boolean> {
    if (this.#queued) return this.#queued;
    const next = this.#chain.then(async () => {
      this.#queued = undefined;
      const cp = this.ingestor.checkpoint();
      if (cp.files.length === 0) return false;
      const text = JSON.stringify(cp);
      if (text === this.#lastSaved) return false;
      await this.#store.save(cp);
      this.#lastSaved = text;
      this.#savedIdentities = identitiesOf(cp);
      return true;
    });
    this.#queued = next;
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** See {@link InputSource.lagBytes}: size of the live file minus the read position when it is the file being read. */
  async lagBytes(): Promise<number | undefined> {
    try {
      const st = await stat(this.name, { bigint: true });
      const size = Number(st.size);
      return String(st.ino) === this.#readIno ? Math.max(0, size - this.#readPos) : size;
    } catch {
      return undefined; // not there (yet): no lag to report
    }
  }
}
