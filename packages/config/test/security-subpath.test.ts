/**
 * The `@soc/config/security` subpath (`dist/security.{js,cjs}`): the rule catalogue and the pure audit,
 * loadable WITHOUT zod, yaml or the schema (the health monitor imports it in its daemon to keep RSS low).
 * Checked three ways on the build: the ESM module graph as Node resolves it (module.registerHooks), the
 * CommonJS `require.cache`, and the bundle text of every file the ESM entry reaches.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pkgRoot } from "./helpers.js";
import * as root from "../src/index.js";

const esm = join(pkgRoot, "dist", "security.js");
const cjs = join(pkgRoot, "dist", "security.cjs");
/** Bare package names (not node builtins) a loaded module path/URL belongs to. */
const FORBIDDEN = /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?(zod|yaml|commander)[\\/]/;

beforeAll(() => {
  if (!existsSync(esm) || !existsSync(cjs)) {
    execFileSync(join(pkgRoot, "node_modules", ".bin", "tsup"), { cwd: pkgRoot, stdio: "ignore" });
  }
}, 120_000);

describe("@soc/config/security subpath", () => {
  it("is declared in package.json exports with import/require/types like the root", () => {
    const pkg = JSON.parse(readFileSync(join(pkgRoot, "package.json"), "utf8")) as { exports: Record<string, unknown> };
    expect(pkg.exports["./security"]).toEqual({
      import: { types: "./dist/security.d.ts", default: "./dist/security.js" },
      require: { types: "./dist/security.d.cts", default: "./dist/security.cjs" },
    });
    for (const f of ["security.js", "security.cjs", "security.d.ts", "security.d.cts"]) expect(existsSync(join(pkgRoot, "dist", f)), f).toBe(true);
  });

  it("ESM: importing it resolves no zod/yaml/commander module, and exports the audit", () => {
    const facts = { name: "x", image: "x:latest", privileged: true, user: "", capAdd: [], capDrop: [], mounts: [], devices: [],
      hasHealthcheck: false, readOnlyRootfs: false, securityOpt: [], env: [], ports: [] } satisfies root.ContainerFacts;
    const script = `
      import { registerHooks } from "node:module";
      const seen = [];
      registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
      const m = await import(${JSON.stringify(`file://${esm}`)});
      const findings = m.auditContainer(${JSON.stringify(facts)});
      process.stdout.write(JSON.stringify({ seen, rules: findings.map((f) => f.rule), catalogue: m.SECURITY_RULES.length }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as { seen: string[]; rules: string[]; catalogue: number };
    expect(out.seen.length).toBeGreaterThan(1); // the entry and its chunks were observed
    expect(out.seen.filter((u) => FORBIDDEN.test(u))).toEqual([]);
    expect(out.seen.filter((u) => !u.startsWith("file:") && !u.startsWith("node:"))).toEqual([]);
    expect(out.rules).toContain("privileged");
    expect(out.rules).toEqual(root.auditContainer(facts).map((f) => f.rule));
    expect(out.catalogue).toBe(root.SECURITY_RULES.length);
  });

  it("CommonJS: require() leaves no zod/yaml module in require.cache", () => {
    const script = `const m = require(${JSON.stringify(cjs)});
      process.stdout.write(JSON.stringify({ cache: Object.keys(require.cache), score: m.containerScore([]), ids: m.RULE_IDS }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { cache: string[]; score: number; ids: string[] };
    expect(out.cache).toContain(cjs);
    expect(out.cache.filter((p) => FORBIDDEN.test(p))).toEqual([]);
    expect(out.score).toBe(100);
    expect(out.ids).toEqual([...root.RULE_IDS]);
  });

  it("bundle text: the ESM entry and every chunk it reaches import only relative files", () => {
    const todo = [esm];
    const done = new Set<string>();
    const bare: string[] = [];
    while (todo.length > 0) {
      const file = todo.pop() as string;
      if (done.has(file)) continue;
      done.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
        const spec = m[1] as string;
        if (spec.startsWith("./")) todo.push(join(dirname(file), spec));
        else bare.push(`${file}: ${spec}`);
      }
    }
    expect(done.size).toBeGreaterThan(1);
    expect(bare).toEqual([]);
  });
});
