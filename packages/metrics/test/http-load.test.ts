// The built package serves /metrics without loading Node's bundled undici (node:http via getBuiltinModule).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("@soc/metrics load footprint (dist)", () => {
  it("starts and closes the server without loading undici", () => {
    const dist = new URL("../dist/index.js", import.meta.url).href;
    const script = `
      const { createMetricsRegistry, startMetricsServer } = await import(${JSON.stringify(dist)});
      const server = await startMetricsServer({ registry: createMetricsRegistry(), host: "127.0.0.1", port: 0 });
      await server.close();
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes("undici"))));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual([]);
  });
});
