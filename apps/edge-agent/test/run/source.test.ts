// FileSource persists its checkpoint as soon as it starts reading a file the checkpoint does not know, not only on
// the pipeline's periodic save: an agent killed before that save, with a rotation before its restart, must still find
// the rotated file's unread end (the kill/restart test found this loss).
import { existsSync } from "node:fs";
import { mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckpointStore } from "../../src/input/checkpoint-store.js";
import type { TailEvent } from "../../src/input/tailer.js";
import { createCore } from "../../src/options.js";
import type { Ingestor } from "../../src/pipeline/ingest.js";
import { FileSource } from "../../src/run/source.js";
import { fixtureBytes } from "../support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-source-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const core = (d: string) =>
  createCore({ sensorId: "s", evePath: join(d, "eve.json"), checkpointPath: join(d, "cp.json"), pollIntervalMs: 10, rotateGraceMs: 50 });

/** A feed that ingests events without ever acknowledging anything (nothing was shipped); `onEvent` may stop it. */
function recordingFeed(events: TailEvent[], onEvent: (ev: TailEvent) => void = () => undefined) {
  return (ing: Ingestor, ev: TailEvent): Promise<void> => {
    ing.handle(ev, { item: () => undefined, malformed: () => undefined });
    events.push(ev);
    onEvent(ev);
    return Promise.resolve();
  };
}

describe("FileSource checkpoints", () => {
  it("saves the identity of a newly opened file at once, so a rotation after a kill cannot hide its unread end", async () => {
    const path = join(dir, "eve.json");
    const gen0 = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(path, gen0);
    const stop = new AbortController();
    const first = await FileSource.open(core(dir), true);
    const seen: TailEvent[] = [];
    await first.run(recordingFeed(seen, (ev) => ev.type === "data" && stop.abort()), stop.signal); // "killed" after its first read
    expect(seen.some((e) => e.type === "data")).toBe(true);
    const saved = await new CheckpointStore(join(dir, "cp.json")).load();
    const st = await stat(path, { bigint: true });
    expect(saved?.files).toEqual([expect.objectContaining({ ino: st.ino.toString(), fingerprintBytes: 256, offset: 0 })]); // nothing acked yet

    // Rotated while the agent was down: the restart resumes the renamed file from its checkpoint, then the new one.
    await rename(path, `${path}.1`);
    await writeFile(path, fixtureBytes("cisagov__Malcolm.slice.json"));
    const events: TailEvent[] = [];
    await (await FileSource.open(core(dir), false)).run(recordingFeed(events), new AbortController().signal);
    const opens = events.flatMap((e) => (e.type === "open" ? [`${e.reason}:${e.file.path.slice(dir.length + 1)}@${e.offset}`] : []));
    expect(opens).toEqual(["resume:eve.json.1@0", "start:eve.json@0"]);
    const readFromRotated = events.reduce((n, e) => n + (e.type === "data" && e.file.path === `${path}.1` ? e.data.length : 0), 0);
    expect(readFromRotated).toBe(gen0.length);
  });

  it("does not write when the files are those of the checkpoint it resumed from", async () => {
    const path = join(dir, "eve.json");
    await writeFile(path, fixtureBytes("rhaist__surevego.slice.json"));
    const stop = new AbortController();
    await (await FileSource.open(core(dir), true)).run(recordingFeed([], (ev) => ev.type === "data" && stop.abort()), stop.signal);
    const src = await FileSource.open(core(dir), false); // resumes from the saved checkpoint
    await rm(join(dir, "cp.json"));
    await src.run(recordingFeed([]), new AbortController().signal);
    expect(existsSync(join(dir, "cp.json"))).toBe(false); // same identities, nothing acknowledged: nothing to write
    expect(await src.saveCheckpoint()).toBe(false);
  });
});
