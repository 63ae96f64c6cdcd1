/**
 * The one writer: puts emitted files (`Map<relative path, contents>`) under an output folder. Writes are
 * atomic (temp file + rename in the same folder) and skipped when the file already holds the same bytes, so
 * regenerating an unchanged config touches nothing (mtimes stay, file watchers stay quiet).
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** What {@link writeFiles} did with one file. */
export interface WrittenFile {
  /** Path relative to the output folder (as in the input map). */
  file: string;
  /** Absolute path on disk. */
  absolute: string;
  status: "created" | "updated" | "unchanged";
  bytes: number;
}

/** Thrown when an emitted file name would escape the output folder (absolute path or `..`). */
export class UnsafePathError extends Error {
  override readonly name = "UnsafePathError";
  constructor(readonly file: string) {
    super(`refusing to write "${file}": emitted paths must stay inside the output folder`);
  }
}

async function current(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** How many files {@link writeFiles} reads/writes at once (a 1000-file Kubernetes output is IO-latency bound). */
export const WRITE_CONCURRENCY = 16;

/**
 * Writes every file of `files` under `outDir` (created with parents as needed). Every path is checked before
 * anything is written; files are then written up to {@link WRITE_CONCURRENCY} at a time, each atomically. On a
 * file-system error no further file is started, the ones in flight finish, and the first error is thrown.
 * @returns one entry per file, sorted by path
 * @throws {UnsafePathError} for a path outside `outDir` (nothing written); file-system errors (EACCES, ENOSPC…) as thrown by node:fs
 */
export async function writeFiles(outDir: string, files: Map<string, string>): Promise<WrittenFile[]> {
  const root = path.resolve(outDir);
  const names = [...files.keys()].sort();
  const targets = names.map((file) => {
    const absolute = path.resolve(root, file);
    if (path.isAbsolute(file) || !absolute.startsWith(root + path.sep)) throw new UnsafePathError(file);
    return absolute;
  });
  const dirs = new Map<string, Promise<unknown>>();
  const ensureDir = (dir: string): Promise<unknown> => {
    let made = dirs.get(dir);
    if (made === undefined) {
      made = mkdir(dir, { recursive: true });
      dirs.set(dir, made);
    }
    return made;
  };
  const writeOne = async (i: number): Promise<WrittenFile> => {
    const file = names[i] as string;
    const absolute = targets[i] as string;
    const contents = files.get(file) as string;
    const before = await current(absolute);
    const bytes = Buffer.byteLength(contents);
    if (before === contents) return { file, absolute, status: "unchanged", bytes };
    await ensureDir(path.dirname(absolute));
    const tmp = `${absolute}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, contents, "utf8");
      await rename(tmp, absolute);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { file, absolute, status: before === undefined ? "created" : "updated", bytes };
  };
  const out: WrittenFile[] = new Array(names.length);
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < names.length) {
      const i = next++;
      try {
        out[i] = await writeOne(i);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, names.length) }, worker));
  if (failed !== undefined) throw failed.err;
  return out;
}
