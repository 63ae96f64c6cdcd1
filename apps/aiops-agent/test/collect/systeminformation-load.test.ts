// Which systeminformation modules the slow probes load: only lib/filesystem.js and lib/cpu.js, with the
// package's main module as the fallback for another layout.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadSystemInformation, type SystemInformationProbes } from "../../src/collect/index.js";

const notFound = (id: string) => Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
const fakeMain: SystemInformationProbes = { fsSize: async () => [], cpuTemperature: async () => ({ main: null, cores: [], max: null }) } as unknown as SystemInformationProbes;

describe("loadSystemInformation", () => {
  it("loads fsSize and cpuTemperature from their own modules, not the package's main module", async () => {
    const req = createRequire(import.meta.url);
    const probes = loadSystemInformation(req);
    const loaded = Object.keys(req.cache).filter((k) => k.includes("/systeminformation/lib/"));
    expect(loaded.some((k) => k.endsWith("/lib/filesystem.js"))).toBe(true);
    expect(loaded.some((k) => k.endsWith("/lib/cpu.js"))).toBe(true);
    expect(loaded.some((k) => k.endsWith("/lib/index.js") || k.endsWith("/lib/battery.js"))).toBe(false);
    // The real functions: fsSize lists this machine's filesystems with numeric sizes.
    const list = await probes.fsSize();
    expect(Array.isArray(list)).toBe(true);
    for (const f of list) expect(typeof f.size).toBe("number");
  });

  it("falls back to the main module when the layout has no such files or exports", () => {
    const missing = ((id: string) => {
      if (id === "systeminformation") return fakeMain;
      throw notFound(id);
    }) as unknown as NodeJS.Require;
    expect(loadSystemInformation(missing)).toBe(fakeMain);
    const otherExports = ((id: string) => (id === "systeminformation" ? fakeMain : {})) as unknown as NodeJS.Require;
    expect(loadSystemInformation(otherExports)).toBe(fakeMain);
  });

  it("does not hide other load errors", () => {
    const broken = ((id: string) => {
      if (id.endsWith("filesystem.js")) throw new SyntaxError("Unexpected token");
      return fakeMain;
    }) as unknown as NodeJS.Require;
    expect(() => loadSystemInformation(broken)).toThrow(SyntaxError);
  });
});
