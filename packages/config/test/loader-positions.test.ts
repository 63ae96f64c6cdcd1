import { describe, expect, it } from "vitest";
import { isAbsolute } from "node:path";
import { loadConfig } from "../src/index.js";
import { configError, fixture } from "./helpers.js";

describe("loadConfig", () => {
  it("loads YAML and JSON with defaults, absolute file and baseDir", async () => {
    const y = await loadConfig(fixture("good/minimal.yaml"));
    const j = await loadConfig(fixture("good/minimal.json"));
    expect(y.config).toEqual(j.config);
    expect(isAbsolute(y.file)).toBe(true);
    expect(y.baseDir).toBe(fixture("good").replace(/\/$/, ""));
    expect(y.overrides).toEqual([]);
  });

  it("reports every schema problem at once with exact line:col", async () => {
    const file = fixture("invalid/typos.yaml");
    const e = await configError(() => loadConfig(file));
    expect(e.format().split("\n")).toEqual([
      `${file}:4:3 project.descripton: unknown key "descripton" — did you mean "description"? (allowed: name, description, environment)`,
      `${file}:8:23 apps.edgeAgent.shipper.batchMaxEvents: expected a number, found string "lots"`,
      `${file}:9:22 apps.edgeAgent.shipper.flushInterval: expected a duration such as 30s, 1m30s or 500ms, found "5 seconds"`,
      `${file}:14:14 services.redis.restart: invalid option: expected one of "no"|"always"|"on-failure"|"unless-stopped", found "sometimes"`,
      `${file}:15:3 services.broken.image: a service needs \`image\` or \`build\``,
      `${file}:21:9 host.arch: invalid option: expected one of "arm64"|"amd64", found "x86"`,
    ]);
  });

  it("positions issues in JSON files too", async () => {
    const file = fixture("invalid/typos.json");
    const e = await configError(() => loadConfig(file));
    expect(e.issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual([
      "3:32 project.descripton",
      "5:13 host.cpus",
      "6:13 host.arch",
      "9:49 services.redis.restart",
    ]);
  });

  it("positions cross-field issues at the offending element", async () => {
    const e = await configError(() => loadConfig(fixture("invalid/references.yaml")));
    expect(e.issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual([
      "11:25 services.redis.networks.1",
      "13:9 services.redis.volumes.0",
      "15:7 services.redis.dependsOn.grafna",
      "19:16 services.grafana.profiles.0",
    ]);
  });

  it("points a missing key at its parent", async () => {
    const e = await configError(() => loadConfig(fixture("invalid/missing-project.yaml")));
    expect(e.issues).toEqual([expect.objectContaining({ path: "project", line: 1, col: 1, code: "missing_key" })]);
    const s = await configError(() => loadConfig(fixture("invalid/service-no-image.yaml")));
    // `image` does not exist: the issue points at the service's key, `worker:` on line 5.
    expect(s.issues).toEqual([expect.objectContaining({ path: "services.worker.image", line: 5, col: 3 })]);
  });

  it("positions the budget issue at host.memory / host.cpus", async () => {
    const e = await configError(() => loadConfig(fixture("invalid/budget.yaml")));
    expect(e.issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual(["5:9 host.cpus", "6:11 host.memory"]);
  });
});
