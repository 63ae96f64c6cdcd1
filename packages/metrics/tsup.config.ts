import { defineConfig } from "tsup";

export default defineConfig({
  // `launch` is the `@soc/metrics/launch` subpath: start-up tuning for the CLIs, loaded before anything else.
  entry: { index: "src/index.ts", launch: "src/launch.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  platform: "node",
});
