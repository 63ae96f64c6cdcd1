// Crash/restart over rotations with the real tailer, the Ingestor, the delivery planner, the checkpoint store and the
// _bulk test double: every valid event must end up in the sink exactly once by _id, however often the agent dies
// between shipping a batch and saving its checkpoint.
import { appendFile, copyFile, mkdtemp, rename, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";
import { parseEveRecords } from "../../src/eve/parse.js";
import { CheckpointStore } from "../../src/input/checkpoint-store.js";
import { tailFile } from "../../src/input/tailer.js";
import { type Core, createCore } from "../../src/options.js";
import { type IngestItem, Ingestor } from "../../src/pipeline/ingest.js";
import { buildBulkBody } from "../../src/ship/bulk.js";
import { planDelivery } from "../../src/ship/delivery.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureBytes } from "../support/fixtures.js";

let dir: string;
let server: BulkTestServer;
const opens: string[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-crash-"));
  server = await BulkTestServer.start({ seed: 11 });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function ship(ing: Ingestor, batch: IngestItem[]): Promise<void> {
  let queue = [batch];
  for (let attempt = 0; queue.length > 0; attempt++) {
    if (attempt > 200) throw new Error("not converging");
    const items = queue.shift()!;
    let res;
    try {
      const r = await fetch(`${server.url}/_bulk`, { method: "POST", body: buildBulkBody(items) });
      res = { status: r.status, body: await r.text() };
    } catch (err) {
      res = { error: err as Error };
    }
    const plan = planDelivery(items, res);
    for (const i of plan.acked) ing.ack(i);
    for (const d of plan.deadLetter) ing.ackDeadLettered(d.item);
    queue = [...plan.split, ...queue];
    if (plan.retry.length > 0) queue.push(plan.retry);
  }
}

/** One agent lifetime in --once mode; "crashes" (returns without saving) after `crashAfterBatches` batches. */
async function runAgent(core: Core, path: string, store: CheckpointStore, crashAfterBatches: number): Promise<"crashed" | "done"> {
  const ing = new Ingestor(core);
  const batcher = core.createBatcher<IngestItem>();
  let batches = 0;
  const items: IngestItem[] = [];
  const sink = { item: (i: IngestItem) => items.push(i), malformed: (m: Parameters<Ingestor["ackMalformed"]>[0]) => ing.ackMalformed(m) };
  for await (const ev of tailFile({ path, follow: false, checkpoint: await store.load(), readChunkBytes: 4096 })) {
    if (ev.type === "open") opens.push(`${ev.reason}:${ev.file.path.slice(dir.length + 1)}`);
    items.length = 0;
    ing.handle(ev, sink);
    for (const it of items) batcher.offer(it, it.bytes, it.priority, 0);
    for (let b = batcher.take(0); b; b = batcher.take(0)) {
      await ship(ing, b.items);
      if (++batches >= crashAfterBatches) return "crashed"; // indexed, checkpoint not saved
    }
    await store.save(ing.checkpoint());
  }
  for (let b = batcher.take(0, true); b; b = batcher.take(0, true)) await ship(ing, b.items);
  await store.save(ing.checkpoint());
  expect(ing.inFlightLines).toBe(0);
  return "done";
}

function expectedKeys(core: Core, data: Buffer, into: Set<string>): void {
  forEachLine(data, 0, (line) => {
    parseEveRecords(line, core.parseOptions, (r) => {
      if (r.ok) into.add(`${core.indexNamer.indexFor(r.eventType, r.timestampMs)}/${core.ids.idFor(r.raw)}`);
    });
  }, createLineStats());
}

describe("crash and restart across rotations", () => {
  it("ends with every valid event exactly once by _id", async () => {
    const core = createCore({ sensorId: "pi-7", batchMaxEvents: 40 });
    const path = join(dir, "eve.json");
    const store = new CheckpointStore(join(dir, "checkpoint.json"));
    const gen0 = Buffer.concat([fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json"), fixtureBytes("malformed-fixtures.json")]);
    const gen1 = fixtureBytes("rhaist__surevego.slice.json");
    const gen2 = fixtureBytes("cisagov__Malcolm.slice.json");
    const expected = new Set<string>();
    for (const g of [gen0, gen1, gen2]) expectedKeys(core, g, expected);
    server.failItems({ fraction: 0.1, status: 429, times: 1 });

    await writeFile(path, gen0);
    expect(await runAgent(core, path, store, 2)).toBe("crashed");
    expect(await runAgent(core, path, store, 3)).toBe("crashed");
    // rename rotation while the agent is down
    await rename(path, `${path}.1`);
    await writeFile(path, gen1.subarray(0, 30_000));
    expect(await runAgent(core, path, store, 4)).toBe("crashed");
    await appendFile(path, gen1.subarray(30_000));
    expect(await runAgent(core, path, store, 3)).toBe("crashed");
    // copytruncate rotation while the agent is down (logrotate shifts .1 to .2 first)
    await rename(`${path}.1`, `${path}.2`);
    await copyFile(path, `${path}.1`);
    await truncate(path, 0);
    await writeFile(path, gen2);
    expect(await runAgent(core, path, store, 2)).toBe("crashed");
    let runs = 0;
    while ((await runAgent(core, path, store, 1000)) !== "done") if (++runs > 5) throw new Error("never finished");

    expect(new Set(server.allKeys())).toEqual(expected);
    expect(server.documentCount()).toBe(expected.size);
    expect(server.stats.overwrites).toBeGreaterThan(0); // replays after the crashes landed on the same ids
    // the generation rotated away before it was ever opened was found and read from its copytruncate copy
    expect(opens).toContain("generation:eve.json.1");
    const cp = await store.load();
    expect(cp?.files.at(-1)).toMatchObject({ path, offset: gen2.length });
  });
});

describe("20 crashes at random points", () => {
  it("still ends with every valid event exactly once, with a rotation halfway", async () => {
    const core = createCore({ sensorId: "pi-8", batchMaxEvents: 25 });
    const path = join(dir, "eve.json");
    const store = new CheckpointStore(join(dir, "checkpoint.json"));
    const gen0 = fixtureBytes("OISF__suricata-verify.json");
    const gen1 = fixtureBytes("rhaist__surevego.slice.json");
    const expected = new Set<string>();
    for (const g of [gen0, gen1]) expectedKeys(core, g, expected);
    server.dropNextBulkConnections(3, "after-indexing");
    await writeFile(path, gen0);
    let seed = 2024;
    const rnd = (k: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return 1 + (seed % k);
    };
    for (let crash = 0; crash < 20; crash++) {
      if (crash === 10) {
        await rename(path, `${path}.1`);
        await writeFile(path, gen1);
      }
      await runAgent(core, path, store, rnd(4));
    }
    let runs = 0;
    while ((await runAgent(core, path, store, 1000)) !== "done") if (++runs > 5) throw new Error("never finished");
    expect(new Set(server.allKeys())).toEqual(expected);
    expect(server.documentCount()).toBe(expected.size);
  });
});
