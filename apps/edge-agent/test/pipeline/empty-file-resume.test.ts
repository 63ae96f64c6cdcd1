// Resume points in files that were empty when they were checkpointed (found by the kill/restart test): right after a
// copytruncate with nothing written since, and a brand-new live file. A head fingerprint over 0 bytes says nothing
// about the content, so such a checkpoint must be matched by inode, not by "every file starts with nothing".
import { copyFile, mkdtemp, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Checkpoint, fingerprintHead } from "../../src/input/checkpoint.js";
import { type TailEvent, tailFile } from "../../src/input/tailer.js";
import { createCore } from "../../src/options.js";
import { type IngestItem, Ingestor } from "../../src/pipeline/ingest.js";
import { fixtureBytes } from "../support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-empty-resume-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Tails `path` (following, or to the end), feeding an Ingestor that acks every item at once; `until` stops it. */
async function tail(path: string, checkpoint: Checkpoint | undefined, follow: boolean, until: (ev: TailEvent, ing: Ingestor) => boolean = () => false) {
  const ing = new Ingestor(createCore({ sensorId: "s" }));
  const items: IngestItem[] = [];
  const stop = new AbortController();
  for await (const ev of tailFile({ path, follow, pollIntervalMs: 10, rotateGraceMs: 50, signal: stop.signal, ...(checkpoint ? { checkpoint } : {}) })) {
    ing.handle(ev, { item: (i) => items.push(i), malformed: (m) => ing.ackMalformed(m) });
    for (const i of items.splice(0)) ing.ack(i);
    if (until(ev, ing)) stop.abort();
  }
  return ing;
}

describe("resume points in empty files", () => {
  it("after a copytruncate with nothing written since, a restart resumes the live file and does not re-read the copy", async () => {
    const path = join(dir, "eve.json");
    const gen0 = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(path, gen0);
    let truncatedSeen = false;
    const first = await tail(path, undefined, true, (ev) => {
      if (ev.type === "data" && ev.file.path === path && !truncatedSeen) {
        truncatedSeen = true;
        void copyFile(path, `${path}.1`).then(() => truncate(path, 0)); // logrotate copytruncate, Suricata idle
      }
      return ev.type === "close" && ev.file.path === `${path}.1`; // the copy was checked for a missed tail
    });
    expect(first.stats.truncations).toBe(1);
    const cp = first.checkpoint();
    expect(cp.files).toHaveLength(1);

    const second = await tail(path, cp, false);
    expect(second.stats.events).toBe(0); // before: the checkpoint named the old head, matched the copy, re-read it all
  });

  it("a checkpoint taken while the file was empty follows the inode across a rename, not the new live file", async () => {
    const path = join(dir, "eve.json");
    await writeFile(path, "");
    const st = await stat(path, { bigint: true });
    const cp: Checkpoint = { version: 1, files: [{ path, dev: st.dev.toString(), ino: st.ino.toString(), ...fingerprintHead(Buffer.alloc(0)), offset: 0 }] };
    const gen0 = fixtureBytes("rhaist__surevego.slice.json");
    const gen1 = fixtureBytes("cisagov__Malcolm.slice.json");
    await writeFile(path, gen0, { flag: "a" }); // written while the agent was down…
    await rename(path, `${path}.1`); // …then rotated
    await writeFile(path, gen1);
    const ing = await tail(path, cp, false);
    expect(ing.stats.events).toBe(200 + 150); // both generations; before: only the new live file
  });
});
