import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatThirdPartyNotices, packageRootsOf, readBundledPackage } from "../src/notices/third-party.js";

describe("packageRootsOf", () => {
  it("maps esbuild inputs to package roots, scoped and pnpm-nested, ignoring workspace code", () => {
    const roots = packageRootsOf([
      "../../node_modules/.pnpm/commander@15.1.0/node_modules/commander/lib/command.js",
      "../../node_modules/.pnpm/commander@15.1.0/node_modules/commander/index.js",
      "../../node_modules/.pnpm/@kubernetes-models+base@6.0.1/node_modules/@kubernetes-models/base/index.js",
      "../config/src/schema/root.ts",
      "src/cli.ts",
    ]);
    expect(roots).toEqual([
      "../../node_modules/.pnpm/@kubernetes-models+base@6.0.1/node_modules/@kubernetes-models/base",
      "../../node_modules/.pnpm/commander@15.1.0/node_modules/commander",
    ]);
  });
});

describe("readBundledPackage + formatThirdPartyNotices", () => {
  it("reproduces each licence once, sorted, and says when a package ships none", () => {
    const dir = mkdtempSync(join(tmpdir(), "notices-"));
    const mk = (name: string, license: string | undefined, text?: string): string => {
      const root = join(dir, name);
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, "package.json"), JSON.stringify({ name, version: "1.2.3", ...(license ? { license } : {}) }));
      if (text) writeFileSync(join(root, "LICENSE.md"), text);
      return root;
    };
    const a = readBundledPackage(mk("zeta", "MIT", "Copyright (c) Zeta\n"));
    const b = readBundledPackage(mk("alpha", undefined));
    const md = formatThirdPartyNotices([a, b, a], "test CLI");
    expect(md.match(/^## /gm)).toHaveLength(2);
    expect(md.indexOf("## alpha")).toBeLessThan(md.indexOf("## zeta"));
    expect(md).toContain("- alpha 1.2.3 (UNKNOWN)");
    expect(md).toContain("Copyright (c) Zeta");
    expect(md).toContain("ships no licence file");
  });

  it("throws on a package folder without package.json", () => {
    expect(() => readBundledPackage(mkdtempSync(join(tmpdir(), "notices-empty-")))).toThrow(/package\.json/);
  });
});

describe("the built CLI's THIRD_PARTY_LICENSES.md", () => {
  it("lists every npm package inlined in the bundle with its licence text", () => {
    const md = readFileSync(new URL("../dist/THIRD_PARTY_LICENSES.md", import.meta.url), "utf8");
    for (const name of ["commander", "yaml", "zod", "diff"]) expect(md).toMatch(new RegExp(`^## ${name} \\d`, "m"));
    expect(md).toMatch(/Permission is hereby granted/); // MIT text reproduced, not just named
  });
});
