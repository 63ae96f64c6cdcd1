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

/**
 * Writes every file of `files` under `outDir` (created with parents as needed), in sorted order.
 * @returns one entry per file, sorted by path
 * @throws {UnsafePathError} for a path outside `outDir`; file-system errors (EACCES, ENOSPC…) as thrown by node:fs
 */
export async function writeFiles(outDir: string, files: Map<string, string>): Promise<WrittenFile[]> {
  const root = path.resolve(outDir);
  const out: WrittenFile[] = [];
  for (const file of [...files.keys()].sort()) {
    const contents = files.get(file) as string;
    const absolute = path.resolve(root, file);
    if (path.isAbsolute(file) || !absolute.startsWith(root + path.sep)) throw new UnsafePathError(file);
    const before = await current(absolute);
    const bytes = Buffer.byteLength(contents);
    if (before === contents) {
      out.push({ file, absolute, status: "unchanged", bytes });
      continue;
    }
    await mkdir(path.dirname(absolute), { recursive: true });
    const tmp = `${absolute}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, contents, "utf8");
      await rename(tmp, absolute);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    out.push({ file, absolute, status: before === undefined ? "created" : "updated", bytes });
  }
  return out;
}
