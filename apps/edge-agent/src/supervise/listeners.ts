/**
 * A tiny typed event channel: synchronous listeners plus an abortable async iterator, used by the connectivity
 * machine, the throttle controller and the supervisor to publish state changes without depending on a logger or
 * metrics library.
 * @module
 */

/** Thrown by {@link Listeners.emit} after every listener ran, when one or more of them threw. */
export class ListenerError extends Error {
  override readonly name = "ListenerError";
  /**
   * @param errors - what each failing listener threw, in call order.
   */
  constructor(readonly errors: readonly unknown[]) {
    super(`${errors.length} listener(s) threw: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")}`, {
      cause: errors[0],
    });
  }
}

/** Unsubscribes a listener registered with {@link Listeners.on}; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * Listener set for values of type `T`.
 *
 * `emit` calls listeners synchronously in registration order. A throwing listener does not stop the others; after
 * all ran, `emit` throws a {@link ListenerError} with every error, so a faulty listener is loud (the emitting loop
 * fails and its supervisor restarts it) while the emitter's own state is already consistent.
 */
export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>();

  /** Number of registered listeners (iterators included). */
  get size(): number {
    return this.#listeners.size;
  }

  /** Registers `listener`; returns its {@link Unsubscribe}. */
  on(listener: (value: T) => void): Unsubscribe {
    const wrapped = (value: T): void => listener(value);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  /**
   * Delivers `value` to every listener.
   * @throws {ListenerError} when at least one listener threw.
   */
  emit(value: T): void {
    const errors: unknown[] = [];
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new ListenerError(errors);
  }

  /**
   * Values emitted from now on, as an async iterator that ends (returns) when `signal` aborts or the consumer
   * breaks out of its `for await`. Values are queued while the consumer is busy; beyond `maxQueued` (default
   * 1024) the oldest queued value is dropped and counted in the iterator's `dropped` property.
   */
  stream(signal?: AbortSignal, maxQueued = 1024): AsyncIterableIterator<T> & { readonly dropped: number } {
    const queue: T[] = [];
    let wake: (() => void) | undefined;
    let done = signal?.aborted ?? false;
    let dropped = 0;
    const finish = (): void => {
      done = true;
      unsubscribe();
      signal?.removeEventListener("abort", finish);
      wake?.();
    };
    const unsubscribe = this.on((value) => {
      queue.push(value);
      if (queue.length > maxQueued) {
        queue.shift();
        dropped++;
      }
      wake?.();
    });
    signal?.addEventListener("abort", finish, { once: true });
    if (done) finish();
    const iterator = {
      get dropped(): number {
        return dropped;
      },
      async next(): Promise<IteratorResult<T>> {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (queue.length > 0) return { value: queue.shift() as T, done: false };
        return { value: undefined, done: true };
      },
      async return(): Promise<IteratorResult<T>> {
        finish();
        queue.length = 0;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
