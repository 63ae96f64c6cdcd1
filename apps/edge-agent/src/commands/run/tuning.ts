/**
 * Start-up tuning of `edge-agent run` (applied by `cli.ts` re-executing itself once through
 * `relaunchWithTuning` of `@soc/metrics/launch`). No runtime imports: it is loaded before anything else.
 * @module
 */
import type { LaunchTuning } from "@soc/metrics/launch";

/**
 * The edge agent's tuning. Unlike `DAEMON_TUNING` (the stack's idle daemons) the edge agent is throughput bound
 * (≥ 150k EVE events/s with full validation and deterministic ids on one core), so the optimizing compilers
 * (TurboFan, Maglev) stay on: `--no-opt --no-maglev` would cost most of its throughput.
 *
 * - `--max-semi-space-size=2`: Node 24 on a host with several GiB of RAM lets each of the young generation's two
 *   semi-spaces grow to 64 MiB. The agent allocates fast (objects and an id string per event), so the young
 *   generation reaches that at once and stays committed: `new_space` measured 128 MiB of a ~300 MiB peak RSS in the
 *   500 MiB `--once` gzip benchmark (`pnpm --filter edge-agent bench`). Three interleaved rounds on a shared 2-vCPU
 *   VM (Node 24.22, load 3–6 from other jobs), untuned / 2 / 4 / 8 MiB per semi-space: peak RSS 292–315 /
 *   191–193 / 196–226 / 204–228 MiB; events per CPU-second 105.8k–135.3k / 122.8k–142.7k / 109.2k–139.2k /
 *   104.3k–138.4k. 2 MiB was at least as fast as untuned in every round (more, smaller scavenges cost no more
 *   than touching a 128 MiB young generation), and the smallest RSS. https://v8.dev/blog/orinoco-parallel-scavenger
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (V8's platform workers doing concurrent marking
 *   and sweeping, libuv's pool doing the file reads) its own malloc arena of up to 64 MiB; two arenas bound that
 *   (https://www.gnu.org/software/libc/manual/html_node/Memory-Allocation-Tunables.html, `glibc.malloc.arena_max`),
 *   as in the stack's `DAEMON_TUNING`. Not measured apart from the flag above (both are applied together); ignored
 *   by other C libraries.
 * - `--expose-gc`: makes V8's `gc()` available for the opt-in `apps.edgeAgent.memory.collectEvery`
 *   (`run/gc-pacer.ts`: full collections paced by memory growth, RSS near the live data for some CPU). Nothing else
 *   calls it; with the setting off (the default) it changes nothing.
 *
 * `SOC_LAUNCH_TUNING=off` turns the re-execution off; a flag the operator gives (on the command line or in
 * `NODE_OPTIONS`, e.g. `--max-semi-space-size=8`) or a variable already set wins over these values.
 */
export const EDGE_RUN_TUNING: LaunchTuning = {
  flags: ["--max-semi-space-size=2", "--expose-gc"],
  env: { MALLOC_ARENA_MAX: "2" },
};

/**
 * Whether the command line runs the `run` command: its first argument after the script that is not an option is
 * `run` (the root command has no option taking a value). Pure.
 *
 * @param argv - `process.argv` (`[execPath, script, ...args]`).
 */
export function isRunCommand(argv: readonly string[]): boolean {
  return argv.slice(2).find((a) => !a.startsWith("-")) === "run";
}
