/**
 * Reading a config file from disk, refusing what is not a text config before any parsing: missing files,
 * directories, files over the size cap (checked with `fs.stat` before reading), NUL bytes, invalid UTF-8 and
 * empty files.
 */
import { open, stat } from "node:fs/promises";
import { formatBytes } from "../schema/primitives.js";
import { ConfigError } from "./errors.js";

/** Default size cap of a config file: 1 MiB (real stacks are a few KiB). */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

const fail = (file: string, code: string, message: string): never => {
  throw new ConfigError([{ file, path: "", code, message }]);
};

/**
 * Reads `file` as UTF-8 text (a leading BOM is dropped).
 * @param file path as the user gave it (used in messages).
 * @param maxBytes size cap in bytes.
 * @throws {ConfigError} `file_not_found`, `not_a_file`, `file_unreadable`, `file_too_large`, `binary_file`,
 *   `invalid_utf8` or `empty_file`.
 */
export async function readConfigText(file: string, maxBytes: number = DEFAULT_MAX_BYTES): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) fail(file, "not_a_file", "not a regular file");
    size = st.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(file, code === "ENOENT" ? "file_not_found" : "file_unreadable", code === "ENOENT" ? "no such file" : `cannot read: ${(err as Error).message}`);
  }
  if (size > maxBytes) fail(file, "file_too_large", `file is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} limit for a config file (not read)`);
  let buf: Buffer;
  try {
    // Read at most maxBytes + 1 bytes: the file may have grown since stat.
    const fh = await open(file, "r");
    try {
      const chunk = Buffer.alloc(Math.min(size, maxBytes) + 1);
      let got = 0;
      for (;;) {
        const { bytesRead } = await fh.read(chunk, got, chunk.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
        if (got === chunk.length) break;
      }
      buf = chunk.subarray(0, got);
    } finally {
      await fh.close();
    }
  } catch (err) {
    return fail(file, "file_unreadable", `cannot read: ${(err as Error).message}`);
  }
  if (buf.length > maxBytes) fail(file, "file_too_large", `file is over the ${formatBytes(maxBytes)} limit for a config file`);
  return decodeConfigBytes(buf, file);
}

/**
 * Decodes config bytes as UTF-8 text, refusing binary content.
 * @throws {ConfigError} `binary_file`, `invalid_utf8` or `empty_file`.
 */
export function decodeConfigBytes(buf: Uint8Array, file: string): string {
  const nul = buf.indexOf(0);
  if (nul !== -1) fail(file, "binary_file", `contains a NUL byte at offset ${nul}: this is a binary file, not YAML or JSON`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    return fail(file, "invalid_utf8", `is not valid UTF-8${at >= 0 ? ` (first bad byte at offset ${at})` : ""}: a config must be UTF-8 text, not binary data`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") fail(file, "empty_file", "file is empty: expected a mapping with at least `version: 1` and `project.name`");
  return text;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return -1;
}
