import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The built CLI (turbo runs `build` before `test`).
const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "aiops-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, "config.yaml");
writeFileSync(
  config,
  `version: 1
project:
  name: aiops-run-test
apps:
  aiopsAgent:
    collect:
      interval: 10s
      hostProc: /proc
    detectors:
      static:
        - { name: LoadAbsurd, metric: soc_node_load1, op: ">", value: 100000 }
`,
);

/** promtool from Debian's `prometheus` package; missing → skip locally, fail under CI=true. */
const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const havePromtool = promtool.status === 0;
if (!havePromtool && process.env.CI === "true") throw new Error("promtool not found (apt-get install prometheus); required under CI=true");

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [cli, "run", "--config", config, "--metrics-host", "127.0.0.1", "--metrics-port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const logLines = (stderr: string) =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("aiops-agent run (built CLI, real host)", () => {
  it("`--ticks 2 --interval 1s` collects and scores twice, prints a line per tick and exits 0", async () => {
    const run = start(["--ticks", "2", "--interval", "1s"]);
    expect(await run.exit).toBe(0);
    const lines = run.stdout().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tick 1 series=\d+ scored=\d+ warm=0\/\d+\(120\) top=\[.*\] anomalous=0 failures=\S+ [\d.]+ms$/);
    // the second tick has rates and CPU ratios, which need two readings
    expect(lines[1]).toMatch(/^tick 2 series=\d+ scored=\d+ warm=0\/\d+\(120\) top=\[\d\.\d\d \S+=/);
    const [s1, s2] = lines.map((l) => Number(/series=(\d+)/.exec(l)![1]));
    expect(s2!).toBeGreaterThan(s1!);
    const logs = logLines(run.stderr());
    expect(logs.every((l) => typeof l.level === "number" && l.app === "aiops-agent")).toBe(true);
    expect(logs.map((l) => l.msg)).toContain("aiops-agent stopped");
  });

  it("serves /readyz after the first collection and a /metrics that promtool accepts; SIGTERM flushes and exits 0", async () => {
    const run = start(["--interval", "1s", "--print-ticks"]);
    try {
      await until("two ticks", () => /^tick 2 /m.test(run.stdout()));
      const running = logLines(run.stderr()).find((l) => l.msg === "aiops-agent running");
      const url = String(running?.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      const body = await (await fetch(`${url}/metrics`)).text();
      for (const name of ["soc_node_cpu_seconds_total", "soc_node_memory_available_bytes", "soc_node_load1", "soc_node_network_receive_bytes_total", "soc_node_disk_read_bytes_total", "soc_aiops_anomaly_score", "soc_aiops_ticks_total", "soc_aiops_tick_duration_seconds_bucket", "soc_aiops_alerts_firing"]) {
        expect(body, name).toContain(`\n${name}`);
      }
      expect(body).toMatch(/soc_aiops_anomaly_score\{series="soc_node_cpu_busy_ratio",cpu="all"\} [\d.e-]+/);
      if (havePromtool) {
        const check = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
        expect(check.stdout + check.stderr).toBe("");
        expect(check.status).toBe(0);
      }
    } finally {
      run.child.kill("SIGTERM");
    }
    expect(await run.exit).toBe(0);
    const msgs = logLines(run.stderr()).map((l) => l.msg);
    expect(msgs).toContain("signal received: stopping");
    expect(msgs).toContain("alert sink flushed and closed");
    expect(msgs.at(-1)).toBe("aiops-agent stopped");
  });

  it("exits 1 with the config error and no stack trace for a bad config; refuses intervals under 1s", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "version: 1\nproject: { name: x }\napps:\n  aiopsAgent:\n    detectors: { scoreThreshold: 7 }\n");
    const r = spawnSync(process.execPath, [cli, "run", "--config", bad, "--once"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/scoreThreshold/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const fast = spawnSync(process.execPath, [cli, "run", "--config", config, "--once", "--interval", "500ms"], { encoding: "utf8" });
    expect(fast.status).toBe(1);
    expect(fast.stderr).toMatch(/below the 1s minimum/);
  });
});
