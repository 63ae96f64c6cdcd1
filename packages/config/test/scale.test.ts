/**
 * Large but under-the-cap inputs: the loader stays linear (no quadratic duplicate-key, reference or budget
 * checks) and caps the number of reported issues. Speed itself is measured by `pnpm bench`, not here.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, MAX_ISSUES } from "../src/index.js";
import { configError } from "./helpers.js";

let dir = "";
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "soc-config-scale-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function write(name: string, text: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}
const head = "version: 1\nproject:\n  name: big\n";

describe("large inputs", () => {
  it("20 000 duplicate keys: refused, first 100 reported plus a count", async () => {
    const f = await write("dups.yaml", `${head}features:\n${"  f: true\n".repeat(20_000)}`);
    const e = await configError(() => loadConfig(f));
    expect(e.issues).toHaveLength(MAX_ISSUES + 1);
    expect(e.issues[0]).toMatchObject({ code: "yaml_duplicate_key", line: 6, col: 3, message: 'duplicate key "f": each key may appear only once in a mapping' });
    expect(e.issues[MAX_ISSUES]).toMatchObject({ code: "too_many_issues", message: `…and ${20_000 - 1 - MAX_ISSUES} more problems (fix the ones above first)` });
  });

  it("20 000 unknown keys: first 100 positioned, the rest counted", async () => {
    const f = await write("unknown.yaml", head + Array.from({ length: 20_000 }, (_, i) => `k${i}: 1\n`).join(""));
    const e = await configError(() => loadConfig(f));
    expect(e.issues).toHaveLength(MAX_ISSUES + 1);
    expect(e.issues[0]).toMatchObject({ path: "k0", line: 4, col: 1, code: "unrecognized_keys" });
    expect(e.issues.at(-1)?.message).toBe(`…and ${20_000 - MAX_ISSUES} more problems (fix the ones above first)`);
  });

  it("10 000 services over 2 000 profiles with a per-profile budget: valid", async () => {
    const profiles = Array.from({ length: 2000 }, (_, i) => `  p${i}: {}\n`).join("");
    const services = Array.from({ length: 10_000 }, (_, i) => `  s${i}: {image: x, profiles: [p${i % 2000}], resources: {limits: {cpus: 0.1, memory: 10M}}}\n`).join("");
    const f = await write("profiles.yaml", `${head}host:\n  budgetScope: per-profile\nprofiles:\n${profiles}services:\n${services}`);
    const { config } = await loadConfig(f);
    expect(Object.keys(config.services)).toHaveLength(10_000);
  });

  it("a budget message over many containers names the 10 largest and counts the rest", async () => {
    const services = Array.from({ length: 50 }, (_, i) => `  s${i}: {image: x, resources: {limits: {memory: ${i + 1}00M}}}\n`).join("");
    const f = await write("budget.yaml", `${head}services:\n${services}`);
    const e = await configError(() => loadConfig(f));
    const mem = e.issues.find((i) => i.path === "host.memory");
    expect(mem?.message).toContain("(s49 4.88 GiB, s48 4.79 GiB,");
    expect(mem?.message).toContain(" and 43 more)");
  });
});
