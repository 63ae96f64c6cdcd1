/**
 * `edge-agent run` start-up: the edge tuning (commands/run/tuning.ts), which command lines get it, the run-only
 * command tree (commands/run/program.ts), and the built entry point re-executing itself with it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { relaunchPlan } from "@soc/metrics/launch";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProgram } from "../../src/cli-program.js";
import { createRunProgram } from "../../src/commands/run/program.js";
import { EDGE_RUN_TUNING, isRunCommand } from "../../src/commands/run/tuning.js";

const io = { out: () => undefined, err: () => undefined, setExitCode: () => undefined };
const state = (env: Record<string, string> = {}, execArgv: string[] = []) => ({
  execPath: "/usr/bin/node",
  execArgv,
  argv: ["/usr/bin/node", "/app/cli.js", "run", "--once"],
  env: { PATH: "/usr/bin", ...env },
});

describe("EDGE_RUN_TUNING", () => {
  it("keeps the optimizing compilers: a small young generation, gc() for memory.collectEvery, two malloc arenas", () => {
    const plan = relaunchPlan(state(), EDGE_RUN_TUNING);
    expect(plan?.args).toEqual(["/usr/bin/node", "--max-semi-space-size=2", "--expose-gc", "/app/cli.js", "run", "--once"]);
    expect(plan?.env["MALLOC_ARENA_MAX"]).toBe("2");
    expect(plan?.added.some((a) => /no-opt|no-maglev/.test(a))).toBe(false);
  });

  it("yields to the operator's own flag and variable, and to SOC_LAUNCH_TUNING=off", () => {
    expect(relaunchPlan(state({ MALLOC_ARENA_MAX: "4" }, ["--max-semi-space-size=16", "--expose-gc"]), EDGE_RUN_TUNING)).toBeUndefined();
    expect(relaunchPlan(state({ MALLOC_ARENA_MAX: "4" }, ["--max-semi-space-size=16"]), EDGE_RUN_TUNING)?.added).toEqual(["--expose-gc"]);
    expect(relaunchPlan(state({ NODE_OPTIONS: "--max_semi_space_size=8" }), EDGE_RUN_TUNING)?.added).toEqual(["--expose-gc", "MALLOC_ARENA_MAX=2"]);
    expect(relaunchPlan(state({ SOC_LAUNCH_TUNING: "off" }), EDGE_RUN_TUNING)).toBeUndefined();
  });
});

describe("isRunCommand", () => {
  it("is true only when the first non-option argument is run", () => {
    expect(isRunCommand(["node", "cli.js", "run", "--config", "soc.yaml"])).toBe(true);
    expect(isRunCommand(["node", "cli.js", "--no-color", "run"])).toBe(true);
    expect(isRunCommand(["node", "cli.js", "parse", "run"])).toBe(false); // a file named "run"
    expect(isRunCommand(["node", "cli.js", "help", "run"])).toBe(false);
    expect(isRunCommand(["node", "cli.js", "opensearch", "create-domain"])).toBe(false);
    expect(isRunCommand(["node", "cli.js"])).toBe(false);
  });
});

describe("createRunProgram", () => {
  it("registers run alone, with the same options as the full command tree", () => {
    const small = createRunProgram(io);
    const full = createProgram(io);
    expect(small.commands.map((c) => c.name())).toEqual(["run"]);
    const flags = (p: typeof small) => p.commands.find((c) => c.name() === "run")?.options.map((o) => o.flags);
    expect(flags(small)).toEqual(flags(full));
    expect(small.name()).toBe(full.name());
    expect(small.version()).toBe(full.version());
  });
});

describe("built entry point (dist/cli.js)", { timeout: 30_000 }, () => {
  const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
  let dir: string;
  beforeEach(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm --filter edge-agent build\` first`);
    dir = await mkdtemp(join(tmpdir(), "edge-launch-"));
    const hook = `process.on("exit", () => process.stderr.write("LAUNCH " + JSON.stringify([process.execArgv, process.env.MALLOC_ARENA_MAX ?? null]) + "\\n"));\n`;
    await writeFile(join(dir, "hook.mjs"), hook);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI with a preloaded hook that prints, at exit, the flags and MALLOC_ARENA_MAX the process ended with. */
  function launch(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; seen: string[] }> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SOC_") && k !== "MALLOC_ARENA_MAX" && k !== "NODE_OPTIONS"));
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...base, NODE_OPTIONS: `--import=${join(dir, "hook.mjs")}`, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => child.on("exit", (code) => resolve({ code, seen: stderr.split("\n").filter((l) => l.startsWith("LAUNCH ")) })));
  }

  it("re-executes run once with the edge tuning (same process), and leaves other commands alone", async () => {
    const run = await launch(["run", "--config", join(dir, "missing.yaml")]);
    expect(run.code).toBe(2); // the config file is missing: the run action itself answered, after the relaunch
    expect(run.seen).toEqual([`LAUNCH ${JSON.stringify([["--max-semi-space-size=2", "--expose-gc"], "2"])}`]);
    const parse = await launch(["parse", join(dir, "none.json"), "--json"]);
    expect(parse.code).toBe(2);
    expect(parse.seen).toEqual([`LAUNCH ${JSON.stringify([[], null])}`]);
  });

  it("runs as launched with SOC_LAUNCH_TUNING=off", async () => {
    const run = await launch(["run", "--config", join(dir, "missing.yaml")], { SOC_LAUNCH_TUNING: "off" });
    expect(run.code).toBe(2);
    expect(run.seen).toEqual([`LAUNCH ${JSON.stringify([[], null])}`]);
  });
});
