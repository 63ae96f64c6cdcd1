/**
 * Agent overhead at a 1 s interval (issue 6: target < 2 % of one core, RSS < 80 MB).
 *
 * Starts the BUILT agent (`dist/cli.js run --interval 1s`, the real collector on this host's /proc, the
 * real detectors, /metrics scraped every 15 s like Prometheus) as a child process and samples it from the
 * outside once a second: CPU from `/proc/<pid>/stat` (utime + stime of the agent, plus cutime + cstime of
 * the `df`/`cat` children systeminformation spawns, in USER_HZ = 100 ticks) and RSS from
 * `/proc/<pid>/status` (VmRSS). Measuring from outside keeps this harness's own cost out of the numbers
 * (`process.cpuUsage()` can only see the calling process). The first 10 s (start-up, JIT) are reported
 * separately and left out of the steady-state averages.
 *
 * The agent is launched as a user launches it (`node dist/cli.js run …`, no `NODE_OPTIONS`): `run` then
 * re-executes itself once with `DAEMON_TUNING` of `@soc/metrics/launch` (same pid); `agentFlags` in the
 * output are the Node flags the sampled process really ran with (from `/proc/<pid>/cmdline`).
 *
 * Usage: `pnpm --filter aiops-agent build && pnpm --filter aiops-agent bench:overhead [-- --seconds 60]`
 * (or `AIOPS_OVERHEAD_SECONDS=60`; `bench:overhead:quick` is 60 s). Default 600 s.
 * `AIOPS_OVERHEAD_NODE_OPTIONS` becomes the agent's `NODE_OPTIONS` (e.g. `--max-semi-space-size=2`, which
 * then wins over the tuning's value); `AIOPS_OVERHEAD_UNTUNED=1` measures the agent with the tuning off
 * (`SOC_LAUNCH_TUNING=off`: Node defaults). Prints one JSON object.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const USER_HZ = 100;
const WARMUP_S = 10;
const arg = process.argv.indexOf("--seconds");
const seconds = Number(arg > 0 ? process.argv[arg + 1] : (process.env.AIOPS_OVERHEAD_SECONDS ?? 600));
if (!(seconds > WARMUP_S)) throw new Error(`--seconds must be more than ${WARMUP_S}, got ${seconds}`);

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
if (!existsSync(cli)) throw new Error(`${cli} not found: run \`pnpm --filter aiops-agent build\` first`);

const dir = mkdtempSync(join(tmpdir(), "aiops-overhead-"));
const config = join(dir, "config.yaml");
writeFileSync(config, "version: 1\nproject: { name: overhead-bench }\napps:\n  aiopsAgent:\n    collect: { interval: 1s, hostProc: /proc }\n");

/** CPU seconds of the process and of its reaped children, and RSS bytes. */
function probe(pid: number): { self: number; children: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields after "(comm)": state=0 … utime=11 stime=12 cutime=13 cstime=14
  const self = (Number(f[11]) + Number(f[12])) / USER_HZ;
  const children = (Number(f[13]) + Number(f[14])) / USER_HZ;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  return { self, children, rss: rssKb * 1024 };
}

const nodeOptions = process.env.AIOPS_OVERHEAD_NODE_OPTIONS ?? "";
const untuned = process.env.AIOPS_OVERHEAD_UNTUNED === "1";
const child = spawn(process.execPath, [cli, "run", "--config", config, "--metrics-host", "127.0.0.1", "--metrics-port", "0", "--log-level", "info"], {
  stdio: ["ignore", "ignore", "pipe"],
  env: {
    ...process.env,
    NODE_OPTIONS: nodeOptions,
    MALLOC_ARENA_MAX: undefined,
    SOC_LAUNCH_TUNED: undefined,
    SOC_LAUNCH_TUNING: untuned ? "off" : undefined,
  },
});
let stderr = "";
child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
const pid = child.pid!;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let url: string | undefined;
for (let i = 0; i < 200 && url === undefined; i++) {
  await sleep(50);
  url = /"url":"(http:[^"]+)"/.exec(stderr)?.[1];
}
if (url === undefined) throw new Error(`agent did not start:\n${stderr}`);

const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
const agentFlags = cmdline.slice(1, cmdline.indexOf(cli));
const t0 = performance.now();
const start = probe(pid);
let steady: ReturnType<typeof probe> | undefined;
let steadyAt = 0;
const rss: number[] = [];
let scrapes = 0;
let scrapeBytes = 0;
for (let s = 1; s <= seconds; s++) {
  await sleep(t0 + s * 1000 - performance.now());
  const p = probe(pid);
  if (s === WARMUP_S) {
    steady = p;
    steadyAt = performance.now();
  }
  if (s > WARMUP_S) rss.push(p.rss);
  if (s % 15 === 0) {
    scrapeBytes = (await (await fetch(`${url}/metrics`)).text()).length;
    scrapes += 1;
  }
}
const end = probe(pid);
const wall = (performance.now() - steadyAt) / 1000;
child.kill("SIGTERM");
const code = await exited;
rmSync(dir, { recursive: true, force: true });

const base = steady!;
const pct = (x: number) => Math.round((x / wall) * 100 * 1000) / 1000;
const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
const ticks = Number(/"ticks":(\d+),"reason"/.exec(stderr)?.[1] ?? Number.NaN);
console.log(
  JSON.stringify({
    bench: "aiops-agent overhead",
    interval: "1s",
    seconds,
    steadySeconds: Math.round(wall),
    ticks,
    cores: cpus().length,
    cpuPercentOfOneCore: {
      agent: pct(end.self - base.self),
      spawnedChildren: pct(end.children - base.children),
      total: pct(end.self + end.children - base.self - base.children),
      startupSeconds: Math.round((base.self + base.children - start.self - start.children) * 100) / 100,
    },
    rssMB: { avg: mb(rss.reduce((a, b) => a + b, 0) / rss.length), peak: mb(Math.max(...rss)), atStart: mb(start.rss) },
    scrapes,
    metricsBytes: scrapeBytes,
    exitCode: code,
    nodeOptions,
    agentFlags,
    tuning: untuned ? "off" : "as launched",
    node: process.version,
  }),
);
