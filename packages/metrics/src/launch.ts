// `@soc/metrics/launch`: start-up tuning of the long-running agents (V8 flags and malloc arenas), applied by
// the CLI re-executing itself once. No dependencies beyond Node's own; import it before anything heavy.
import { accessSync, constants } from "node:fs";

/** Start-up settings a daemon wants that can only be given when the process starts. */
export interface LaunchTuning {
  /**
   * V8/Node flags, e.g. `["--max-semi-space-size=1", "--no-opt"]`. A flag counts as given when the process
   * already has a flag of the same name — in its command line (`process.execArgv`) or in `NODE_OPTIONS`, with
   * `_` or `-`, negated or not (`--opt` and `--no-opt` are the same name) — so an operator's own choice wins.
   */
  readonly flags: readonly string[];
  /** Environment variables to set when they are unset, e.g. `{ MALLOC_ARENA_MAX: "2" }`. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The tuning of the SOC stack daemons (`health-monitor watch`, `aiops-agent run`): each item measured on
 * Node 24.22 as VmRSS of the running agent (numbers in the apps' README benchmark sections).
 * - `--max-semi-space-size=1`: the young generation's semi-spaces stay at 1 MiB instead of growing to 8 MiB
 *   each during start-up and staying committed (−5…−13 MB RSS; more, smaller scavenges).
 * - `--no-opt --no-maglev`: no optimizing compilers; hot code still tiers up from the Ignition interpreter to
 *   Sparkplug (https://v8.dev/blog/sparkplug). TurboFan's and Maglev's own machine code (≈7 MB of the `node`
 *   binary's text) is then never paged in, and RSS stops creeping up as functions get optimized. Both agents
 *   do little work per second: aiops-agent at a 1 s interval measured 0.72–0.89 % of a core with and without.
 * - `MALLOC_ARENA_MAX=2`: glibc otherwise gives each thread that allocates (V8's platform workers, libuv's
 *   pool) its own malloc arena of up to 64 MiB (https://www.gnu.org/software/libc/manual/html_node/Memory-Allocation-Tunables.html,
 *   `glibc.malloc.arena_max`). Ignored by other C libraries.
 *
 * `--no-opt` and `--no-maglev` are not accepted in `NODE_OPTIONS` (Node allows only some V8 flags there), which is why the
 * flags are applied by re-executing rather than by the container environment alone.
 */
export const DAEMON_TUNING: LaunchTuning = {
  flags: ["--max-semi-space-size=1", "--no-opt", "--no-maglev"],
  env: { MALLOC_ARENA_MAX: "2" },
};

/** Environment variable that turns the re-execution off (`SOC_LAUNCH_TUNING=off`). */
export const LAUNCH_TUNING_ENV = "SOC_LAUNCH_TUNING";
/** Set in the re-executed process; a second re-execution is never attempted when it is present. */
export const RELAUNCHED_ENV = "SOC_LAUNCH_TUNED";

/** What {@link relaunchPlan} reads: the parts of `process` a re-execution depends on. */
export interface LaunchState {
  /** `process.execPath`. */
  readonly execPath: string;
  /** `process.execArgv`: the Node/V8 flags given on the command line. */
  readonly execArgv: readonly string[];
  /** `process.argv`: `[execPath, script, ...args]`. */
  readonly argv: readonly string[];
  /** `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The `execve(2)` call {@link relaunchPlan} asks for. */
export interface RelaunchPlan {
  /** Program to execute (`execPath`). */
  readonly file: string;
  /** Its full argv: `[execPath, ...missing flags, ...execArgv, script, ...args]`. */
  readonly args: string[];
  /** Its environment: the current one plus the missing variables and {@link RELAUNCHED_ENV}. */
  readonly env: Record<string, string>;
  /** The flags and variables added, for a log line. */
  readonly added: string[];
}

/** `--no-opt`, `--opt`, `--max_semi_space_size=2` → `opt`, `opt`, `max-semi-space-size`. */
export function flagName(flag: string): string {
  const name = flag.replace(/^--?/, "").split("=", 1)[0]!.replaceAll("_", "-");
  return name.startsWith("no-") ? name.slice(3) : name;
}

/** The flags of a `NODE_OPTIONS` value (space-separated; double-quoted parts may contain spaces). */
export function splitNodeOptions(value: string | undefined): string[] {
  return [...(value ?? "").matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1]?.replace(/\\(.)/g, "$1") ?? m[2] ?? "");
}

/**
 * Decides whether the process should re-execute itself with the tuning (pure; no IO).
 * @returns the re-execution to perform, or `undefined` when every flag and variable is already given, when
 *   `SOC_LAUNCH_TUNING=off` (or `0`/`false`), or when this process is already the re-executed one.
 */
export function relaunchPlan(state: LaunchState, tuning: LaunchTuning): RelaunchPlan | undefined {
  const off = state.env[LAUNCH_TUNING_ENV]?.toLowerCase();
  if (off === "off" || off === "0" || off === "false" || state.env[RELAUNCHED_ENV] !== undefined) return undefined;
  const given = new Set([...state.execArgv, ...splitNodeOptions(state.env["NODE_OPTIONS"])].filter((f) => f.startsWith("-")).map(flagName));
  const flags = tuning.flags.filter((f) => !given.has(flagName(f)));
  const vars = Object.entries(tuning.env ?? {}).filter(([k]) => state.env[k] === undefined);
  if (flags.length === 0 && vars.length === 0) return undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of vars) env[k] = v;
  env[RELAUNCHED_ENV] = "1";
  return {
    file: state.execPath,
    args: [state.execPath, ...flags, ...state.execArgv, ...state.argv.slice(1)],
    env,
    added: [...flags, ...vars.map(([k, v]) => `${k}=${v}`)],
  };
}

