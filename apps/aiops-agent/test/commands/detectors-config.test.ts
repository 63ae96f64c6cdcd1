import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { HostSample } from "../../src/collect/types.js";
import { runAgent } from "../../src/commands/run/run.js";
import type { LoopLog, TickReport } from "../../src/service/loop.js";

const dir = mkdtempSync(join(tmpdir(), "aiops-detectors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder(): LoopLog & { lines: { level: string; obj: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Runs one tick of the agent with `detectors` as the config's apps.aiopsAgent.detectors (flow YAML). */
async function oneTick(detectors: string): Promise<{ log: ReturnType<typeof recorder>; report: TickReport }> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `version: 1\nproject: { name: d }\napps:\n  aiopsAgent:\n    collect: { hostProc: /proc }\n    detectors: ${detectors}\n`);
  const log = recorder();
  let report: TickReport | undefined;
  const collector = { collect: async (): Promise<HostSample> => ({ atMs: Date.now(), load: { load1: 1, load5: 1, load15: 1 } }) };
  const code = await runAgent(
    { configFile: file, env: {}, ticks: 1, interval: "1s", metricsPort: 0, metricsHost: "127.0.0.1" },
    { logFor: () => log, stdout: () => {}, signal: new AbortController().signal, collector, onTick: (r) => (report = r) },
  );
  expect(code).toBe(0);
  return { log, report: report! };
}

const running = (log: ReturnType<typeof recorder>) => log.lines.find((l) => l.msg === "aiops-agent running")?.obj;

describe("aiops-agent run: apps.aiopsAgent.detectors reaches the engine", () => {
  it("the defaults: threshold 0.65, every model on, no warning", async () => {
    const { log, report } = await oneTick("{}");
    expect(running(log)).toMatchObject({ scoreThreshold: 0.65, models: { adaptive: true, seasonal: true, changePoint: true }, scoring: true });
    expect(log.lines.filter((l) => l.level === "warn" && /detectors/.test(l.msg))).toEqual([]);
    expect(report.scored).toBe(1); // soc_node_load1
  });

  it("one model off is taken as configured (no warning), with the configured threshold", async () => {
    const { log } = await oneTick("{ seasonal: false, scoreThreshold: 0.8 }");
    expect(running(log)).toMatchObject({ scoreThreshold: 0.8, models: { adaptive: true, seasonal: false, changePoint: true }, scoring: true });
    expect(log.lines.filter((l) => l.level === "warn" && /detectors/.test(l.msg))).toEqual([]);
  });

  it("changePoint alone is warned about; all off scores nothing", async () => {
    const cp = await oneTick("{ adaptive: false, seasonal: false }");
    expect(cp.log.lines.filter((l) => l.level === "warn" && /detectors\.changePoint/.test(l.msg))).toHaveLength(1);
    const off = await oneTick("{ adaptive: false, seasonal: false, changePoint: false }");
    expect(running(off.log)).toMatchObject({ scoring: false });
    expect(off.report.scored).toBe(0);
  });
});
