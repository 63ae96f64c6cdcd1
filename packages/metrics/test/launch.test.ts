// Start-up tuning: the pure re-execution plan, and one real re-execution of a Node child.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DAEMON_TUNING,
  LAUNCH_TUNING_ENV,
  type LaunchState,
  RELAUNCHED_ENV,
  flagName,
  namesCommand,
  relaunchPlan,
  relaunchWithTuning,
  splitNodeOptions,
} from "../src/launch.js";

const state = (over: Partial<LaunchState> = {}): LaunchState => ({
  execPath: "/usr/bin/node",
  execArgv: [],
  argv: ["/usr/bin/node", "/app/dist/cli.js", "watch", "--no-stats"],
  env: { PATH: "/usr/bin", HOME: "/root" },
  ...over,
});
const tuning = { flags: ["--max-semi-space-size=1", "--no-opt"], env: { MALLOC_ARENA_MAX: "2" } };

describe("flagName / splitNodeOptions", () => {
  it("names flags with _ or -, negated or not, with or without a value", () => {
    expect(flagName("--no-opt")).toBe("opt");
    expect(flagName("--opt")).toBe("opt");
    expect(flagName("--max_semi_space_size=4")).toBe("max-semi-space-size");
    expect(flagName("--max-semi-space-size=1")).toBe("max-semi-space-size");
  });
  it("splits NODE_OPTIONS like Node does, keeping double-quoted spaces", () => {
    expect(splitNodeOptions(undefined)).toEqual([]);
    expect(splitNodeOptions('  --max-old-space-size=64   --require "/a b/c.js" ')).toEqual(["--max-old-space-size=64", "--require", "/a b/c.js"]);
  });
});

describe("namesCommand", () => {
  it("finds the subcommand after the script, after global options too", () => {
    const daemon = ["watch", "run"];
    expect(namesCommand(["node", "cli.js", "watch"], daemon)).toBe(true);
    expect(namesCommand(["node", "cli.js", "run", "--config", "/etc/soc/config.yaml"], daemon)).toBe(true);
    expect(namesCommand(["node", "cli.js", "-H", "unix:///run/docker.sock", "watch", "--no-stats"], daemon)).toBe(true);
    expect(namesCommand(["node", "cli.js", "check", "--json"], daemon)).toBe(false);
    expect(namesCommand(["node", "watch"], daemon)).toBe(false);
  });
});

describe("relaunchPlan", () => {
  it("adds the missing flags before the current ones, keeps the script and its arguments, sets unset variables", () => {
    const plan = relaunchPlan(state({ execArgv: ["--enable-source-maps"] }), tuning);
    expect(plan).toEqual({
      file: "/usr/bin/node",
      args: ["/usr/bin/node", "--max-semi-space-size=1", "--no-opt", "--enable-source-maps", "/app/dist/cli.js", "watch", "--no-stats"],
      env: { PATH: "/usr/bin", HOME: "/root", MALLOC_ARENA_MAX: "2", [RELAUNCHED_ENV]: "1" },
      added: ["--max-semi-space-size=1", "--no-opt", "MALLOC_ARENA_MAX=2"],
    });
  });
  it("keeps an operator's own value of a flag, from the command line or NODE_OPTIONS, and of a variable", () => {
    const plan = relaunchPlan(state({ execArgv: ["--opt"], env: { NODE_OPTIONS: "--max_semi_space_size=4", MALLOC_ARENA_MAX: "8" } }), tuning);
    expect(plan).toBeUndefined();
    const some = relaunchPlan(state({ env: { NODE_OPTIONS: "--max-semi-space-size=2" } }), tuning);
    expect(some?.added).toEqual(["--no-opt", "MALLOC_ARENA_MAX=2"]);
    expect(some?.env["NODE_OPTIONS"]).toBe("--max-semi-space-size=2");
  });
  it("does nothing when switched off or when already re-executed (no loop)", () => {
    for (const off of ["off", "0", "false", "OFF"]) expect(relaunchPlan(state({ env: { [LAUNCH_TUNING_ENV]: off } }), tuning)).toBeUndefined();
    expect(relaunchPlan(state({ env: { [RELAUNCHED_ENV]: "1" } }), tuning)).toBeUndefined();
    expect(relaunchPlan(state({ env: { [LAUNCH_TUNING_ENV]: "on" } }), tuning)).toBeDefined();
  });
  it("drops unset variables from the new environment", () => {
    const plan = relaunchPlan(state({ env: { A: "1", B: undefined } }), tuning);
    expect(Object.keys(plan?.env ?? {}).sort()).toEqual(["A", "MALLOC_ARENA_MAX", RELAUNCHED_ENV]);
  });
});

describe("relaunchWithTuning", () => {
  it("returns false without execve (old Node, Windows) and when nothing is missing", () => {
    const quiet = { emitWarning: () => {} };
    expect(relaunchWithTuning({ ...state(), ...quiet }, tuning)).toBe(false);
    let called = 0;
    const execve = (() => {
      called += 1;
      throw new Error("unreachable");
    }) as unknown as (file: string) => never;
    expect(relaunchWithTuning({ ...state({ execArgv: ["--no-opt", "--max-semi-space-size=1"], env: { MALLOC_ARENA_MAX: "2" } }), execve, ...quiet }, tuning)).toBe(false);
    expect(called).toBe(0);
  });

  it("goes on untuned, with a warning, when the executable is missing (a failing execve would abort Node)", () => {
    const warnings: string[] = [];
    const execve = (() => {
      throw new Error("execve must not be called");
    }) as unknown as (file: string) => never;
    const missing = { ...state({ execPath: "/nonexistent/soc/node" }), execve, emitWarning: (m: string) => void warnings.push(m) };
    expect(relaunchWithTuning(missing, tuning)).toBe(false);
    expect(warnings).toEqual(["not re-executed with --max-semi-space-size=1 --no-opt MALLOC_ARENA_MAX=2: /nonexistent/soc/node is not executable; running untuned"]);
  });

  it("re-executes a real Node process once: same pid, flags in effect, variable set", () => {
    const launch = fileURLToPath(new URL("../src/launch.ts", import.meta.url));
    // The child prints its pid before the call (stderr) and its state after it (stdout, once: the first
    // image never gets past execve). new_space capacity shows --max-semi-space-size=1 took effect.
    const script = `
      import v8 from "node:v8";
      const { relaunchWithTuning, DAEMON_TUNING } = await import(${JSON.stringify(launch)});
      process.stderr.write("pid " + process.pid + "\\n");
      relaunchWithTuning(process, DAEMON_TUNING);
      const keep = [];
      for (let i = 0; i < 300000; i++) keep.push({ i, s: "x" + i });
      const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
      console.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX, newSpace: ns.space_size, n: keep.length }));
    `;
    const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: undefined, MALLOC_ARENA_MAX: undefined, [RELAUNCHED_ENV]: undefined, [LAUNCH_TUNING_ENV]: undefined };
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: env as NodeJS.ProcessEnv, timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const pids = [...r.stderr.matchAll(/^pid (\d+)$/gm)].map((m) => Number(m[1]));
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as { pid: number; execArgv: string[]; arena: string; newSpace: number };
    expect(pids).toEqual([out.pid, out.pid]);
    expect(out.execArgv.slice(0, DAEMON_TUNING.flags.length)).toEqual(DAEMON_TUNING.flags);
    expect(out.arena).toBe("2");
    expect(out.newSpace).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
