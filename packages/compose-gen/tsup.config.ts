import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";
import { formatThirdPartyNotices, packageRootsOf, readBundledPackage } from "./src/notices/third-party.ts";

type EsbuildPlugin = NonNullable<Options["esbuildPlugins"]>[number];

/**
 * `require("punycode")` in a bundled dependency (ajv-formats-draft2019, under kubernetes-models' validator)
 * means its own `punycode` package, but Node resolves the bare name to the deprecated built-in module, which
 * prints DEP0040 once the code no longer sits in node_modules. Resolve it as `punycode/` (the package, as its
 * README recommends) from the importing file instead.
 */
const userlandPunycode: EsbuildPlugin = {
  name: "userland-punycode",
  setup(build) {
    build.onResolve({ filter: /^punycode$/ }, (args) => build.resolve("punycode/", { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer }));
  },
};

/** Writes dist/THIRD_PARTY_LICENSES.md for the npm code inlined in the CLI bundle, from esbuild's metafile. */
function writeThirdPartyNotices(): void {
  const metafile = "dist/metafile-esm.json";
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as { inputs: Record<string, unknown> };
  const packages = packageRootsOf(Object.keys(meta.inputs)).map(readBundledPackage);
  writeFileSync("dist/THIRD_PARTY_LICENSES.md", formatThirdPartyNotices(packages, "compose-gen CLI"));
  rmSync(metafile);
}

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig([
  // The library: dependencies stay external (consumers share one zod, one yaml…).
  {
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    clean: false,
    sourcemap: true,
    target: "node22",
    platform: "node",
  },
  // The CLI: one bundle with the workspace package and the light dependencies inlined (no module resolution
  // across hundreds of files at start-up), split per command so `--version`/`--help` load commander only and
  // each command loads what it uses. kubernetes-models stays external: its validators are only loaded by
  // the k8s/all/check commands.
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    sourcemap: true,
    splitting: true,
    target: "node22",
    platform: "node",
    noExternal: ["@soc/config", "commander", "yaml", "zod", "diff", /^kubernetes-models/, /^@kubernetes-models\//],
    esbuildPlugins: [userlandPunycode],
    metafile: true,
    onSuccess: async () => writeThirdPartyNotices(),
    define: { __COMPOSE_GEN_VERSION__: JSON.stringify(pkg.version) },
    // Bundled CommonJS dependencies (commander) call require(): give the ESM bundle one.
    banner: { js: 'import { createRequire as __cgCreateRequire } from "node:module"; const require = __cgCreateRequire(import.meta.url);' },
  },
]);
