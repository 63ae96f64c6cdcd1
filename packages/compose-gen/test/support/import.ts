/** Import helpers for the tests: import fixture files, regenerate Compose from the imported config. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { buildModel, COMPOSE_FILE, emitCompose, importCompose, parseComposeFile, type ComposeFile, type ImportResult } from "../../src/index.js";
import { COMPOSE_FIXTURES } from "./lint.js";

/** Parses fixture files by name. */
export const fixtureFiles = (...names: string[]): ComposeFile[] => names.map((n) => parseComposeFile(readFileSync(path.join(COMPOSE_FIXTURES, n), "utf8"), n));

/** Imports fixture files (in -f order), `extends.file` read from the fixtures folder. */
export function importFixtures(...names: string[]): ImportResult {
  return importCompose(fixtureFiles(...names), {
    projectName: "fixture",
    readExtendsFile: (f) => parseComposeFile(readFileSync(path.join(COMPOSE_FIXTURES, f), "utf8"), f),
  });
}

/**
 * The Compose document compose-gen generates from an imported config, as if `stack.yaml` sat in `configDir`
 * and the output went to `outDir` (so relative paths come out as they went in when both are the same folder's parent).
 */
export function regenerate(result: ImportResult, configDir: string, outDir: string): Record<string, unknown> {
  const model = buildModel(result.parsed, { baseDir: configDir, outDir });
  return parse(emitCompose(model).get(COMPOSE_FILE) as string) as Record<string, unknown>;
}