/**
 * Whether the command line names one of the subcommands `commands` (e.g. `["watch", "run"]`): any argument
 * after the script equal to one of them. Deliberately loose (an option value spelled like a command also
 * matches), so a daemon is never missed; a one-shot command mistaken for one only gets the tuning.
 * @param argv `process.argv` (`[execPath, script, ...args]`).
 */
export function namesCommand(argv: readonly string[], commands: readonly string[]): boolean {
  return argv.slice(2).some((a) => commands.includes(a));
}

/** The parts of `process` {@link relaunchWithTuning} uses (`process` itself in the apps' entry points). */
export interface RelaunchableProcess extends LaunchState {
  /** `process.execve` (Node ≥ 22.15 / 23.11, POSIX only): replaces the process image, keeping its pid. */
  readonly execve?: (file: string, args?: readonly string[], env?: NodeJS.ProcessEnv) => never;
  /** `process.emitWarning`: how a relaunch that cannot happen is reported (on stderr, once). */
  readonly emitWarning: (warning: string, type?: string) => void;
}

/** Whether `file` is an executable file (`access(2)` with `X_OK`). */
function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false; // the caller goes on untuned and says so
  }
}

/**
 * Re-executes the process with the tuning when {@link relaunchPlan} asks for it, through `process.execve`
 * (https://nodejs.org/api/process.html#processexecvefile-args-env): same pid, same open stdio, so signals
 * from a supervisor, `docker stop` or a shell still reach the agent. Call it first thing in a CLI entry
 * point, before any other module is loaded or any handle is opened; it does not return when it re-executes.
 * Where `execve` is missing (Node < 22.15, Windows) the process goes on untuned. A failing `execve` aborts
 * Node (it cannot be caught), so the executable is checked first: when `execPath` is not executable the
 * process goes on untuned with a `SocLaunchWarning` (`proc.emitWarning`).
 * @returns `false` when the process was not re-executed.
 */
export function relaunchWithTuning(proc: RelaunchableProcess, tuning: LaunchTuning = DAEMON_TUNING): false {
  const plan = relaunchPlan(proc, tuning);
  if (plan === undefined || typeof proc.execve !== "function") return false;
  if (!executable(plan.file)) {
    proc.emitWarning(`not re-executed with ${plan.added.join(" ")}: ${plan.file} is not executable; running untuned`, "SocLaunchWarning");
    return false;
  }
  return proc.execve(plan.file, plan.args, plan.env);
}
