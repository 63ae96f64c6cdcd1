/**
 * File-system helpers of the tailer (IO): identity, siblings, resume planning, rotation and truncation checks.
 * @module
 */
import { open, readdir, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type FileCheckpoint, type FileIdentity, FINGERPRINT_BYTES, fingerprintHead, matchFile } from "./checkpoint.js";

/** Identity plus the path it was read from. */
export interface TailedFile extends FileIdentity {
  readonly path: string;
}

/** Options `plan` needs (a subset of `TailerOptions`). */
export interface PlanOptions {
  readonly path: string;
  readonly checkpoint?: { readonly files: readonly FileCheckpoint[] };
  readonly startAt?: "beginning" | "end";
  readonly maxLineBytes?: number;
}

/** Waits `ms`, or less if a waker is called or `signal` aborts. */
export const sleepOrWake = (ms: number, signal: AbortSignal | undefined, wakers: Set<() => void>): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      wakers.delete(done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
    signal?.addEventListener("abort", done, { once: true });
  });

/** First `FINGERPRINT_BYTES` bytes of an open file (fewer if it is shorter). */
export async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await fh.read(buf, 0, FINGERPRINT_BYTES, 0);
  return buf.subarray(0, bytesRead);
}

/** Identity (dev, inode, head fingerprint) of an open file, labelled with `path`. */
export async function identify(fh: FileHandle, path: string): Promise<TailedFile> {
  const st = await fh.stat({ bigint: true });
  return { path, dev: st.dev.toString(), ino: st.ino.toString(), ...fingerprintHead(await readHead(fh)) };
}

