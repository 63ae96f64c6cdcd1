// `run --once` end to end, in-process, against the _bulk test double: real files in a temp dir, the real
// OpenSearch client, checkpoints and dead-letter file on disk.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { validateCheckpoint } from "../../src/input/checkpoint.js";
import { runAgent } from "../../src/run/agent.js";
import { parseDeadLetter } from "../../src/ship/dead-letter.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureBytes } from "../support/fixtures.js";
import { captureLog, countsByType, expectedKeys, testSettings } from "./harness.js";

let dir: string;
let server: BulkTestServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-once-"));
  server = await BulkTestServer.start({ seed: 5 });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const once = (settings: ReturnType<typeof testSettings>, log = captureLog().log) =>
  runAgent({ settings, once: true, stop: new AbortController().signal, metrics: false, log });

async function checkpointOffset(settings: ReturnType<typeof testSettings>, path: string): Promise<number | undefined> {
  try {
    const cp = validateCheckpoint(JSON.parse(await readFile(checkpointPathFor(settings.checkpointDir, path), "utf8")), path);
    return cp.files.at(-1)?.offset;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

describe("run --once", () => {
  it("ships every fixture event exactly once by _id, dead-letters malformed lines, and reports the counts", async () => {
    const a = Buffer.concat([fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json"), fixtureBytes("malformed-fixtures.json")]);
    const b = Buffer.concat([fixtureBytes("OISF__suricata-verify.json"), fixtureBytes("cisagov__Malcolm.slice.json")]);
    await writeFile(join(dir, "eve.json"), a);
    await writeFile(join(dir, "other.json"), b);
    const settings = testSettings(dir, server.url, { evePaths: [join(dir, "eve.json"), join(dir, "other.json")] });
    const expected = new Set([...expectedKeys(a), ...expectedKeys(b)]);

    const s = await once(settings);

    expect(s.status).toBe("ok");
    expect(s.exitCode).toBe(0);
    expect(new Set(server.allKeys())).toEqual(expected);
    expect(server.documentCount()).toBe(expected.size);
    expect(server.stats.overwrites).toBe(0);
    const byType = countsByType(Buffer.concat([a, b]));
    expect(s.readByType).toEqual(byType);
    expect(s.shippedByType).toEqual(byType);
    expect(s.events.read).toBe(s.events.shipped);
    expect(s.events.deadLettered).toBe(7);
    expect(s.deadLetteredByReason).toEqual({ invalid_json: 6, invalid_timestamp: 1 });
    expect(s.bytesRead).toBe(a.length + b.length);
    expect(await checkpointOffset(settings, join(dir, "eve.json"))).toBe(a.length);
    expect(await checkpointOffset(settings, join(dir, "other.json"))).toBe(b.length);
    expect(server.templates.has("suricata-eve")).toBe(true);
    expect(server.policies.has("suricata-retention")).toBe(true);
    const dl = (await readFile(settings.deadLetterPath, "utf8")).trim().split("\n").map(parseDeadLetter);
    expect(dl).toHaveLength(7);
    expect(dl.every((e) => e.stage === "parse" && e.file === join(dir, "eve.json"))).toBe(true);

    // A second run starts at the checkpoints: nothing new is read or sent.
    const received = server.stats.itemsReceived;
    const again = await once(settings);
    expect(again.status).toBe("ok");
    expect(again.events.read).toBe(0);
    expect(server.stats.itemsReceived).toBe(received);
  });

  it("retries only the failed items on per-item 429 and dead-letters mapping errors with their reason", async () => {
    const data = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(join(dir, "eve.json"), data);
    const settings = testSettings(dir, server.url);
    const keys = [...expectedKeys(data)];
    const refused = keys.slice(0, 3).map((k) => k.split("/")[1] as string);
    server.failItems({ ids: refused, status: 400, type: "mapper_parsing_exception", reason: "failed to parse field [dest_port]" });
    server.failItems({ fraction: 0.2, status: 429, times: 2 });
    server.failNextBulkRequests(1, 503);

    const s = await once(settings);

    expect(s.status).toBe("ok");
    expect(s.retriedItems).toBeGreaterThan(0);
    expect(s.bulkRequests["503"]).toBe(1);
    expect(s.deadLetteredByReason).toEqual({ mapper_parsing_exception: 3 });
    expect(s.events.shipped).toBe(keys.length - 3);
    expect(server.documentCount()).toBe(keys.length - 3);
    for (const id of refused) expect(server.allKeys().some((k) => k.endsWith(`/${id}`))).toBe(false);
    const dl = (await readFile(settings.deadLetterPath, "utf8")).trim().split("\n").map(parseDeadLetter);
    expect(dl.map((e) => e.id).sort()).toEqual([...refused].sort());
    expect(dl[0]).toMatchObject({ stage: "index", status: 400, reason: "mapper_parsing_exception", detail: "failed to parse field [dest_port]" });
    // Retried items are not sent twice once they succeeded: every received item is a first send or a retry.
    expect(server.stats.overwrites).toBe(0);
    expect(await checkpointOffset(settings, join(dir, "eve.json"))).toBe(data.length);
  });

  it("stops on 401 with a non-zero exit and a summary, without advancing the checkpoint; a rerun ships everything", async () => {
    const data = fixtureBytes("cisagov__Malcolm.slice.json");
    await writeFile(join(dir, "eve.json"), data);
    const settings = testSettings(dir, server.url);
    server.interceptor = (req) =>
      req.url?.includes("_bulk") ? { status: 401, body: JSON.stringify({ error: { type: "security_exception", reason: "missing authentication credentials" }, status: 401 }) } : undefined;

    const { log, records } = captureLog();
    const s = await once(settings, log);

    expect(s.status).toBe("fatal");
    expect(s.exitCode).toBe(1);
    expect(s.reason).toMatch(/HTTP 401: security_exception: missing authentication credentials/);
    expect(s.events.shipped).toBe(0);
    expect(s.events.undelivered).toBe(s.events.read);
    expect(server.documentCount()).toBe(0);
    const cp = await checkpointOffset(settings, join(dir, "eve.json"));
    expect(cp === undefined || cp === 0).toBe(true);
    expect(records.some((r) => r["msg"] === "OpenSearch refused the _bulk request: shipping stops")).toBe(true);

    server.interceptor = undefined;
    const ok = await once(settings);
    expect(ok.status).toBe("ok");
    expect(new Set(server.allKeys())).toEqual(expectedKeys(data));
    expect(await checkpointOffset(settings, join(dir, "eve.json"))).toBe(data.length);
  });

  it("with retry.maxAttempts > 0, exits 1 when retries are exhausted and keeps those events behind the checkpoint", async () => {
    const data = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(join(dir, "eve.json"), data);
    const settings = testSettings(dir, server.url, { shipper: { concurrency: 1, requestTimeoutMs: 5000, compression: false, maxAttempts: 3 } });
    const keys = [...expectedKeys(data)];
    const stuck = (keys[120] as string).split("/")[1] as string;
    server.failItems({ ids: [stuck], status: 429 });

    const s = await once(settings);

    expect(s.status).toBe("incomplete");
    expect(s.exitCode).toBe(1);
    expect(s.events.undelivered).toBe(1);
    expect(s.events.shipped).toBe(keys.length - 1);
    const offset = await checkpointOffset(settings, join(dir, "eve.json"));
    const lineStart = data.indexOf(Buffer.from(`\n`), 0);
    expect(lineStart).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length); // stuck before the undelivered line

    server.clearFaults();
    const rerun = await once(settings);
    expect(rerun.status).toBe("ok");
    expect(new Set(server.allKeys())).toEqual(new Set(keys));
    expect(await checkpointOffset(settings, join(dir, "eve.json"))).toBe(data.length);
  });

  it("survives dropped connections and slow responses with a small batcher (backpressure) and loses nothing", async () => {
    const data = Buffer.concat([fixtureBytes("OISF__suricata-verify.json"), fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json")]);
    await writeFile(join(dir, "eve.json"), data);
    const settings = testSettings(dir, server.url, { core: { batchMaxEvents: 20, maxBufferedBytes: 48 * 1024, readChunkBytes: 16 * 1024 } });
    server.setResponseDelay(15);
    server.dropNextBulkConnections(2, "after-indexing");
    server.dropNextBulkConnections(1, "mid-request");
    const { log, records } = captureLog();

    const s = await once(settings, log);

    expect(s.status).toBe("ok");
    expect(new Set(server.allKeys())).toEqual(expectedKeys(data));
    expect(s.bulkRequests["error"]).toBe(3);
    expect(records.some((r) => r["msg"] === "batcher full: reading paused")).toBe(true);
    expect(server.stats.overwrites).toBeGreaterThan(0); // the batches dropped after indexing were re-sent
  });

  it("the shipping seam: a plugged sink gets every batch, the gate every byte, attach the pipeline, close the end", async () => {
    const data = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(join(dir, "eve.json"), data);
    let batches = 0;
    let gated = 0;
    let attached = false;
    let closed = false;
    const s = await runAgent({
      settings: testSettings(dir, server.url),
      once: true,
      stop: new AbortController().signal,
      metrics: false,
      log: captureLog().log,
      shipping: (ctx) => ({
        sink: () => ({
          deliver: (items, acked, signal) => {
            batches++;
            return ctx.direct.deliver(items, acked, signal);
          },
        }),
        gate: (bytes) => {
          gated += bytes;
          return Promise.resolve();
        },
        attach: (p) => {
          attached = p.inFlightBytes === 0;
        },
        close: () => {
          closed = true;
          return Promise.resolve();
        },
      }),
    });
    expect(s.status).toBe("ok");
    expect(batches).toBe(Object.values(s.bulkRequests).reduce((a, b) => a + b, 0));
    expect(batches).toBeGreaterThanOrEqual(4); // 200 events, batches of 50
    expect(gated).toBe(data.length);
    expect(attached && closed).toBe(true);
    expect(server.documentCount()).toBe(200);
  });

  it("exits 2 when a configured file does not exist", async () => {
    const s = await once(testSettings(dir, server.url));
    expect(s.status).toBe("missing_input");
    expect(s.exitCode).toBe(2);
    expect(s.missingFiles).toEqual([join(dir, "eve.json")]);
  });
});

describe("memory.collectEvery", () => {
  it("runs full collections with the gc() it is given as memory grows, within collectMaxShare, and reports them", async () => {
    const data = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(join(dir, "eve.json"), data);
    // V8's real gc(), as `--expose-gc` provides it to the CLI.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const run = async (maxShare: number) => {
      let calls = 0;
      await rm(join(dir, "state"), { recursive: true, force: true }); // from the start again
      const settings = testSettings(dir, server.url, { core: { readChunkBytes: 4096 }, gcPacing: { everyBytes: 8192, maxShare } });
      const s = await runAgent({ settings, once: true, stop: new AbortController().signal, metrics: false, log: captureLog().log, collectGarbage: () => (calls++, gc()) });
      expect(s.status).toBe("ok");
      expect(s.events.shipped).toBe(s.events.read);
      expect(s.forcedGc.count).toBe(calls);
      return s.forcedGc;
    };
    // No time bound: reading 4 KiB chunks grows the heap by more than 8 KiB between many of them.
    const free = await run(1);
    expect(free.count).toBeGreaterThan(1);
    expect(free.seconds).toBeGreaterThan(0);
    // A tiny share: after the first collection the next one would have to wait far longer than the run lasts.
    expect((await run(1e-9)).count).toBe(1);
  });

  it("says so and leaves collection to V8 when the process has no gc() (started without the launch tuning)", async () => {
    await writeFile(join(dir, "eve.json"), fixtureBytes("rhaist__surevego.slice.json"));
    const { log, records } = captureLog();
    const s = await once(testSettings(dir, server.url, { gcPacing: { everyBytes: 1024, maxShare: 1 } }), log);
    expect(s.status).toBe("ok");
    expect(s.forcedGc).toEqual({ count: 0, seconds: 0 });
    expect(records.some((r) => String(r["msg"]).includes("without --expose-gc"))).toBe(true);
  });
});
