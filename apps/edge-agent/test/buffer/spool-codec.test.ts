import { describe, expect, it } from "vitest";
import {
  decodeFrame,
  encodeFrames,
  FrameEncodeError,
  frameSize,
  FRAME_HEADER_BYTES,
  PAYLOAD_FIXED_BYTES,
  scanFrames,
} from "../../src/buffer/spool-codec.js";
import { rec } from "./records.js";

const MAX = 1 << 20;

describe("spool frame codec", () => {
  it("round-trips records with their sequence numbers, UTF-8 fields and binary raw bytes", () => {
    const binary = { index: "logs-ünï-2024.05.01", id: "é".repeat(3), eventType: "tls", priority: 1 as const, raw: Buffer.from([0, 255, 10, 13, 34]) };
    const records = [rec(1), binary, rec(3, 2)];
    const first = 2 ** 40 + 5; // above 32 bits
    const { bytes, sizes } = encodeFrames(first, records);
    expect(sizes).toEqual(records.map(frameSize));
    expect(bytes.length).toBe(sizes.reduce((a, b) => a + b));
    let o = 0;
    records.forEach((r, i) => {
      const d = decodeFrame(bytes, o, MAX);
      if (d.kind !== "frame") throw new Error(`frame ${i}: ${JSON.stringify(d)}`);
      expect(d.seq).toBe(first + i);
      expect(d.record).toEqual({ ...r, raw: expect.any(Buffer) });
      expect(d.record.raw.equals(r.raw)).toBe(true);
      o += d.size;
    });
    expect(frameSize(binary)).toBe(FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES + Buffer.byteLength(binary.index) + 6 + 3 + 5);
  });

  it("never decodes a torn frame: every cut reports incomplete and the scan stops at the last whole frame", () => {
    const { bytes, sizes } = encodeFrames(7, [rec(1), rec(2, 1), rec(3, 2)]);
    const boundaries = [0, sizes[0] as number, (sizes[0] as number) + (sizes[1] as number)];
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = scanFrames(bytes.subarray(0, cut), 7, MAX);
      const whole = boundaries.filter((b) => b <= cut).length - 1;
      expect(r.frames).toBe(whole);
      expect(r.validEnd).toBe(boundaries[whole]);
      expect(r.nextSeq).toBe(7 + whole);
      expect(r.stop).toBe(cut === boundaries[whole] ? "end" : "incomplete");
    }
    expect(scanFrames(bytes, 7, MAX)).toEqual({ frames: 3, validEnd: bytes.length, nextSeq: 10, stop: "end" });
  });

  it("detects a flipped payload byte, a zero-filled tail, a garbage length and a sequence gap", () => {
    const { bytes, sizes } = encodeFrames(0, [rec(1), rec(2)]);
    const s0 = sizes[0] as number;
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(s0 + FRAME_HEADER_BYTES + 20) ^ 0x01, s0 + FRAME_HEADER_BYTES + 20);
    expect(scanFrames(flipped, 0, MAX)).toMatchObject({ frames: 1, validEnd: s0, stop: "corrupt", reason: "checksum mismatch" });

    const zeros = Buffer.concat([bytes, Buffer.alloc(4096)]);
    expect(scanFrames(zeros, 0, MAX)).toMatchObject({ frames: 2, validEnd: bytes.length, stop: "corrupt" });

    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0xfffffff0, s0);
    expect(decodeFrame(huge, s0, MAX)).toMatchObject({ kind: "corrupt" });

    expect(scanFrames(bytes, 5, MAX)).toMatchObject({ frames: 0, stop: "corrupt", reason: "sequence 0, expected 5" });
  });

  it("rejects fields that do not fit the u16 length and out-of-range sequences", () => {
    expect(() => encodeFrames(0, [{ ...rec(1), id: "x".repeat(70_000) }])).toThrow(FrameEncodeError);
    expect(() => encodeFrames(-1, [rec(1)])).toThrow(FrameEncodeError);
    expect(() => encodeFrames(Number.MAX_SAFE_INTEGER, [rec(1)])).toThrow(FrameEncodeError);
  });
});
