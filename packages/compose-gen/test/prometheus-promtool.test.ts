/**
 * Integration: the generated Prometheus files checked by the real `promtool` (Debian package `prometheus`):
 * `check config` (which also loads the rules file beside it), `check rules`, and `test rules` with the
 * hand-written unit tests in fixtures/prometheus/soc-stack.test.yml (alerts firing and not firing).
 * Without promtool the tests skip, except under CI=true where they fail.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseConfig } from "@soc/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePrometheus, PROMETHEUS_DIR, PROMETHEUS_FILE, RULES_FILE, writeFiles } from "../src/index.js";
import { allConfigFiles, load } from "./support/configs.js";

const run = promisify(execFile);
const FIXTURE = path.resolve(import.meta.dirname, "fixtures/prometheus/soc-stack.test.yml");

async function promtoolAvailable(): Promise<boolean> {
  try {
    await run("promtool", ["--version"]);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

const available = await promtoolAvailable();
if (!available && process.env.CI === "true") throw new Error("promtool is required under CI=true (apt-get install -y prometheus)");

/** Runs promtool; resolves with its output, or with the failure's exit code and output. */
async function promtool(args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run("promtool", args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe.skipIf(!available)("promtool", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "compose-gen-prom-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function generate(name: string, config: Parameters<typeof generatePrometheus>[0], baseDir = "/virtual"): Promise<string> {
    const out = path.join(dir, name);
    await writeFiles(out, generatePrometheus(config, { baseDir, outDir: out }).files);
    return out;
  }

  describe.each(allConfigFiles().map((f) => [path.basename(f), f]))("%s", (_label, file) => {
    it("passes promtool check config (rules file included) and check rules", async () => {
      const { config, baseDir } = await load(file);
      const out = await generate(path.basename(file, path.extname(file)), config, baseDir);
      const cfg = await promtool(["check", "config", path.join(out, PROMETHEUS_FILE)]);
      expect(cfg.output, cfg.output).toContain("SUCCESS");
      expect(cfg.code, cfg.output).toBe(0);
      const rules = await promtool(["check", "rules", path.join(out, RULES_FILE)]);
      expect(rules.code, rules.output).toBe(0);
      expect(rules.output).toMatch(/SUCCESS: \d+ rules found/);
    });
  });

  it("passes check config with Alertmanagers and per-job intervals", async () => {
    const out = await generate("alerting", parseConfig({
      version: 1,
      project: { name: "p" },
      services: { exporter: { image: "x:1", scrape: { port: 9999, path: "/probe", interval: "3s" } } },
      monitoring: { prometheus: { scrapeInterval: "1.5s" }, receivers: { am: { type: "alertmanager", url: "https://am.example.org:9443/am" } } },
    }));
    const cfg = await promtool(["check", "config", path.join(out, PROMETHEUS_FILE)]);
    expect(cfg.code, cfg.output).toBe(0);
  });

  it("fires and holds the alerts as the unit tests expect (promtool test rules)", async () => {
    const out = await generate("default", parseConfig({ version: 1, project: { name: "p" } }));
    const test = path.join(out, PROMETHEUS_DIR, "soc-stack.test.yml");
    await copyFile(FIXTURE, test);
    const result = await promtool(["test", "rules", test]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS");
  });

  it("fails those unit tests when edge-agent is disabled (its rules are not emitted)", async () => {
    const out = await generate("no-edge", parseConfig({ version: 1, project: { name: "p" }, apps: { edgeAgent: { enabled: false } } }));
    const test = path.join(out, PROMETHEUS_DIR, "soc-stack.test.yml");
    await copyFile(FIXTURE, test);
    const result = await promtool(["test", "rules", test]);
    expect(result.code).toBe(1);
    expect(result.output).toContain("alertname: SocEdgeShippingFatal");
    expect(result.output).not.toContain("alertname: SocContainerUnhealthy");
  });
});
