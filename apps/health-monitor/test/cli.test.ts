import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CliEnv, type DockerEndpoint, EngineApiError, main, silentLog, VERSION } from "../src/index.js";
import { container, FakeEngine, waitFor } from "./support/fake-engine.js";
import { readFileSync } from "node:fs";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function env(engine: FakeEngine, argv: string[], vars: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const endpoints: DockerEndpoint[] = [];
  const e: CliEnv = {
    argv,
    env: vars,
    io: { out: (s) => void out.push(s), err: (s) => void err.push(s) },
    createEngine: async (ep) => {
      endpoints.push(ep);
      return engine;
    },
    createLog: () => silentLog,
    isSelf: () => false,
    shutdown: new AbortController().signal,
  };
  return { e, out, err, endpoints, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("health-monitor CLI (dist)", () => {
  it("accepts `run` as the daemon command compose-gen starts (`run --config <file>`), an alias of watch", () => {
    const out = execFileSync(process.execPath, [cli, "run", "--help"], { encoding: "utf8" });
    expect(out).toMatch(/^Usage: health-monitor watch\|run /m);
  });

  it("prints usage with --help and exits 0", () => {
    const out = execFileSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    expect(out).toMatch(/^Usage: health-monitor/m);
    expect(out).toMatch(/check \[options\]/);
    expect(out).toMatch(/audit \[options\]/);
    expect(out).toMatch(/watch\|run \[options\]/);
  });

  it("rejects an unknown option with exit code 1 and names it", () => {
    const r = spawnSync(process.execPath, [cli, "--bogus"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it("exits 2 with the reason when the engine socket does not exist", () => {
    const r = spawnSync(process.execPath, [cli, "check"], { encoding: "utf8", env: { ...process.env, DOCKER_HOST: "unix:///nonexistent/soc-hm.sock" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Docker engine at unix:///nonexistent/soc-hm.sock is unreachable: socket not found");
  });

  it("watch/run re-execute once with the daemon tuning (same pid); other commands and SOC_LAUNCH_TUNING=off do not", () => {
    // A preload in both images reports, at exit, the flags and variables the final image ran with.
    const report = `data:text/javascript,process.on("exit",()=>process.stderr.write("LAUNCH "+JSON.stringify({pid:process.pid,flags:process.execArgv.filter(a=>!a.startsWith("--import")&&!a.startsWith("data:")),arena:process.env.MALLOC_ARENA_MAX??null})+"\\n"))`;
    const launch = (args: string[], extra: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, ["--import", report, cli, ...args], {
        encoding: "utf8",
        env: { PATH: process.env["PATH"] ?? "", ...extra },
      });
      const lines = r.stderr.split("\n").filter((l) => l.startsWith("LAUNCH "));
      expect(lines, r.stderr).toHaveLength(1);
      return { spawnedPid: r.pid, ...(JSON.parse(lines[0]!.slice(7)) as { pid: number; flags: string[]; arena: string | null }) };
    };
    for (const cmd of ["watch", "run"]) {
      const r = launch([cmd, "--help"]);
      expect(r.pid).toBe(r.spawnedPid);
      expect(r.flags).toEqual(["--max-semi-space-size=1", "--no-opt", "--no-maglev"]);
      expect(r.arena).toBe("2");
    }
    expect(launch(["check", "--help"])).toMatchObject({ flags: [], arena: null });
    expect(launch(["watch", "--help"], { SOC_LAUNCH_TUNING: "off" })).toMatchObject({ flags: [], arena: null });
    // An operator's own value wins; only the missing flags are added.
    expect(launch(["watch", "--help"], { NODE_OPTIONS: "--max-semi-space-size=4" }).flags).toEqual(["--no-opt", "--no-maglev"]);
  });

  it("reports the package version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(execFileSync(process.execPath, [cli, "--version"], { encoding: "utf8" }).trim()).toBe(pkg.version);
  });
});

describe("health-monitor CLI (in-process)", () => {
  it("check: exit 0 when the selected containers are healthy, 1 otherwise, JSON on --json", async () => {
    const engine = new FakeEngine();
    engine.add(container("a1", "web", { health: "healthy", labels: { tier: "front" } }));
    engine.add(container("b2", "db", { health: "unhealthy" }));
    const ok = env(engine, ["check", "--label", "tier=front", "--no-stats"]);
    expect(await main(ok.e)).toBe(0);
    expect(ok.stdout()).toMatch(/^web\s+running\s+healthy/m);
    const bad = env(engine, ["check", "--json", "--no-stats"]);
    expect(await main(bad.e)).toBe(1);
    const j = JSON.parse(bad.stdout()) as { exitCode: number; containers: Array<{ name: string; verdict: string }> };
    expect(j.exitCode).toBe(1);
    expect(j.containers.map((c) => [c.name, c.verdict])).toEqual([["db", "fail"], ["web", "ok"]]);
  });

  it("check: exit 2 with JSON reason when the engine is down", async () => {
    const engine = new FakeEngine();
    engine.stop();
    const r = env(engine, ["check", "--json"]);
    expect(await main(r.e)).toBe(2);
    expect(JSON.parse(r.stdout())).toMatchObject({ exitCode: 2, error: "engine-unreachable", reason: "connection refused (ECONNREFUSED)" });
    expect(r.stderr()).toContain("unreachable");
  });

  it("check/audit: exit 2 when the engine refuses the calls (e.g. a socket proxy answering 403)", async () => {
    const engine = new FakeEngine();
    engine.list = async () => {
      throw new EngineApiError("list containers", 403, "forbidden by the proxy");
    };
    const c = env(engine, ["check", "--json"]);
    expect(await main(c.e)).toBe(2);
    expect(JSON.parse(c.stdout())).toMatchObject({ exitCode: 2, error: "engine-api-error", reason: "list containers: HTTP 403: forbidden by the proxy" });
    const a = env(engine, ["audit"]);
    expect(await main(a.e)).toBe(2);
    expect(a.stderr()).toContain("refused: list containers: HTTP 403");
  });

  it("takes the engine address from --host, then DOCKER_HOST, then the config default", async () => {
    const engine = new FakeEngine();
    const a = env(engine, ["--host", "tcp://10.0.0.5:2375", "check", "--no-stats"], { DOCKER_HOST: "unix:///x.sock" });
    await main(a.e);
    expect(a.endpoints[0]).toEqual({ kind: "tcp", host: "10.0.0.5", port: 2375, protocol: "http" });
    const b = env(engine, ["check", "--no-stats"], { DOCKER_HOST: "unix:///x.sock" });
    await main(b.e);
    expect(b.endpoints[0]).toEqual({ kind: "unix", socketPath: "/x.sock" });
    const c = env(engine, ["check", "--no-stats"]);
    await main(c.e);
    expect(c.endpoints[0]).toEqual({ kind: "unix", socketPath: "/var/run/docker.sock" });
    const d = env(engine, ["check"], { DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs" });
    await main(d.e);
    expect(d.endpoints[0]).toEqual({ kind: "tcp", host: "h", port: 2376, protocol: "https", tls: { ca: "/certs/ca.pem", cert: "/certs/cert.pem", key: "/certs/key.pem" } });
  });

  it("rejects a bad DOCKER_HOST, a bad label and a missing config file with exit 1", async () => {
    const engine = new FakeEngine();
    const a = env(engine, ["check"], { DOCKER_HOST: "ssh://me@host" });
    expect(await main(a.e)).toBe(1);
    expect(a.stderr()).toContain("unsupported scheme ssh://");
    const b = env(engine, ["check", "--label", "=x"]);
    expect(await main(b.e)).toBe(1);
    expect(b.stderr()).toContain("empty key");
    const c = env(engine, ["--config", "/nonexistent/soc.yaml", "check"]);
    expect(await main(c.e)).toBe(1);
    expect(c.stderr()).toMatch(/soc\.yaml/);
  });

  it("audit: formats and --fail-on", async () => {
    const engine = new FakeEngine();
    const priv = container("p1", "priv");
    priv.HostConfig = { Privileged: true };
    engine.add(priv);
    const s = env(engine, ["audit", "--format", "sarif"]);
    expect(await main(s.e)).toBe(0);
    expect(JSON.parse(s.stdout())).toMatchObject({ version: "2.1.0" });
    const f = env(engine, ["audit", "--format", "json", "--fail-on", "critical"]);
    expect(await main(f.e)).toBe(1);
    const bad = env(engine, ["audit", "--format", "xml"]);
    expect(await main(bad.e)).toBe(1);
    expect(bad.stderr()).toContain("Allowed choices are table, json, markdown, sarif");
  });

  it("watch: serves metrics and readiness, and shuts down on the signal", async () => {
    const engine = new FakeEngine();
    engine.add(container("a1", "web", { health: "healthy" }));
    const ac = new AbortController();
    const r = env(engine, ["watch", "--metrics-host", "127.0.0.1", "--metrics-port", "0", "--no-stats"]);
    r.e.shutdown = ac.signal;
    let url = "";
    const logged: string[] = [];
    r.e.createLog = () => ({
      ...silentLog,
      info: (obj, msg) => {
        logged.push(msg);
        if (msg === "health-monitor watching") url = String(obj["url"]);
      },
    });
    const done = main(r.e);
    await waitFor(() => url !== "" && engine.listCalls > 0, 5000, "watch listening");
    const ready = await waitFor(async () => {
      const res = await fetch(`${url}/readyz`);
      return res.status === 200 ? res : undefined;
    }, 5000, "ready");
    expect(ready?.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('soc_container_health_status{container="web",status="healthy"} 1');
    ac.abort();
    expect(await done).toBe(0);
    expect(engine.openStreams).toBe(0);
    expect(logged).toContain("stopped");
  });
  it("watch --autoheal-all --dry-run: would restart an unlabelled unhealthy container, never restarts", async () => {
    const engine = new FakeEngine();
    engine.add(container("a1", "web", { health: "unhealthy" }));
    engine.add(container("b2", "optout", { health: "unhealthy", labels: { "soc.autoheal": "false" } }));
    const ac = new AbortController();
    const r = env(engine, ["watch", "--autoheal-all", "--dry-run", "--grace-period", "0.01", "--metrics-host", "127.0.0.1", "--metrics-port", "0", "--no-stats"]);
    r.e.shutdown = ac.signal;
    const warned: Array<Record<string, unknown>> = [];
    r.e.createLog = () => ({ ...silentLog, warn: (obj, msg) => void (msg.includes("would restart") && warned.push(obj)) });
    const done = main(r.e);
    await waitFor(() => warned.length > 0, 5000, "dry-run decision");
    ac.abort();
    expect(await done).toBe(0);
    expect(warned.map((w) => w["container"])).toEqual(["web"]);
    expect(engine.restarts).toEqual([]);
  });
});
