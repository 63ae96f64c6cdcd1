import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CollectError, HostCollector, type SlowProbes } from "../../src/collect/host-collector.js";

const NETDEV = (iface: string, rx: number) => `Inter-|   Receive |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0
  ${iface}: ${rx} 10 0 0 0 0 0 0 20 2 0 0 0 0 0 0
`;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A fake proc root: the agent's own namespace has `eth0`, "host PID 1" has `wlan0`. */
function fakeProc(withPid1Net = true): string {
  const root = mkdtempSync(join(tmpdir(), "aiops-proc-"));
  dirs.push(root);
  writeFileSync(join(root, "stat"), "cpu 100 0 50 850 0 0 0 0\ncpu0 100 0 50 850 0 0 0 0\nprocs_running 2\nprocs_blocked 0\n");
  writeFileSync(join(root, "loadavg"), "0.50 0.40 0.30 1/99 1234\n");
  writeFileSync(join(root, "meminfo"), "MemTotal: 2048 kB\nMemAvailable: 1024 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n");
  writeFileSync(join(root, "diskstats"), " 179 0 mmcblk0 10 0 8 0 4 0 16 0 0 1500 0 0 0 0 0 0 0\n");
  mkdirSync(join(root, "net"));
  writeFileSync(join(root, "net/dev"), NETDEV("eth0", 111));
  for (const pid of ["1", "17", "300"]) mkdirSync(join(root, pid));
  if (withPid1Net) {
    mkdirSync(join(root, "1/net"));
    writeFileSync(join(root, "1/net/dev"), NETDEV("wlan0", 222));
  }
  mkdirSync(join(root, "self"));
  return root;
}

const probes = (calls: string[], temperature: number | null = null): SlowProbes => ({
  async fsSize() {
    calls.push("fsSize");
    return [
      { device: "/dev/root", fstype: "ext4", mountpoint: "/", sizeBytes: 100, usedBytes: 40, availBytes: 55 },
      { device: "tmpfs", fstype: "tmpfs", mountpoint: "/run", sizeBytes: 10, usedBytes: 1, availBytes: 9 },
    ];
  },
  async cpuTemperature() {
    calls.push("temperature");
    return temperature;
  },
});

describe("HostCollector", () => {
  it("reads the proc root it is given, network from PID 1's namespace, and runs the slow probes on their cadence", async () => {
    const root = fakeProc();
    const calls: string[] = [];
    let now = 1_000_000;
    const c = new HostCollector({ procRoot: root, slowIntervalMs: 30_000, probes: probes(calls, 48.2), clock: () => now });
    const s = await c.collect();
    expect(s.atMs).toBe(1_000_000);
    expect(s.failures).toBeUndefined();
    expect(s.cpus?.map((x) => x.cpu)).toEqual(["all", "0"]);
    expect(s.load?.load1).toBe(0.5);
    expect(s.memory?.availableBytes).toBe(1024 * 1024);
    expect(s.processes).toBe(3);
    expect(s.disks?.map((d) => [d.device, d.readBytes])).toEqual([["mmcblk0", 4096]]);
    expect(s.network?.map((n) => [n.device, n.receiveBytes])).toEqual([["wlan0", 222]]);
    expect(s.filesystems?.map((f) => f.mountpoint)).toEqual(["/"]);
    expect(s.temperatureCelsius).toBe(48.2);
    now += 10_000;
    const s2 = await c.collect();
    expect(s2.filesystems).toBeUndefined();
    expect("temperatureCelsius" in s2).toBe(false);
    now += 20_000;
    await c.collect();
    expect(calls).toEqual(["fsSize", "temperature", "fsSize", "temperature"]);
  });

  it("falls back to <root>/net/dev when PID 1 is not visible", async () => {
    const c = new HostCollector({ procRoot: fakeProc(false), probes: probes([]) });
    expect((await c.collect()).network?.map((n) => n.device)).toEqual(["eth0"]);
  });

  it("reports a failing source as a CollectError and still returns the others", async () => {
    const root = fakeProc();
    rmSync(join(root, "diskstats"), { force: true });
    writeFileSync(join(root, "meminfo"), "garbage\n");
    const failing: SlowProbes = { fsSize: () => Promise.reject(new Error("df: timeout")), cpuTemperature: async () => null };
    const s = await new HostCollector({ procRoot: root, probes: failing }).collect();
    const bySource = Object.fromEntries((s.failures ?? []).map((f) => [f.source, f.error]));
    expect(Object.keys(bySource).sort()).toEqual(["diskstats", "fsSize", "meminfo"]);
    expect(bySource.diskstats).toBeInstanceOf(CollectError);
    expect(bySource.fsSize!.message).toMatch(/df: timeout/);
    expect(bySource.meminfo!.message).toMatch(/MemTotal/);
    expect(s.memory).toBeUndefined();
    expect(s.load?.load5).toBe(0.4);
    expect(s.temperatureCelsius).toBeNull();
  });
});
