import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("health-monitor CLI skeleton", () => {
  it("prints usage with --help and exits 0", () => {
    const out = execFileSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    expect(out).toMatch(/^Usage: health-monitor/m);
  });

  it("rejects an unknown option with exit code 1 and names it", () => {
    const r = spawnSync(process.execPath, [cli, "--bogus"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});
