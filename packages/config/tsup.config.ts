import { defineConfig } from "tsup";

export default defineConfig({
  // `security` is the `@soc/config/security` subpath: the rule catalogue and the pure audit, without zod.
  entry: { index: "src/index.ts", cli: "src/cli.ts", security: "src/security/index.ts" },
  format: ["esm","cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  platform: "node",
});
