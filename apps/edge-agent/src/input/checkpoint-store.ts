/**
 * Durable checkpoint persistence (IO adapter).
 *
 * {@link writeFileAtomic}: write a temp file in the same directory, fsync it, rename it over the target, fsync the
 * directory. A crash leaves either the old or the new file, never a torn one: rename(2) replaces the target
 * atomically (POSIX), fsync of the temp file makes its content durable before the rename, and fsync of the
 * directory makes the rename itself durable (see the fsync(2) man page: syncing a file does not sync its
 * directory entry).
 * @module
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Checkpoint, CheckpointFormatError, validateCheckpoint } from "./checkpoint.js";

/**
 * Atomically replaces `path` with `data`.
 *
 * @param path - target file; its directory must exist.
 * @param data - full new content.
 * @throws the underlying `fs` error (ENOENT, EACCES, ENOSPC…) after removing the temp file.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fh = await open(tmp, "w", 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined); // best effort: the original error is what matters
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const dh = await open(dir, "r");
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Loads and saves one checkpoint file. */
export class CheckpointStore {
  /** @param path - checkpoint file, e.g. `/var/lib/edge-agent/eve.checkpoint.json`. */
  constructor(readonly path: string) {}

  /**
   * Reads the checkpoint.
   *
   * @returns the checkpoint, or `undefined` if the file does not exist (first start).
   * @throws {CheckpointFormatError} if the file exists but is not a valid checkpoint (never silently reset:
   *   re-reading from 0 or from the end would duplicate or lose data, so the operator decides).
   */
  async load(): Promise<Checkpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CheckpointFormatError(`not JSON: ${(err as Error).message}`, this.path);
    }
    return validateCheckpoint(value, this.path);
  }

  /** Atomically writes `checkpoint` (see {@link writeFileAtomic}). */
  async save(checkpoint: Checkpoint): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(checkpoint)}\n`);
  }
}
