/**
 * Acknowledgements of a drained batch, in order, while its delivery may still run: the deliverer reports done
 * entries in pieces (per-item results, retries), and each piece is acknowledged in the buffer after the previous
 * one. A failed ack (e.g. `SpoolIoError` on a full disk) is caught at once — it must not become an unhandled
 * rejection while the delivery runs — remembered (the first one), reported through `onError`, and rethrown by
 * {@link AckChain.settled}; later pieces are still acknowledged. Used by the daemon's `Drainer` and `--once`'s
 * `drainAll`.
 * @module
 */
import type { BufferEntry, DurableBuffer } from "../../buffer/index.js";

/** In-order acknowledgement of done buffer entries; see the module documentation. */
export class AckChain {
  readonly #buffer: Pick<DurableBuffer, "ack">;
  readonly #onError: (() => void) | undefined;
  #tail: Promise<void> = Promise.resolve();
  #failed = false;
  #error: unknown;

  /**
   * @param buffer - where the entries are acknowledged.
   * @param onError - called once, at the first failed ack (the `Drainer` cuts the rest of its batch short).
   */
  constructor(buffer: Pick<DurableBuffer, "ack">, onError?: () => void) {
    this.#buffer = buffer;
    this.#onError = onError;
  }

  /** Queues the acknowledgement of `done` after the ones queued before. */
  push(done: readonly BufferEntry[]): void {
    const handles = done.map((e) => e.handle);
    this.#tail = this.#tail
      .then(() => this.#buffer.ack(handles))
      .catch((err: unknown) => {
        if (this.#failed) return;
        this.#failed = true;
        this.#error = err;
        this.#onError?.();
      });
  }

  /**
   * Resolves when every queued acknowledgement has run.
   *
   * @throws the first failed acknowledgement's error.
   */
  async settled(): Promise<void> {
    await this.#tail;
    if (this.#failed) throw this.#error;
  }
}
