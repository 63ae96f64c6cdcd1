/**
 * A {@link WaitProgress} drawn with cli-progress (https://github.com/npkgz/cli-progress) on a stream (stderr in the
 * CLI): a bar of the wait's time budget with the domain's processing state. On a terminal it redraws in place; on
 * anything else it prints the bar as a line at start, every `nonTtyEveryMs` and at the end.
 * @module
 */
import cliProgress from "cli-progress";
import type { WaitProgress } from "./wait.js";

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Text before the bar, e.g. `waiting for ids2-soc`. */
  readonly label: string;
  /** Where to draw (a TTY gets in-place redraws). */
  readonly stream: NodeJS.WritableStream;
  /** Interval of line output when `stream` is not a TTY, in ms (default 30 000). */
  readonly nonTtyEveryMs?: number;
}

/**
 * Builds the progress bar. Values are seconds waited out of the time budget.
 * @returns a {@link WaitProgress}; `stop()` draws the final state and ends the line.
 */
export function createProgressBar(opts: ProgressBarOptions): WaitProgress {
  const bar = new cliProgress.SingleBar({
    format: `${opts.label} [{bar}] {value}/{total} s | {state}`,
    stream: opts.stream,
    noTTYOutput: true,
    notTTYSchedule: opts.nonTtyEveryMs ?? 30_000,
    hideCursor: true,
    barsize: 30,
    gracefulExit: false,
  }, cliProgress.Presets.shades_classic);
  let state = "";
  return {
    start(totalSeconds, s) {
      state = s;
      bar.start(totalSeconds, 0, { state });
    },
    update(elapsedSeconds, s) {
      state = s;
      bar.update(elapsedSeconds, { state });
    },
    stop() {
      bar.stop();
    },
  };
}
