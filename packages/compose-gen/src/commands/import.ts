/**
 * `compose-gen import a.yml [b.yml …]`: the IO edge of the importer. Reads the files (and files named by
 * `extends.file`, relative to the first file), prints the config YAML to stdout and the notes to stderr.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseComposeFile, type ComposeFile } from "../import/compose-yaml.js";
import { importCompose, renderImportedConfig } from "../import/import.js";

/** Inputs of {@link runImport}. */
export interface ImportCommandOptions {
  /** Project name (default: the Compose `name:` or the first file's folder name). */
  name?: string;
  write: (text: string) => void;
  warn: (line: string) => void;
}

/**
 * Imports `files` and prints the config.
 * @returns the exit code (0; failures throw)
 * @throws {ComposeParseError} / {ExtendsError} / {ConfigError} (see `importCompose`)
 */
export async function runImport(files: string[], opts: ImportCommandOptions): Promise<number> {
  const parsed = await Promise.all(files.map(async (f) => parseComposeFile(await readFile(f, "utf8"), path.basename(f))));
  const base = path.dirname(path.resolve(files[0] ?? "."));
  const readExtendsFile = (file: string): ComposeFile | undefined => {
    try {
      return parseComposeFile(readFileSync(path.resolve(base, file), "utf8"), file);
    } catch (err) {
      opts.warn(`warning: extends file ${file}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const result = importCompose(parsed, { projectName: opts.name ?? path.basename(base), readExtendsFile });
  opts.write(renderImportedConfig(result, parsed.map((f) => f.file)));
  for (const n of result.notes) opts.warn(`note: ${n.path}: ${n.message}`);
  return 0;
}
