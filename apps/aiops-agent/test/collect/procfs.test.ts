import { describe, expect, it } from "vitest";
import {
  ProcParseError,
  countProcesses,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from "../../src/collect/procfs.js";
import { interfaceFilter, selectFilesystems } from "../../src/collect/filters.js";

// Excerpts in the formats of man 5 proc, taken from a Debian 12 VM and a Raspberry Pi 5 (diskstats).
const STAT = `cpu  26386 10 13334 3011109 348 0 91 679 0 0
cpu0 12033 0 5775 1507350 37 0 22 366 0 0
cpu1 14353 10 7559 1503759 311 0 69 313 0 0
intr 817357 0 0
ctxt 2023843
btime 1764745000
processes 25416
procs_running 3
procs_blocked 1
`;

describe("parseProcStat", () => {
  it("reads aggregate and per-CPU times in seconds and the task counts", () => {
    const s = parseProcStat(STAT);
    expect(s.cpus.map((c) => c.cpu)).toEqual(["all", "0", "1"]);
    expect(s.cpus[0]).toEqual({ cpu: "all", user: 263.86, nice: 0.1, system: 133.34, idle: 30111.09, iowait: 3.48, irq: 0, softirq: 0.91, steal: 6.79 });
    expect(s.cpus[2]!.nice).toBeCloseTo(0.1);
    expect(s.tasks).toEqual({ running: 3, blocked: 1 });
  });
  it("reads missing trailing columns (old kernels) as 0", () => {
    expect(parseProcStat("cpu 100 0 100 800\n").cpus[0]!.steal).toBe(0);
  });
  it("throws a ProcParseError naming the line when a field is not a number", () => {
    expect(() => parseProcStat("cpu 1 x 3 4\n")).toThrow(ProcParseError);
    expect(() => parseProcStat("intr 1\n")).toThrow(/no aggregate cpu line/);
  });
});

describe("parseLoadavg / parseMeminfo", () => {
  it("reads the three load averages", () => {
    expect(parseLoadavg("2.10 2.52 1.13 1/106 25416\n")).toEqual({ load1: 2.1, load5: 2.52, load15: 1.13 });
    expect(() => parseLoadavg("")).toThrow(ProcParseError);
  });
  it("converts kB to bytes and uses MemAvailable", () => {
    const m = parseMeminfo("MemTotal:  1000 kB\nMemFree:  100 kB\nMemAvailable:  600 kB\nSwapTotal: 50 kB\nSwapFree: 20 kB\nHugePages_Total: 0\n");
    expect(m).toEqual({ totalBytes: 1_024_000, availableBytes: 614_400, swapTotalBytes: 51_200, swapFreeBytes: 20_480 });
  });
  it("estimates available memory on kernels before 3.14 (no MemAvailable)", () => {
    const m = parseMeminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\n");
    expect(m.availableBytes).toBe(310 * 1024);
    expect(m.swapTotalBytes).toBe(0);
    expect(() => parseMeminfo("MemFree: 1 kB\n")).toThrow(/MemTotal/);
  });
});

describe("parseDiskstats", () => {
  const text = `   7       0 loop0 5 0 10 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 179       0 mmcblk0 44734 15631 3242362 11229 30366 48859 3680000 19214 0 10140 31805 9663 60 199848 926 4531 435
 179       2 mmcblk0p2 40000 15000 3000000 11000 30000 48000 3600000 19000 0 10000 31000
 254       0 vda 10 0 8 0 4 0 16 0 0 1500 0
 253       0 zram0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   8       1 sda1 1 0 0 0 0 0 0 0 0 0 0
 259       0 nvme0n1 1 0 2 0 3 0 4 0 0 5 0
 259       1 nvme0n1p1 1 0 2 0 3 0 4 0 0 5 0`;
  it("keeps whole disks, drops partitions/loop/zram, converts sectors and ms", () => {
    const d = parseDiskstats(text);
    expect(d.map((x) => x.device)).toEqual(["mmcblk0", "vda", "nvme0n1"]);
    expect(d[0]).toEqual({ device: "mmcblk0", reads: 44734, readBytes: 3242362 * 512, writes: 30366, writtenBytes: 3680000 * 512, ioTimeSeconds: 10.14 });
    expect(d[1]).toMatchObject({ readBytes: 4096, writtenBytes: 8192, ioTimeSeconds: 1.5 });
  });
  it("throws for a truncated line", () => {
    expect(() => parseDiskstats(" 8 0 sda 1 2 3")).toThrow(/14 fields/);
  });
});

describe("parseNetDev", () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 11641316    2446    0    0    0     0          0         0 11641316    2446    0    0    0     0       0          0
  eth0: 296142823    7924    3    4    0     0          0         0   645877    5073    5    6    0     0       0          0
br-c297027ec647:       0       0    0    0    0     0          0         0        0       0    0    2    0     0       0          0`;
  it("reads bytes, errors and drops and skips lo by default", () => {
    const n = parseNetDev(text);
    expect(n.map((x) => x.device)).toEqual(["eth0", "br-c297027ec647"]);
    expect(n[0]).toEqual({ device: "eth0", receiveBytes: 296142823, receiveErrors: 3, receiveDrops: 4, transmitBytes: 645877, transmitErrors: 5, transmitDrops: 6 });
    expect(n[1]!.transmitDrops).toBe(2);
  });
  it("applies the collect.interfaces filter", () => {
    expect(parseNetDev(text, interfaceFilter(["lo"])).map((x) => x.device)).toEqual(["lo"]);
    expect(parseNetDev(text, interfaceFilter([])).map((x) => x.device)).not.toContain("lo");
  });
});

describe("countProcesses / selectFilesystems", () => {
  it("counts only numeric proc entries", () => {
    expect(countProcesses(["1", "42", "self", "net", "1234", "thread-self", "12a"])).toBe(3);
  });
  it("keeps real filesystems by default and exactly the configured mounts otherwise", () => {
    const fs = (mountpoint: string, fstype: string, sizeBytes = 100) => ({ device: "d", fstype, mountpoint, sizeBytes, usedBytes: 10, availBytes: 80 });
    const list = [fs("/", "ext4"), fs("/dev/shm", "tmpfs"), fs("/boot/firmware", "vfat"), fs("/snap/x", "squashfs"), fs("/var/lib/docker/overlay2/abc/merged", "ext4"), fs("/empty", "ext4", 0), fs("/run", "tmpfs")];
    expect(selectFilesystems(list).map((f) => f.mountpoint)).toEqual(["/", "/boot/firmware"]);
    expect(selectFilesystems(list, ["/run", "/"]).map((f) => f.mountpoint)).toEqual(["/", "/run"]);
  });
});