/** dev + inode of `path` as decimal strings, or `undefined` if it does not exist. @throws other fs errors. */
export async function statOrUndefined(path: string): Promise<{ dev: string; ino: string } | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    return { dev: st.dev.toString(), ino: st.ino.toString() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Opens `path` read-only, or `undefined` if it does not exist. @throws other fs errors (EACCES…). */
export async function openOrUndefined(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Rotated siblings of `path` in its directory (uncompressed only). */
export async function siblings(path: string): Promise<string[]> {
  const base = basename(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names
    .filter((n) => n !== base && (n.startsWith(`${base}.`) || n.startsWith(`${base}-`)) && !/\.(gz|xz|zst|bz2|tmp)$/.test(n))
    .sort()
    .map((n) => join(dirname(path), n));
}

/** One file to read at start-up, in order: checkpointed rotated files, unread generations, then the live file. */
export interface Plan {
  readonly path: string;
  readonly offset: number;
  readonly live: boolean;
  /** A checkpointed file found nowhere (deleted or compressed): reported, not read. */
  readonly missing?: boolean;
  /** For rotated files: `resume` (checkpointed) or `generation` (never opened before). */
  readonly reason?: "resume" | "generation";
  /**
   * The file this step means, as found when planning (the checkpoint entry, or the identity of an unread
   * generation): the path can name another file by the time the step runs (a rotation while an earlier step was
   * read), so the step is opened with {@link openPlanned}, which follows the identity.
   */
  readonly want?: FileCheckpoint;
  /** `want` is a checkpoint entry (not just the file found at the live path when planning). */
  readonly checkpointed?: boolean;
}

/**
 * Resolves a checkpoint into the files to read: each checkpointed file is looked up by identity under the live path
 * and its uncompressed siblings (`matchFile`), unread generations rotated after the newest of them follow, then the
 * live file (from its checkpointed offset, from 0, or from the aligned end with `startAt: "end"` and no checkpoint).
 */
export async function plan(options: PlanOptions): Promise<Plan[]> {
  const out: Plan[] = [];
  const saved = options.checkpoint?.files ?? [];
  let liveOffset: number | undefined;
  let liveWant: FileCheckpoint | undefined;
  const candidates = [options.path, ...(await siblings(options.path))];
  const matched = new Set<string>();
  /** mtime of the newest checkpointed file found as a rotated sibling (not the live path). */
  let backlogMtime: number | undefined;
  for (const s of saved) {
    let found = false;
    for (const p of candidates) {
      const fh = await openOrUndefined(p);
      if (!fh) continue;
      try {
        const st = await fh.stat({ bigint: true });
        const head = await readHead(fh);
        const m = matchFile(s, { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size), head });
        if (m.kind === "same") {
          matched.add(identityKey(await identify(fh, p)));
          if (p === options.path) {
            liveOffset = m.offset;
            liveWant = s;
          } else {
            out.push({ path: p, offset: m.offset, live: false, want: s });
            backlogMtime = Math.max(backlogMtime ?? 0, Number(st.mtimeMs));
          }
          found = true;
          break;
        }
      } finally {
        await fh.close();
      }
    }
    if (!found) out.push({ path: s.path, offset: s.offset, live: false, missing: true });
  }
  // Generations rotated away after the last checkpointed one and never opened (the agent was down or paused
  // across more than one rotation): read them whole, oldest first, before the live file.
  if (backlogMtime !== undefined && liveOffset === undefined) {
    for (const p of await unreadGenerations(options.path, backlogMtime, matched)) {
      const fh = await openOrUndefined(p);
      if (!fh) continue; // gone since it was listed: nothing left to read of it
      try {
        out.push({ path: p, offset: 0, live: false, reason: "generation", want: { ...(await identify(fh, p)), offset: 0 } });
      } finally {
        await fh.close();
      }
    }
  }
  if (liveOffset === undefined && saved.length === 0 && options.startAt === "end") {
    liveOffset = await alignedEnd(options.path, options.maxLineBytes ?? 1024 * 1024);
  }
  // The live file as it is now, when the checkpoint did not name it: if the earlier steps take long and it is rotated
  // meanwhile, the live step must still read it (then the new one), not open whatever "eve.json" is by then.
  const checkpointed = liveWant !== undefined;
  if (liveWant === undefined) {
    const fh = await openOrUndefined(options.path);
    if (fh) {
      try {
        liveWant = { ...(await identify(fh, options.path)), offset: liveOffset ?? 0 };
      } finally {
        await fh.close();
      }
    }
  }
  out.push({ path: options.path, offset: liveOffset ?? 0, live: true, ...(liveWant ? { want: liveWant, checkpointed } : {}) });
  return out;
}

/**
 * Opens the file a plan step means: `path` if it still is that file (`matchFile` says `same`), else the sibling of
 * `livePath` that is (it was renamed since the plan, e.g. `eve.json` → `eve.json.1`).
 *
 * @param livePath - the tailed path (its siblings are searched).
 * @param path - where the file was when planned.
 * @param want - the file (checkpoint entry or identity with offset 0).
 * @returns the open handle and the path it was found at, or `undefined` if it is nowhere (deleted, compressed).
 * @throws fs errors other than ENOENT.
 */
export async function openPlanned(livePath: string, path: string, want: FileCheckpoint): Promise<{ fh: FileHandle; path: string } | undefined> {
  for (const p of [path, ...[livePath, ...(await siblings(livePath))].filter((c) => c !== path)]) {
    const fh = await openOrUndefined(p);
    if (!fh) continue;
    let found = false;
    try {
      const st = await fh.stat({ bigint: true });
      found = matchFile(want, { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size), head: await readHead(fh) }).kind === "same";
    } finally {
      if (!found) await fh.close();
    }
    if (found) return { fh, path: p };
  }
  return undefined;
}

/** Offset just after the last newline within the final `maxBack` bytes of `path` (0 if absent): `startAt: "end"`. */
export async function alignedEnd(path: string, maxBack: number): Promise<number> {
  const fh = await openOrUndefined(path);
  if (!fh) return 0;
  try {
    const size = Number((await fh.stat()).size);
    const back = Math.min(size, maxBack);
    const buf = Buffer.alloc(back);
    await fh.read(buf, 0, back, size - back);
    const nl = buf.lastIndexOf(10);
    return nl === -1 ? size - back : size - back + nl + 1;
  } finally {
    await fh.close();
  }
}

/** Whether `path` now names a different inode than `file` (or nothing): a rename rotation happened. */
export async function isReplaced(path: string, file: TailedFile): Promise<boolean> {
  const st = await statOrUndefined(path);
  return st === undefined || st.dev !== file.dev || st.ino !== file.ino;
}

/** Whether the open file shrank below `pos` or its head no longer matches `file`'s fingerprint. */
export async function wasTruncated(fh: FileHandle, file: TailedFile, pos: number): Promise<boolean> {
  if (Number((await fh.stat()).size) < pos) return true;
  if (file.fingerprintBytes === 0) return false;
  const head = await readHead(fh);
  return fingerprintHead(head.subarray(0, file.fingerprintBytes)).fingerprint !== file.fingerprint || head.length < file.fingerprintBytes;
}

/** Key of a file identity within one process (device + inode + head fingerprint). */
export function identityKey(f: FileIdentity): string {
  return `${f.dev}:${f.ino}:${f.fingerprint}:${f.fingerprintBytes}`;
}

/**
 * Rotated generations that appeared after `closed` was renamed away and were not read yet: uncompressed
 * siblings of `path` modified at or after `closedMtimeMs`, not in `seen`, oldest first. When reading pauses for
 * longer than a rotation period (backpressure during an outage), the generation between the one being finished and
 * the live file is only reachable this way.
 */
export async function unreadGenerations(path: string, closedMtimeMs: number, seen: ReadonlySet<string>): Promise<string[]> {
  const found: { path: string; mtimeMs: number }[] = [];
  for (const p of await siblings(path)) {
    const fh = await openOrUndefined(p);
    if (!fh) continue;
    try {
      const st = await fh.stat();
      if (st.mtimeMs < closedMtimeMs) continue;
      const id = await identify(fh, p);
      if (!seen.has(identityKey(id))) found.push({ path: p, mtimeMs: st.mtimeMs });
    } finally {
      await fh.close();
    }
  }
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path)).map((f) => f.path);
}

/**
 * After a copytruncate of `file` at read position `pos`: the sibling that is a copy of the old content (same head,
 * at least `pos` bytes, another inode), so the lines written between the last read and the truncation can still be
 * read from it.
 */
export async function findTruncatedCopy(path: string, file: TailedFile, pos: number): Promise<string | undefined> {
  const saved: FileCheckpoint = { ...file, offset: pos };
  for (const p of await siblings(path)) {
    const fh = await openOrUndefined(p);
    if (!fh) continue;
    try {
      const st = await fh.stat({ bigint: true });
      if (st.dev.toString() === file.dev && st.ino.toString() === file.ino) continue;
      const m = matchFile(saved, { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size), head: await readHead(fh) });
      if (m.kind === "same") return p;
    } finally {
      await fh.close();
    }
  }
  return undefined;
}
