// A clean stop after the disk spool was drained must leave its acknowledgement position on disk: the next start
// re-sends nothing (a kill/restart run once saw two entries re-sent after a clean SIGTERM).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../support/fixtures.js";
import { testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, outageRig, sample, scrape, startBuffered } from "./buffered-daemon.js";

const rig = outageRig("edge-clean-stop-");

const ackHead = async (spool: string): Promise<number> => (JSON.parse(await readFile(join(spool, "ack.json"), "utf8")) as { head: number }).head;

describe("disk spool across a clean stop", { timeout: 60_000 }, () => {
  it("persists the ack position of a drained spool on SIGTERM: the restart re-sends zero entries", async () => {
    const { dir, server, gate } = rig;
    await gate.down();
    const path = join(dir, "eve.json");
    const data = Buffer.concat([fixtureBytes("rhaist__surevego.slice.json"), fixtureBytes("OISF__suricata-verify.json")]);
    const expected = keysInOrder(data);
    await writeFile(path, data);
    const spool = join(dir, "spool");
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "disk", dir: spool, maxBytes: 64 << 20 },
    });
    const d1 = startBuffered(settings);
    await waitFor(() => d1.metrics() !== "", 10_000, "metrics server");
    // Offline at start: everything goes through the spool.
    await waitFor(async () => sample(await scrape(d1), "soc_edge_buffer_appended_events_total") === expected.length, 20_000, "every event in the spool");
    await gate.up();
    await waitFor(() => server.documentCount() === expected.length, 30_000, "the spool drained");
    await waitFor(async () => {
      const m = await scrape(d1);
      return sample(m, "soc_edge_shipping_mode", 'mode="direct"') === 1 && sample(m, "soc_edge_buffer_depth_events") === 0;
    }, 10_000, "direct shipping with an empty spool");
    d1.stop.abort();
    expect(await d1.done).toMatchObject({ status: "stopped", exitCode: 0 });
    // Every drained entry is behind the persisted head (sequence numbers start at 0 in a new spool).
    expect(await ackHead(spool)).toBe(expected.length);

    const received = server.stats.itemsReceived;
    const d2 = startBuffered(settings);
    await waitFor(() => d2.metrics() !== "", 10_000, "metrics server");
    // Direct mode again means the drainer read the spool and found it empty.
    await waitFor(async () => sample(await scrape(d2), "soc_edge_shipping_mode", 'mode="direct"') === 1, 20_000, "direct shipping after the restart");
    d2.stop.abort();
    const s2 = await d2.done;
    expect(s2).toMatchObject({ status: "stopped", exitCode: 0 });
    expect(s2.events.read).toBe(0);
    expect(server.stats.itemsReceived - received).toBe(0);
  });
});
