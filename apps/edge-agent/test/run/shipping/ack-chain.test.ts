import { describe, expect, it } from "vitest";
import type { BufferEntry, BufferHandle } from "../../../src/buffer/index.js";
import { AckChain } from "../../../src/run/shipping/ack-chain.js";

const entry = (n: number): BufferEntry => ({ index: "i", id: `id${n}`, raw: Buffer.from("{}"), eventType: "dns", priority: 1, handle: n as unknown as BufferHandle });

describe("AckChain", () => {
  it("acknowledges pieces in order, one after the other", async () => {
    const log: string[] = [];
    const chain = new AckChain({
      ack: async (handles) => {
        log.push(`start ${handles.join(",")}`);
        await new Promise((r) => setTimeout(r, handles.length === 2 ? 10 : 0)); // the first piece is slower
        log.push(`end ${handles.join(",")}`);
      },
    });
    chain.push([entry(1), entry(2)]);
    chain.push([entry(3)]);
    await chain.settled();
    expect(log).toEqual(["start 1,2", "end 1,2", "start 3", "end 3"]);
  });

  it("reports the first failure once, still acknowledges later pieces, and rethrows it when settled", async () => {
    const acked: unknown[][] = [];
    let errors = 0;
    const chain = new AckChain(
      {
        ack: (handles) => {
          acked.push([...handles]);
          return (handles[0] as unknown) === 3 ? Promise.resolve() : Promise.reject(new Error(`disk full at ${String(handles[0])}`));
        },
      },
      () => errors++,
    );
    chain.push([entry(1)]);
    chain.push([entry(2)]);
    chain.push([entry(3)]);
    await expect(chain.settled()).rejects.toThrow("disk full at 1");
    expect(acked).toEqual([[1], [2], [3]]);
    expect(errors).toBe(1);
  });
});
