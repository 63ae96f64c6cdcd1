/**
 * Memory probe preloaded into the agent by `bench/run.ts --mem-breakdown` (`NODE_OPTIONS=--import=…/bench/mem-probe.mjs`;
 * plain JavaScript so it needs no build step):
 * samples `process.memoryUsage()` (https://nodejs.org/api/process.html#processmemoryusage) and the V8 heap spaces
 * (`v8.getHeapSpaceStatistics()`) every 20 ms and, at exit, writes the peak of each (MiB) as JSON to the file named
 * by `EDGE_BENCH_MEM_OUT`. It explains a peak RSS: young generation (`new_space`), old generation, and
 * `arrayBuffers` (Buffers: read chunks, `_bulk` bodies) not yet collected. Peaks of different fields need not
 * coincide in time. A re-executed agent (`@soc/metrics/launch`) loads it again after the `execve`.
 */
import { writeFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

const out = process.env["EDGE_BENCH_MEM_OUT"];
/** @type {Record<string, number>} */
const peak = {};
const sample = () => {
  for (const [k, v] of Object.entries(process.memoryUsage())) peak[k] = Math.max(peak[k] ?? 0, v);
  for (const s of getHeapSpaceStatistics()) peak[`space:${s.space_name}`] = Math.max(peak[`space:${s.space_name}`] ?? 0, s.space_size);
};
if (out !== undefined) {
  setInterval(sample, 20).unref();
  process.on("exit", () => {
    sample();
    const mib = Object.fromEntries(Object.entries(peak).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v / 2 ** 20) * 10) / 10]));
    writeFileSync(out, JSON.stringify({ execArgv: process.execArgv, peakMiB: mib }));
  });
}
