import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProgram } from "../src/cli-program.js";
import type { EveSummary } from "../src/commands/summarize.js";
import { fixtureBytes } from "./support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ out: string; code: number }> {
  let out = "";
  let code = 0;
  const program = createProgram({ out: (t) => (out += t), err: (t) => (out += t), setExitCode: (c) => (code = c) });
  program.exitOverride().configureOutput({ writeOut: (t) => (out += t), writeErr: (t) => (out += t) });
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (t) => (out += t), writeErr: (t) => (out += t) });
  try {
    await program.parseAsync(["node", "edge-agent", ...args]);
  } catch (err) {
    code = (err as { exitCode?: number }).exitCode ?? 1;
  }
  return { out, code };
}

describe("edge-agent CLI", () => {
  it("parse --json reports types, indices and malformed reasons of real files", async () => {
    const a = join(dir, "eve.json");
    await writeFile(a, Buffer.concat([fixtureBytes("rhaist__surevego.slice.json"), fixtureBytes("malformed-fixtures.json")]));
    const { out, code } = await run("parse", a, "--json", "--index-prefix", "ids", "--samples", "2");
    expect(code).toBe(0);
    const s = JSON.parse(out) as EveSummary;
    expect(s.events).toBe(200);
    expect(s.malformed).toEqual({ invalid_json: 6, invalid_timestamp: 1 });
    expect(s.samples).toHaveLength(2);
    expect(Object.keys(s.byIndex).every((k) => k.startsWith("ids-"))).toBe(true);
  });

  it("prints a readable summary and exits 2 for a missing file", async () => {
    const { out, code } = await run("parse", join(dir, "nope.json"));
    expect(out).toMatch(/missing files: .*nope\.json/);
    expect(code).toBe(2);
  });

  it("rejects bad option values and shows help", async () => {
    expect((await run("parse", "x", "--samples", "-1")).code).not.toBe(0);
    const help = await run("--help");
    expect(help.out).toMatch(/parse \[options\] <files\.\.\.>/);
  });
});
