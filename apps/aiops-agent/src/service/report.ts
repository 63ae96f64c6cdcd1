/**
 * The compact per-tick console line of `aiops-agent run --print-ticks` (one line per tick on stdout, so a
 * person can watch the agent collect and score).
 * @module
 */
import type { TickReport } from "./loop.js";

const short = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2) ? v.toExponential(2) : String(Math.round(v * 100) / 100));

/**
 * Formats a {@link TickReport}, e.g.
 * `tick 2 series=131 scored=36 warm=0/36(120) top=[0.31 soc_node_cpu_busy_ratio{cpu="0"}=0.05, …] anomalous=0 failures=- 3.1ms`.
 */
export function formatTickLine(r: TickReport): string {
  const top = r.top.map((s) => `${s.score.toFixed(2)} ${s.key}=${short(s.series.value)}`).join(", ");
  const anomalous = r.anomalous.length === 0 ? "0" : `${r.anomalous.length} (${r.anomalous.slice(0, 3).join(", ")}${r.anomalous.length > 3 ? ", …" : ""})`;
  return (
    `tick ${r.tick} series=${r.series} scored=${r.scored} warm=${r.warm}/${r.scored}(${r.warmupSamples}) top=[${top}] anomalous=${anomalous} ` +
    `failures=${r.failures.length === 0 ? "-" : r.failures.join(",")} ${r.durationMs.toFixed(1)}ms`
  );
}
