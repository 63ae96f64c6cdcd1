/** The built CLI and the CJS build, run in child processes (`dist/` comes from `pnpm build`, which turbo runs before tests). */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixture, pkgRoot } from "./helpers.js";

const cli = join(pkgRoot, "dist", "cli.js");

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { PATH: process.env["PATH"] ?? "", ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli) || !existsSync(join(pkgRoot, "dist", "index.cjs"))) {
    execFileSync(join(pkgRoot, "node_modules", ".bin", "tsup"), { cwd: pkgRoot, stdio: "ignore" });
  }
}, 120_000);

describe("soc-config CLI", () => {
  it("validate: one line per valid file, exit 0", () => {
    const r = run(["validate", fixture("good/minimal.yaml"), fixture("good/full.yaml")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`✓ ${fixture("good/minimal.yaml")}: valid (3 apps, 0 services)\n✓ ${fixture("good/full.yaml")}: valid (3 apps, 3 services)\n`);
    expect(r.stderr).toBe("");
  });

  it("validate: every issue on stderr, exit 1, no stack trace", () => {
    const f = fixture("invalid/typos.yaml");
    const r = run(["validate", fixture("good/minimal.yaml"), f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✓");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(`✗ ${f}: 6 problems`);
    expect(lines[1]).toBe(`${f}:4:3 project.descripton: unknown key "descripton" — did you mean "description"? (allowed: name, description, environment)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("validate --json: machine-readable report, same exit codes", () => {
    const good = fixture("good/minimal.yaml");
    const bad = fixture("invalid/references.yaml");
    const r = run(["validate", "--json", good, bad], { SOC__LOGGING__LEVEL: "debug" });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { file: string; valid: boolean; apps?: number; overrides?: unknown[]; issues: { line?: number; path: string }[] }[];
    expect(report[0]).toEqual({ file: good, valid: true, apps: 3, services: 0, overrides: [{ variable: "SOC__LOGGING__LEVEL", path: "logging.level" }], issues: [] });
    expect(report[1]?.valid).toBe(false);
    expect(report[1]?.issues.map((i) => `${i.line} ${i.path}`)).toEqual(["11 services.redis.networks.1", "13 services.redis.volumes.0", "15 services.redis.dependsOn.grafna", "19 services.grafana.profiles.0"]);
  });

  it("validate: hostile input exits 1 with the file named", () => {
    const f = fixture("bad/alias-bomb.yaml");
    const r = run(["validate", f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}: aliases expand to too many nodes`);
  });

  it("reads SOC__ overrides from the environment", () => {
    const ok = run(["print", "--json", fixture("good/minimal.yaml")], { SOC__HOST__CPUS: "2", SOC__APPS__EDGE_AGENT__RESOURCES__LIMITS__CPUS: "0.5" });
    expect(ok.code).toBe(0);
    const cfg = JSON.parse(ok.stdout) as { host: { cpus: number }; apps: { edgeAgent: { resources: { limits: { cpus: number } } } } };
    expect(cfg.host.cpus).toBe(2);
    expect(cfg.apps.edgeAgent.resources.limits.cpus).toBe(0.5);
    const bad = run(["validate", fixture("good/minimal.yaml")], { SOC__HOTS__CPUS: "2" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('env SOC__HOTS__CPUS: "HOTS" matches no key of the top level — did you mean host?');
  });

  it("print: YAML with secrets redacted, overrides listed", () => {
    const r = run(["print", fixture("good/full.yaml")], { SOC__LOGGING__LEVEL: "warn" });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 2)).toEqual([`# ${fixture("good/full.yaml")}, resolved: defaults applied, secrets redacted`, "# logging.level from env SOC__LOGGING__LEVEL"]);
    expect(r.stdout).toContain("\nlogging:\n  level: warn\n");
    expect(r.stdout).toContain('REDIS_PASSWORD: "<secret: env REDIS_PASSWORD>"');
    expect(r.stdout).toContain("REDIS_EXPORTER_API_KEY: <redacted>");
    expect(r.stdout).not.toContain("not-really-secret");
  });

  it("schema: prints the committed JSON Schema", () => {
    const r = run(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(pkgRoot, "schema", "soc-config.schema.json"), "utf8"));
  });

  it("explain: a field, or exit 1 with a hint", () => {
    const r = run(["explain", "apps.edgeAgent.shipper.flushInterval"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('default: "1s"');
    const bad = run(["explain", "hots.cpus"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('did you mean "host"?');
  });

  it("usage errors exit 2; --help exits 0", () => {
    expect(run([]).code).toBe(2);
    expect(run(["validate"]).code).toBe(2);
    const unknown = run(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(run(["--help"]).code).toBe(0);
  });
});

describe("CommonJS build", () => {
  it("works through require()", () => {
    const script = `const c = require(${JSON.stringify(join(pkgRoot, "dist", "index.cjs"))});
      const cfg = c.parseConfig({ version: 1, project: { name: "cjs" } });
      let code = "none";
      try { c.parseConfig({ version: 2 }); } catch (e) { code = e instanceof c.ConfigError ? e.issues.map((i) => i.code).join(",") : "other"; }
      process.stdout.write(JSON.stringify({ arch: cfg.host.arch, code, load: typeof c.loadConfig }));`;
    const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ arch: "arm64", code: "missing_key,invalid_value", load: "function" });
  });
});
