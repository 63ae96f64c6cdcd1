// Runs tailFile in the background and records its events for assertions.
import { type TailerOptions, type TailEvent, tailFile } from "../../src/input/tailer.js";

export class TailHarness {
  readonly events: TailEvent[] = [];
  readonly #abort = new AbortController();
  readonly done: Promise<void>;
  error: unknown;

  constructor(options: Omit<TailerOptions, "signal">) {
    this.done = (async () => {
      try {
        for await (const ev of tailFile({ pollIntervalMs: 20, rotateGraceMs: 300, ...options, signal: this.#abort.signal })) {
          this.events.push(ev);
        }
      } catch (err) {
        this.error = err;
      }
    })();
  }

  /** Concatenated `data` bytes, optionally for one path. */
  text(path?: string): string {
    return this.events
      .filter((e): e is Extract<TailEvent, { type: "data" }> => e.type === "data" && (path === undefined || e.file.path === path))
      .map((e) => e.data.toString("latin1"))
      .join("");
  }

  kinds(): string[] {
    return this.events.map((e) => (e.type === "data" ? `data@${e.offset}${e.complete ? "" : "!"}` : `${e.type}:${"reason" in e ? e.reason : ""}`));
  }

  async waitFor(pred: (h: TailHarness) => boolean, timeoutMs = 5000): Promise<void> {
    const start = Date.now();
    while (!pred(this)) {
      if (this.error) throw this.error;
      if (Date.now() - start > timeoutMs) throw new Error(`timeout; events: ${this.kinds().join(", ")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.done;
    if (this.error) throw this.error;
  }
}
