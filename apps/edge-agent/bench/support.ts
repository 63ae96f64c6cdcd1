/**
 * Helpers of the end-to-end benchmark (`bench/run.ts`): the real-EVE input file, child processes pinned to a core
 * and sampled through `/proc/<pid>/status` (VmHWM = peak RSS, Linux proc(5)) and `/proc/<pid>/stat` (utime +
 * stime), and the line-appender used for the latency measurement.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** Real EVE files of `dir` (not the deliberately broken `malformed-*` fixtures), concatenated. */
export function realEve(dir: string): Buffer {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("malformed")).sort();
  if (files.length === 0) throw new Error(`no *.json EVE files in ${dir}`);
  return Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
}

/** First existing directory among the candidates. */
export function eveDir(candidates: readonly (string | undefined)[]): string {
  const dir = candidates.find((d): d is string => d !== undefined && existsSync(d));
  if (!dir) throw new Error("no EVE data directory found (pass --data-dir or set EVE_DATA_DIR)");
  return dir;
}

/** Writes `data` repeated until the file holds at least `bytes` bytes (whole copies, so lines stay intact). */
export async function writeRepeated(path: string, data: Buffer, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  while (written < bytes) {
    if (!out.write(data)) await once(out, "drain");
    written += data.length;
  }
  out.end();
  await once(out, "finish");
  return written;
}

/** A spawned child with its stdout lines and exit. */
export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Resolves with each stdout line in turn (`next()`), or all of stdout at exit (`stdout`). */
  nextLine(): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const live = new Set<ChildProcess>();

/** SIGTERMs every child started by {@link start} that has not exited (the benchmark's error path). */
export function stopAll(): void {
  for (const p of live) p.kill("SIGTERM");
}

/** Spawns `cmd args` with `taskset -c <core>` in front when `core` is given. */
export function start(cmd: string, args: readonly string[], opts: { core?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const full = opts.core === undefined ? [cmd, ...args] : ["taskset", "-c", String(opts.core), cmd, ...args];
  const proc = spawn(full[0] as string, full.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  proc.once("exit", () => live.delete(proc));
  let stdout = "";
  let stderr = "";
  const waiting: ((l: string) => void)[] = [];
  const lines: string[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on("line", (l) => {
    stdout += `${l}\n`;
    const w = waiting.shift();
    if (w) w(l);
    else lines.push(l);
  });
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 1 << 20) stderr = stderr.slice(-65536);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    proc.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    proc,
    pid: proc.pid as number,
    nextLine: () => {
      const l = lines.shift();
      if (l !== undefined) return Promise.resolve(l);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        void exited.then((e) => reject(new Error(`${cmd} exited (${e.code ?? e.signal}) before printing a line:\n${e.stderr.slice(-4000)}`)));
      });
    },
    exited,
  };
}

/** Peak RSS (VmHWM) and CPU time of a live process, as last sampled. */
export interface ProcSample {
  vmHwmBytes: number;
  vmRssBytes: number;
  cpuSeconds: number;
}

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux

function readProc(pid: number, into: ProcSample): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "latin1");
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    if (hwm) into.vmHwmBytes = Number(hwm[1]) * 1024;
    if (rss) into.vmRssBytes = Number(rss[1]) * 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    into.cpuSeconds = (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14, 15)
    return true;
  } catch {
    return false; // exited
  }
}

/** Samples `/proc/<pid>` every `everyMs` until stopped; VmHWM is monotonic, so the last sample is the peak so far. */
export function sampleProc(pid: number, everyMs = 20): { stop(): ProcSample; readonly last: ProcSample } {
  const last: ProcSample = { vmHwmBytes: 0, vmRssBytes: 0, cpuSeconds: 0 };
  readProc(pid, last);
  const t = setInterval(() => readProc(pid, last), everyMs);
  return {
    last,
    stop: () => {
      readProc(pid, last);
      clearInterval(t);
      return last;
    },
  };
}

/** EVE lines split around their `"timestamp":"…"` value, to be re-stamped with the time they are appended. */
export interface StampableLine {
  readonly head: string;
  readonly tail: string;
}

/** Lines of `data` that carry a top-level `"timestamp"` (the rest are skipped). */
export function stampable(data: Buffer, max = 20_000): StampableLine[] {
  const out: StampableLine[] = [];
  for (const line of data.toString("utf8").split("\n")) {
    const k = line.indexOf('"timestamp":"');
    if (!line.startsWith("{") || !line.endsWith("}") || k === -1) continue;
    const end = line.indexOf('"', k + 13);
    out.push({ head: line.slice(0, k + 13), tail: line.slice(end) });
    if (out.length >= max) break;
  }
  return out;
}

/** Suricata's timestamp format, e.g. `2026-12-03T09:22:03.123000+0000` (UTC). */
export function suricataTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000+0000`;
}

/**
 * Appends re-stamped lines to `path` at `ratePerSec` for `seconds`, in ticks of `tickMs`; each line's timestamp is
 * the wall-clock time of its write. Returns the number of lines written.
 */
export async function appendAtRate(path: string, lines: readonly StampableLine[], ratePerSec: number, seconds: number, tickMs = 10): Promise<number> {
  const t0 = Date.now();
  let written = 0;
  let i = 0;
  while (Date.now() - t0 < seconds * 1000) {
    const due = Math.floor(((Date.now() - t0) / 1000) * ratePerSec);
    if (due > written) {
      const ts = suricataTime(Date.now());
      let chunk = "";
      for (; written < due; written++) {
        const l = lines[i++ % lines.length] as StampableLine;
        chunk += `${l.head}${ts}${l.tail}\n`;
      }
      await appendFile(path, chunk);
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  return written;
}
