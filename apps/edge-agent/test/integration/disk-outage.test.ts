// An outage with the disk spool: OpenSearch becomes unreachable (connections refused) while events keep being
// appended to eve.json; the daemon buffers them on disk, then drains them in order when OpenSearch is back and
// returns to shipping directly. Every valid event ends in the sink exactly once by _id, in file order per lane.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { fixtureBytes } from "../support/fixtures.js";
import { testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, laneOrderViolations, messages, recordArrivals, sample, scrape, startBuffered, syntheticEve, writeGradually, outageRig } from "./buffered-daemon.js";

const rig = outageRig("edge-disk-outage-");

describe("buffered shipping with the disk spool", { timeout: 90_000 }, () => {
  it("buffers on disk through an outage, drains in order, and ships directly again", async () => {
    const { dir, server, gate } = rig;
    const path = join(dir, "eve.json");
    const before = fixtureBytes("rhaist__surevego.slice.json");
    const during = Buffer.concat([fixtureBytes("cisagov__Malcolm.slice.json"), syntheticEve(600, "disk-outage")]);
    const after = fixtureBytes("OISF__suricata-verify.json");
    const all = Buffer.concat([before, during, after]);
    const expected = keysInOrder(all);
    const arrivals = recordArrivals(server);
    await writeFile(path, before);
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "disk", dir: join(dir, "spool"), maxBytes: 64 << 20 },
    });
    const d = startBuffered(settings);
    await waitFor(() => server.documentCount() === keysInOrder(before).length, 20_000, "events before the outage");
    await waitFor(async () => sample(await scrape(d), "soc_edge_shipping_mode", 'mode="direct"') === 1, 10_000, "direct shipping");

    await gate.down();
    const downAt = Date.now();
    const shippedBefore = server.documentCount();
    const writing = writeGradually(path, during, 20, 50);
    await waitFor(async () => sample(await scrape(d), "soc_edge_connectivity_state", 'state="offline"') === 1, 10_000, "offline");
    await waitFor(async () => (sample(await scrape(d), "soc_edge_buffer_depth_events") ?? 0) > 200, 20_000, "events buffered");
    const spoolBytes = (await stat(join(dir, "spool"))).isDirectory();
    expect(spoolBytes).toBe(true);
    expect(server.documentCount()).toBe(shippedBefore); // unreachable: nothing arrives
    await writing;
    // Everything written so far is read and durably buffered: the checkpoint covers it although nothing was shipped.
    await waitFor(async () => {
      try {
        const cp = JSON.parse(await readFile(checkpointPathFor(settings.checkpointDir, path), "utf8")) as { files: { offset: number }[] };
        return cp.files.at(-1)?.offset === before.length + during.length;
      } catch {
        return false;
      }
    }, 20_000, "checkpoint over buffered events");
    expect(sample(await scrape(d), "soc_edge_shipping_mode", 'mode="buffer"')).toBe(1);
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + 8000 - Date.now()))); // an outage of 8 s at least
    expect(server.documentCount()).toBe(shippedBefore);

    await gate.up();
    await writeGradually(path, after, 20, 20);
    await waitFor(() => server.documentCount() === expected.length, 60_000, "every event after the outage");
    await waitFor(async () => {
      const m = await scrape(d);
      return sample(m, "soc_edge_buffer_depth_events") === 0 && sample(m, "soc_edge_shipping_mode", 'mode="direct"') === 1;
    }, 20_000, "buffer drained and direct shipping");

    expect(new Set(server.allKeys())).toEqual(new Set(expected.map((e) => e.key)));
    expect(server.documentCount()).toBe(expected.length);
    expect(laneOrderViolations(expected, arrivals)).toEqual([]);
    const m = await scrape(d);
    expect(sample(m, "soc_edge_buffer_appended_events_total")).toBeGreaterThan(600);
    expect(sample(m, "soc_edge_buffer_drained_events_total")).toBe(sample(m, "soc_edge_buffer_appended_events_total"));
    expect(sample(m, "soc_edge_connectivity_transitions_total", 'to="offline"')).toBeGreaterThanOrEqual(1);
    expect(sample(m, "soc_edge_component_up", 'component="drainer"')).toBe(1);
    expect(messages(d).filter((x) => x === "OpenSearch unreachable: buffering")).toHaveLength(1);

    d.stop.abort();
    const s = await d.done;
    expect(s).toMatchObject({ status: "stopped", exitCode: 0 });
    expect(s.events.deadLettered).toBe(0);
    const cp = JSON.parse(await readFile(checkpointPathFor(settings.checkpointDir, path), "utf8")) as { files: { offset: number }[] };
    expect(cp.files.at(-1)?.offset).toBe(all.length);
  });
});
