/**
 * The fast YAML writer must write exactly what the `yaml` package writes (it replaced it on the hot path of
 * `toYaml`): byte-for-byte comparison on every generated document of every example and fixture, a synthetic
 * 200-service stack (the benchmark's), and scalars that YAML 1.1 reads as something else than a string.
 */
import { parseConfig, type SocConfig } from "@soc/config";
import { describe, expect, it } from "vitest";
import { syntheticConfig } from "../bench/synthetic-config.js";
import { buildModel, composeDocument, envRefsToFiles, toYaml, type ToYamlOptions } from "../src/index.js";
import { yamlPackageToYaml } from "../src/emit/yaml.js";
import { fastYaml } from "../src/emit/yaml-fast.js";
import { allConfigFiles, load } from "./support/configs.js";

function documentsOf(config: SocConfig, baseDir: string): [string, unknown, ToYamlOptions][] {
  const model = buildModel(config, { baseDir, outDir: `${baseDir}/out`, configFile: `${baseDir}/c.yaml` });
  const comments = (items: { name: string; description?: string }[]) =>
    Object.fromEntries(items.filter((i) => i.description !== undefined).map((i) => [i.name, i.description as string]));
  const keyComments = { services: comments(model.containers), networks: comments(model.networks), volumes: comments(model.volumes), secrets: comments(model.secrets) };
  return [
    ["compose", composeDocument(model), { header: ["Compose file — generated", "", "Profiles:", "  --profile x: a, b"], keyComments }],
    ...model.configFiles.flatMap((f): [string, unknown, ToYamlOptions][] => [
      [`config ${f.name}`, f.document, { header: [f.description] }],
      [`configmap ${f.name}`, envRefsToFiles(f.document), {}],
    ]),
    ["parsed config", config, {}],
  ];
}

describe("fast YAML writer", () => {
  it("writes the yaml package's bytes for every example and fixture", async () => {
    for (const file of allConfigFiles()) {
      const { config, baseDir } = await load(file);
      for (const [what, doc, opts] of documentsOf(config, baseDir)) {
        const fast = fastYaml(doc, opts);
        expect(fast, `${file} ${what}: fast path taken`).toBeDefined();
        expect(fast, `${file} ${what}`).toBe(yamlPackageToYaml(doc, opts));
      }
    }
  });

  it("writes the yaml package's bytes for synthetic 200-service stacks", () => {
    for (const seed of [1, 42]) {
      const config = parseConfig(syntheticConfig(seed, 200), { source: "bench.yaml" });
      for (const [what, doc, opts] of documentsOf(config, "/srv/stack")) expect(fastYaml(doc, opts), `seed ${seed} ${what}`).toBe(yamlPackageToYaml(doc, opts));
    }
  });

  it("quotes scalars exactly as the yaml package does (YAML 1.1 types, indicators, quotes)", () => {
    const tricky = ["yes", "No", "on", "OFF", "y", "1:20", "190:20:30", "0x1f", "0o17", "0b101", "1e3", ".5", ".inf", ".NaN", "~", "", " x", "x ", "a: b", "a #b", "#x",
      "-x", "- x", "?x", "@x", "`x", "it's", 'say "hi"', `both ' "`, "2024-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "a\tb", "ünï", "x:", "%x", "null", "Null",
      "!x", "&x", "*x", "|x", ">x", "{x}", "[x]", "a,b", "1_000", "+1", "-1.5", "tRue", "\\path", "$VAR", "${VAR:-x}", "C:\\x", "a\u0085b", "ctl\u0001", "redis:7.4", "a/b@sha256:00"];
    for (const t of tricky) {
      const doc = { key: t, list: [t, [t]], maps: [{ inner: t }] };
      expect(fastYaml(doc), JSON.stringify(t)).toBe(yamlPackageToYaml(doc));
    }
    const numbers = { nums: [0, -0, 1.5, 1e21, -3, 2 ** 53, 0.1, 1e-7], flags: [true, false, null], empty: { list: [], map: {}, nested: [[], {}] }, deep: [[1, { a: [] }]] };
    expect(fastYaml(numbers)).toBe(yamlPackageToYaml(numbers));
  });

  it("hands what it does not write to the yaml package (same output through toYaml)", () => {
    const cases: unknown[] = [
      { text: "two\nlines\n" },
      { "y": 1 },
      { "key with space": 1 },
      { list: [1, undefined] },
      { doc: "---" },
      { when: new Date(0) },
      {},
      ["top-level", "list"],
    ];
    for (const c of cases) {
      expect(fastYaml(c), JSON.stringify(c)).toBeUndefined();
      expect(toYaml(c)).toBe(yamlPackageToYaml(c));
    }
  });
});
