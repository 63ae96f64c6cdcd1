import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunOptionError, type RunOptions, runAgent } from "../../src/commands/run/run.js";
import type { LoopLog } from "../../src/service/loop.js";

// A fake host /proc as a container would see it bind-mounted at /host/proc: the host's counters, the host's
// PIDs, and the host's network in PID 1's namespace (`1/net/dev`), while `net/dev` (= self/net, the reader's
// own namespace) shows only the container's interface.
const dir = mkdtempSync(join(tmpdir(), "aiops-hostproc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hostProc = join(dir, "host", "proc");

const NETDEV = (iface: string, rx: number, tx: number) => `Inter-|   Receive |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0
  ${iface}: ${rx} 10 0 0 0 0 0 0 ${tx} 2 0 0 0 0 0 0
`;
mkdirSync(join(hostProc, "net"), { recursive: true });
writeFileSync(join(hostProc, "stat"), "cpu 4000 0 1000 95000 0 0 0 0\ncpu0 2000 0 500 47500 0 0 0 0\ncpu1 2000 0 500 47500 0 0 0 0\nprocs_running 7\nprocs_blocked 1\n");
writeFileSync(join(hostProc, "loadavg"), "3.25 2.50 1.75 7/412 99999\n");
writeFileSync(join(hostProc, "meminfo"), "MemTotal: 8000000 kB\nMemAvailable: 6000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n");
writeFileSync(join(hostProc, "diskstats"), " 179 0 mmcblk0 10 0 8 0 4 0 16 0 0 1500 0 0 0 0 0 0 0\n");
writeFileSync(join(hostProc, "net/dev"), NETDEV("ctr-eth0", 111, 11));
for (const pid of ["1", "2", "300", "4242", "31337"]) mkdirSync(join(hostProc, pid));
mkdirSync(join(hostProc, "1/net"));
writeFileSync(join(hostProc, "1/net/dev"), NETDEV("host-wlan0", 987654321, 123456789));

const config = join(dir, "config.yaml");
writeFileSync(config, `version: 1\nproject: { name: host-proc }\napps:\n  aiopsAgent:\n    collect: { hostProc: ${hostProc} }\n`);
const missingConfig = join(dir, "missing.yaml");
writeFileSync(missingConfig, `version: 1\nproject: { name: host-proc }\napps:\n  aiopsAgent:\n    collect: { hostProc: ${join(dir, "nope")} }\n`);

function recorder(): LoopLog & { lines: { level: string; obj: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Runs the agent (real host collector) until the first tick, scrapes /metrics once, stops. */
async function firstScrape(opts: Partial<RunOptions> & { configFile: string }): Promise<{ page: string; log: ReturnType<typeof recorder> }> {
  const log = recorder();
  const controller = new AbortController();
  let url = "";
  let page = "";
  const code = await runAgent(
    { env: {}, interval: "1s", metricsPort: 0, metricsHost: "127.0.0.1", ...opts },
    {
      logFor: () => log,
      stdout: () => {},
      signal: controller.signal,
      onListening: (u) => (url = u),
      onTick: () => {
        void fetch(`${url}/metrics`)
          .then(async (r) => (page = await r.text()))
          .finally(() => controller.abort());
      },
    },
  );
  expect(code).toBe(0);
  return { page, log };
}

const value = (page: string, series: string): number | undefined => {
  const line = page.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

function expectHostValues(page: string): void {
  expect(value(page, "soc_node_memory_total_bytes")).toBe(8000000 * 1024);
  expect(value(page, "soc_node_memory_available_bytes")).toBe(6000000 * 1024);
  expect(value(page, "soc_node_load1")).toBe(3.25);
  expect(value(page, "soc_node_procs_running")).toBe(7);
  expect(value(page, "soc_node_processes")).toBe(5);
  // network from the host's PID 1 namespace, not the container's own net/dev
  expect(value(page, 'soc_node_network_receive_bytes_total{device="host-wlan0"}')).toBe(987654321);
  expect(value(page, 'soc_node_network_transmit_bytes_total{device="host-wlan0"}')).toBe(123456789);
  expect(page).not.toContain("ctr-eth0");
  expect(value(page, 'soc_node_cpu_seconds_total{cpu="1",mode="user"}')).toBe(20);
}

describe("host visibility: the agent reads the proc root it is given", () => {
  it("collect.hostProc (a bind-mounted host /proc) feeds every per-tick series, network from <hostProc>/1/net/dev", async () => {
    const { page, log } = await firstScrape({ configFile: config });
    expect(value(page, `soc_aiops_collect_info{proc_root="${hostProc}"}`)).toBe(1);
    expectHostValues(page);
    expect(log.lines.find((l) => l.msg === "aiops-agent running")?.obj).toMatchObject({ procRoot: hostProc });
  });

  it("--proc-root overrides collect.hostProc", async () => {
    const { page } = await firstScrape({ configFile: missingConfig, procRoot: hostProc });
    expect(value(page, `soc_aiops_collect_info{proc_root="${hostProc}"}`)).toBe(1);
    expectHostValues(page);
  });

  it("a configured hostProc that does not exist falls back to /proc with a warning; an explicit --proc-root that does not exist is an error", async () => {
    const { page, log } = await firstScrape({ configFile: missingConfig });
    expect(value(page, 'soc_aiops_collect_info{proc_root="/proc"}')).toBe(1);
    expect(log.lines.filter((l) => l.level === "warn" && /hostProc/.test(l.msg)).map((l) => l.obj)).toEqual([{ hostProc: join(dir, "nope"), using: "/proc" }]);
    await expect(firstScrape({ configFile: config, procRoot: join(dir, "nope") })).rejects.toBeInstanceOf(RunOptionError);
  });
});
