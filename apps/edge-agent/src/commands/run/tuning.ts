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
 *   semi-spaces grow to 64 MiB. The agent allocates fast (one object and one id string per event), so the young
 *   generation grows to its limit at once and stays committed: `new_space` measured 128 MiB of the 305 MiB peak
 *   RSS of `pnpm --filter edge-agent bench` (500 MiB of real EVE, `--once`, gzip). At 2 MiB per semi-space it
 *   is 4.8 MiB; peak RSS fell to 225 MiB at an unchanged rate of events per CPU-second within run-to-run noise
 *   (see the README's Performance section for the repeated runs). 4 MiB measured the same RSS (227 MiB) and
 *   no better throughput, so the smaller value is used. https://v8.dev/blog/orinoco-parallel-scavenger
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (V8's platform workers, libuv's pool: zlib for
 *   the gzip of `_bulk` bodies runs there) its own malloc arena of up to 64 MiB; two arenas bound that
 *   (https://www.gnu.org/software/libc/manual/html_node/Memory-Allocation-Tunables.html, `glibc.malloc.arena_max`).
 *   Ignored by other C libraries.
 *
 * `SOC_LAUNCH_TUNING=off` turns the re-execution off; a flag the operator gives (on the command line or in
 * `NODE_OPTIONS`, e.g. `--max-semi-space-size=8`) or a variable already set wins over these values.
 */
export const EDGE_RUN_TUNING: LaunchTuning = {
  flags: ["--max-semi-space-size=2"],
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
