// A restart with a backlog: the checkpoint names a rotated generation (A, being finished) and the live file (B).
// Reading A can take long (backpressure during an outage); if logrotate renames B away meanwhile, the resume must
// still find B by identity and then read the new live file from its start — not open "eve.json" by name and seek
// the new file to B's offset.
import { appendFile, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Checkpoint, fingerprintHead, type FileCheckpoint } from "../../src/input/checkpoint.js";
import { tailFile } from "../../src/input/tailer.js";
import { fixtureBytes } from "../support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-resume-rotation-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entry(path: string, content: Buffer, offset: number): Promise<FileCheckpoint> {
  const st = await stat(path, { bigint: true });
  return { path, dev: st.dev.toString(), ino: st.ino.toString(), ...fingerprintHead(content), offset };
}

/** Offset just past the line that contains `at`. */
const lineEnd = (b: Buffer, at: number): number => b.indexOf(10, at) + 1;

describe("resume across a rotation that happens while the backlog is read", () => {
  it("reads the rest of the checkpointed live file from where it was renamed, then the new live file from 0", async () => {
    const path = join(dir, "eve.json");
    const a = fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json");
    const b = fixtureBytes("rhaist__surevego.slice.json");
    const c = fixtureBytes("cisagov__Malcolm.slice.json");
    await writeFile(path, a);
    const aOffset = lineEnd(a, 10_000);
    const cpA = await entry(path, a, aOffset);
    await rename(path, `${path}.1`);
    await writeFile(path, b);
    const bOffset = lineEnd(b, 50_000);
    const cp: Checkpoint = { version: 1, files: [{ ...cpA, path: `${path}.1` }, await entry(path, b, bOffset)] };

    const read = new Map<string, number>(); // bytes read per inode
    const starts: string[] = [];
    let rotated = false;
    for await (const ev of tailFile({ path, checkpoint: cp, follow: false, readChunkBytes: 4096 })) {
      if (ev.type === "open") starts.push(`${ev.file.ino === cpA.ino ? "A" : ev.file.ino === cp.files[1]?.ino ? "B" : "C"}@${ev.offset}`);
      if (ev.type !== "data") continue;
      read.set(ev.file.ino, (read.get(ev.file.ino) ?? 0) + ev.data.length);
      if (!rotated) {
        // The consumer is slow (reading A); logrotate runs: A → .2, B → .1, a new live file C.
        rotated = true;
        await rename(`${path}.1`, `${path}.2`);
        await rename(path, `${path}.1`);
        await writeFile(path, c);
      }
    }
    const cIno = (await stat(path, { bigint: true })).ino.toString();
    expect(starts).toEqual([`A@${aOffset}`, `B@${bOffset}`, "C@0"]);
    expect(read.get(cpA.ino)).toBe(a.length - aOffset);
    expect(read.get(cp.files[1]?.ino ?? "")).toBe(b.length - bOffset);
    expect(read.get(cIno)).toBe(c.length);
  });

  it("following, it keeps reading the renamed file for the rotation grace (Suricata writes to it until it reopens)", async () => {
    const path = join(dir, "eve.json");
    const a = fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json");
    const b = fixtureBytes("rhaist__surevego.slice.json");
    const late = fixtureBytes("OISF__suricata-verify.json").subarray(0, lineEnd(fixtureBytes("OISF__suricata-verify.json"), 2000));
    const c = fixtureBytes("cisagov__Malcolm.slice.json");
    await writeFile(path, a);
    const cpA = await entry(path, a, 0);
    await rename(path, `${path}.1`);
    await writeFile(path, b);
    const cpB = await entry(path, b, lineEnd(b, 50_000));
    const cp: Checkpoint = { version: 1, files: [{ ...cpA, path: `${path}.1` }, cpB] };

    const read = new Map<string, number>();
    const stop = new AbortController();
    let rotated = false;
    for await (const ev of tailFile({ path, checkpoint: cp, follow: true, readChunkBytes: 4096, pollIntervalMs: 10, rotateGraceMs: 300, signal: stop.signal })) {
      if (ev.type !== "data") continue;
      read.set(ev.file.ino, (read.get(ev.file.ino) ?? 0) + ev.data.length);
      if (!rotated) {
        rotated = true;
        await rename(`${path}.1`, `${path}.2`);
        await rename(path, `${path}.1`);
        await writeFile(path, c);
        setTimeout(() => void appendFile(`${path}.1`, late), 50); // a last write to B before Suricata reopens
      }
      const cIno = (await stat(path, { bigint: true })).ino.toString();
      if (ev.file.ino === cIno && (read.get(cIno) ?? 0) >= c.length) stop.abort();
    }
    expect(read.get(cpB.ino)).toBe(b.length - cpB.offset + late.length);
  });

  it("a live file the checkpoint did not know yet is read too when it is renamed before its turn", async () => {
    const path = join(dir, "eve.json");
    const a = fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json");
    const b = fixtureBytes("rhaist__surevego.slice.json");
    const c = fixtureBytes("cisagov__Malcolm.slice.json");
    await writeFile(path, a);
    const cpA = await entry(path, a, lineEnd(a, 10_000));
    await rename(path, `${path}.1`); // rotated while the agent was down; B was created after its last checkpoint
    await writeFile(path, b);
    const bIno = (await stat(path, { bigint: true })).ino.toString();
    const cp: Checkpoint = { version: 1, files: [{ ...cpA, path: `${path}.1` }] };

    const read = new Map<string, number>();
    let rotated = false;
    for await (const ev of tailFile({ path, checkpoint: cp, follow: false, readChunkBytes: 4096 })) {
      if (ev.type !== "data") continue;
      read.set(ev.file.ino, (read.get(ev.file.ino) ?? 0) + ev.data.length);
      if (!rotated) {
        rotated = true; // while A is read: A → .2, B → .1, a new live file C
        await rename(`${path}.1`, `${path}.2`);
        await rename(path, `${path}.1`);
        await writeFile(path, c);
      }
    }
    expect(read.get(bIno)).toBe(b.length); // before: B was skipped, C was read as "the live file"
    expect(read.get((await stat(path, { bigint: true })).ino.toString())).toBe(c.length);
  });
});
