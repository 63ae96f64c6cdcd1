/** Running the built CLI in a child process, in a temporary working folder per test file. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";

/** The built CLI (turbo's test task builds first). */
export const CLI = path.resolve(import.meta.dirname, "../../dist/cli.js");

const run = promisify(execFile);

/** Exit code and output of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `compose-gen <args>` in `cwd`; a non-zero exit is returned, never thrown. */
export async function runCli(args: string[], cwd: string): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Registers hooks that create a temporary folder before the file's tests (failing early when the CLI is not
 * built) and remove it after; `dir` is valid inside tests.
 */
export function useCliWorkdir(prefix: string): { readonly dir: string } {
  let dir = "";
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @soc/compose-gen build\` first (turbo's test task does)`);
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { get dir() { return dir; } };
}
