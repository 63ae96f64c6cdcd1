// The built CLI as a child process (dist/cli.js, built by `pnpm --filter edge-agent build`, which turbo runs before
// the tests): `run --config` follows the file, SIGTERM makes it flush, write its checkpoint and exit 0; a restart
// ships exactly the rest.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureBytes } from "../support/fixtures.js";
import { countsByType, expectedKeys, waitFor } from "./harness.js";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
let dir: string;
let server: BulkTestServer;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm --filter edge-agent build\` first`);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-sigterm-"));
  server = await BulkTestServer.start();
});
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL"); // a failed test's daemon
  children.clear();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cli, "run", "--config", join(dir, "soc.yaml"), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

describe("edge-agent run (built CLI)", { timeout: 60_000 }, () => {
  it("exits 0 on SIGTERM with its checkpoint written; the restart ships the rest exactly once", async () => {
    const path = join(dir, "eve.json");
    const data = Buffer.concat([fixtureBytes("OISF__suricata-verify.json"), fixtureBytes("cisagov__Malcolm.slice.json")]);
    const half = data.indexOf(10, Math.floor(data.length / 2)) + 1;
    await writeFile(path, data.subarray(0, half));
    await writeFile(
      join(dir, "soc.yaml"),
      [
        "version: 1",
        "project: { name: sigterm-test }",
        `opensearch: { mode: endpoint, url: "${server.url}" }`,
        "apps:",
        "  edgeAgent:",
        "    sensorId: test-sensor",
        "    eve: { paths: [./eve.json], checkpointDir: ./state, deadLetterPath: ./state/dead-letter.ndjson }",
        "    buffer: { type: disk, dir: ./state/spool, maxBytes: 64M }",
        "    connectivity: { interval: 500ms, timeout: 1s }",
        "    shipper: { batchMaxEvents: 25, flushInterval: 50ms, concurrency: 2, retry: { initialDelay: 10ms, maxDelay: 100ms } }",
        "",
      ].join("\n"),
    );
    server.setResponseDelay(40); // keeps batches in flight when the signal arrives

    const daemon = start(["--no-metrics", "--shutdown-timeout", "5s"]);
    await waitFor(() => server.documentCount() >= 50, 30_000, "the daemon shipping");
    daemon.child.kill("SIGTERM");
    const r = await daemon.exit;
    expect(r.stderr).toMatch(/"msg":"stopping: no more reading, flushing in-flight batches"/);
    expect({ code: r.code, signal: r.signal }, r.stderr.slice(-3000)).toEqual({ code: 0, signal: null });
    expect(r.stdout).toMatch(/^status: stopped$/m);
    const cp = JSON.parse(await readFile(checkpointPathFor(join(dir, "state"), path), "utf8")) as { files: { offset: number }[] };
    const offset = cp.files.at(-1)?.offset ?? -1;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(half);
    // Everything before the checkpoint is in the sink (acknowledged before it was written).
    for (const k of expectedKeys(data.subarray(0, offset))) expect(server.allKeys()).toContain(k);

    await appendFile(path, data.subarray(half));
    server.setResponseDelay(0);
    const before = server.stats.itemsReceived;
    const rerun = start(["--once", "--json"]);
    const r2 = await rerun.exit;
    expect(r2.code).toBe(0);
    const summary = JSON.parse(r2.stdout) as { status: string; events: { read: number; shipped: number } };
    const rest = countsByType(data.subarray(offset));
    const restCount = Object.values(rest).reduce((a, b) => a + b, 0);
    expect(summary).toMatchObject({ status: "ok", events: { read: restCount, shipped: restCount } });
    expect(server.stats.itemsReceived - before).toBe(restCount); // resumed at the checkpoint, nothing re-sent
    expect(new Set(server.allKeys())).toEqual(expectedKeys(data));
    expect(server.documentCount()).toBe(expectedKeys(data).size);
  });

  it("exits 2 with the config problem for an invalid config", async () => {
    await writeFile(join(dir, "soc.yaml"), "version: 1\nproject: { name: x }\napps: { edgeAgent: { shipper: { concurrency: 0 } } }\n");
    const r = await start(["--once"]).exit;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apps\.edgeAgent\.shipper\.concurrency/);
  });
});
