/**
 * Redis Streams implementation of the {@link DurableBuffer} (`buffer: { type: "redis", url, stream, maxLen,
 * consumerGroup }`), the seed's Redis fallback buffer, with ioredis.
 *
 * - `append`: one `MULTI` with `XADD <stream> MAXLEN ~ <maxLen> * x <index> i <id> t <eventType> p <priority>
 *   r <raw>` per record, `INCRBY <stream>:bytes` and `XLEN` (https://redis.io/docs/latest/commands/xadd/). The buffer
 *   refuses appends (`BufferFullError`, priority headroom of `admission.ts` counted in entries) before the stream
 *   reaches `maxLen`, and acknowledged entries are deleted, so `MAXLEN` is only a safety net that never trims
 *   unacknowledged data. `~` lets Redis trim whole macro nodes only, and never below `maxLen`.
 * - `read`: `XREADGROUP GROUP <group> <consumer> COUNT n STREAMS <stream> <id>`
 *   (https://redis.io/docs/latest/commands/xreadgroup/). After open or `rewind()` it first reads this consumer's own
 *   pending entries (ID `0`, then the last ID seen): entries delivered before a crash and never acknowledged.
 *   Then new entries (ID `>`). On open it also takes over entries idle for `claimIdleMs` in other consumers'
 *   pending lists with `XAUTOCLAIM … JUSTID` (https://redis.io/docs/latest/commands/xautoclaim/), e.g. after the
 *   consumer name changed.
 * - `ack`: one `MULTI` with `XACK`, `XDEL` and `DECRBY <stream>:bytes` (https://redis.io/docs/latest/commands/xack/).
 * - The consumer group is created idempotently with `XGROUP CREATE <stream> <group> 0 MKSTREAM` (a `BUSYGROUP`
 *   reply means it exists).
 * Durability is the Redis server's: configure `appendonly yes` (and `appendfsync`) and `maxmemory-policy
 * noeviction` so the stream is neither lost on restart nor evicted. Reconnection is ioredis's (retry strategy and
 * offline queue); a command that fails after `maxRetriesPerRequest` reconnection attempts rejects with
 * `RedisBufferError`. A connection lost during `EXEC` may leave the outcome unknown: retrying the append can then
 * duplicate entries, which the deterministic `_id` makes harmless. One writer per stream (the depth used for
 * admission is tracked locally and re-synchronised from `XLEN` on every append and ack).
 * Background: https://redis.io/docs/latest/develop/data-types/streams/
 * @module
 */
import type { Redis, RedisOptions } from "ioredis";
import type { EventPriority } from "../eve/event-types.js";
import { Admission } from "./admission.js";
import { BufferClosedError, BufferFullError, BufferOptionsError, RedisBufferError } from "./errors.js";
import { decodeStreamEntries, encodeStreamFields, recordBytes, type StreamEntry } from "./redis-codec.js";
import type { BufferEntry, BufferHandle, BufferRecord, BufferStats, DurableBuffer } from "./types.js";

/** Options of {@link RedisStreamBuffer.open} (the config's `buffer` fields, plus tuning). */
export interface RedisStreamBufferOptions {
  /** `redis://[user:pass@]host:port[/db]`, `rediss://…` (TLS) or `unix:///path/to/redis.sock`. */
  readonly url: string;
  /** Stream key. Byte depth is kept in `<stream>:bytes`. */
  readonly stream: string;
  /** Capacity in entries: appends are refused before the stream holds more. */
  readonly maxLen: number;
  /** Consumer group name. */
  readonly consumerGroup: string;
  /** Consumer name within the group; keep it stable across restarts to re-read its own pending entries. Default `"edge-agent"`. */
  readonly consumer?: string;
  /** Headroom per priority step (`admission.ts`). Default 0.1. */
  readonly reserveFraction?: number;
  /** Take over other consumers' pending entries idle this long (ms) on open and rewind; `undefined` disables. Default 60 000. */
  readonly claimIdleMs?: number | undefined;
  /** ioredis `maxRetriesPerRequest`: reconnection attempts before a command rejects. Default 3. */
  readonly maxRetriesPerRequest?: number;
  /** ioredis `connectTimeout` in ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Extra ioredis options (TLS, password, retryStrategy…); override the ones derived above. */
  readonly redisOptions?: RedisOptions;
  /** Receives connection errors ioredis reports between commands (it reconnects by itself). */
  readonly onError?: (err: RedisBufferError) => void;
}

/**
 * Connection options for a buffer URL: `unix:///path` → `{ path }` (ioredis does not parse that scheme); other
 * URLs are left to ioredis.
 *
 * @throws {BufferOptionsError} for an empty unix socket path.
 */
export function redisConnectionOptions(url: string): RedisOptions & { url?: string } {
  if (url.startsWith("unix://")) {
    const path = decodeURIComponent(url.slice("unix://".length));
    if (!path.startsWith("/")) throw new BufferOptionsError(`unix socket URL needs an absolute path: ${url}`);
    return { path };
  }
  return { url };
}

/** See the module documentation. Create with {@link RedisStreamBuffer.open}. */
export class RedisStreamBuffer implements DurableBuffer {
  readonly #redis: Redis;
  readonly #o: Required<Pick<RedisStreamBufferOptions, "stream" | "consumerGroup" | "consumer" | "maxLen">> & {
    claimIdleMs: number | undefined;
  };
  readonly #bytesKey: string;
  readonly #admission: Admission;
  readonly #sizes = new Map<string, number>();
  readonly #onError: ((err: RedisBufferError) => void) | undefined;
  #depth: number;
  #depthBytes: number;
  #pending = 0;
  #highWater = 0;
  #phase: "own-pending" | "new" = "own-pending";
  #cursor = "0";
  #carry: BufferEntry[] = [];
  #readChain: Promise<unknown> = Promise.resolve();
  #ops = new Set<Promise<unknown>>();
  #closed: Promise<void> | undefined;
  /** Pending entries whose data was deleted (XDEL or trimmed) before delivery: acknowledged or dropped by XAUTOCLAIM, counted. */
  #missing = 0;

  private constructor(redis: Redis, options: RedisStreamBufferOptions, depth: number, depthBytes: number) {
    this.#redis = redis;
    this.#o = {
      stream: options.stream,
      consumerGroup: options.consumerGroup,
      consumer: options.consumer ?? "edge-agent",
      maxLen: options.maxLen,
      claimIdleMs: "claimIdleMs" in options ? options.claimIdleMs : 60_000,
    };
    this.#bytesKey = `${options.stream}:bytes`;
    this.#onError = options.onError;
    this.#admission = new Admission(options.maxLen, options.reserveFraction ?? 0.1);
    this.#depth = depth;
    this.#depthBytes = depthBytes;
    this.#noteFill();
  }

  /**
   * Connects, creates the consumer group if needed and claims idle pending entries of other consumers.
   *
   * @throws {BufferOptionsError} on an invalid `maxLen`, stream or group name.
   * @throws {RedisBufferError} (operation `connect`, `group` or `claim`) when Redis is unreachable or refuses.
   */
  static async open(options: RedisStreamBufferOptions): Promise<RedisStreamBuffer> {
    if (!(Number.isSafeInteger(options.maxLen) && options.maxLen > 0)) {
      throw new BufferOptionsError(`maxLen must be a positive integer, got ${options.maxLen}`);
    }
    if (!options.stream || !options.consumerGroup) throw new BufferOptionsError("stream and consumerGroup must be non-empty");
    const { stream } = options;
    const { url, ...conn } = redisConnectionOptions(options.url);
    const settings: RedisOptions = {
      ...conn,
      lazyConnect: true,
      // RESP2 reply shapes (ioredis 6 defaults to RESP3, which flattens XREADGROUP's map reply).
      protocol: 2,
      maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      ...options.redisOptions,
    };
    // Loaded here, not at module load: an agent with the disk spool (the default) never holds ioredis (~2 MiB of heap).
    const { Redis: RedisClient } = await import("ioredis");
    const redis = url === undefined ? new RedisClient(settings) : new RedisClient(url, settings);
    const onError = options.onError;
    // Without a listener ioredis prints unhandled error events; route them to the caller instead.
    redis.on("error", (err: unknown) => onError?.(new RedisBufferError("connection", stream, err)));
    let op = "connect";
    try {
      await redis.connect();
      op = "group";
      try {
        await redis.call("XGROUP", "CREATE", stream, options.consumerGroup, "0", "MKSTREAM");
      } catch (err) {
        if (!String((err as Error).message).startsWith("BUSYGROUP")) throw err;
      }
      const [len, bytes] = (await redis.multi().xlen(stream).get(`${stream}:bytes`).exec()) ?? [];
      if (len?.[0] || bytes?.[0]) throw len?.[0] ?? bytes?.[0];
      const buffer = new RedisStreamBuffer(redis, options, Number(len?.[1] ?? 0), Math.max(0, Number(bytes?.[1] ?? 0)));
      op = "claim";
      await buffer.#claim();
      return buffer;
    } catch (err) {
      redis.disconnect();
      throw err instanceof RedisBufferError ? err : new RedisBufferError(op, stream, err);
    }
  }

  /**
   * Pending entries found without data since open (deleted from the stream by something else before this consumer
   * re-read them): skipped and counted here, as data the buffer could not deliver.
   */
  get missing(): number {
    return this.#missing;
  }

  /** Runs a command sequence, wrapping errors with context and tracking it for `close()`. */
  #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new BufferClosedError(operation));
    const p = fn().catch((err: unknown) => {
      throw err instanceof RedisBufferError || err instanceof BufferFullError ? err : new RedisBufferError(operation, this.#o.stream, err);
    });
    this.#ops.add(p);
    const done = (): void => void this.#ops.delete(p);
    p.then(done, done);
    return p;
  }

  /** Executes a MULTI and returns the replies, throwing the first command error. */
  async #exec(multi: ReturnType<Redis["multi"]>): Promise<unknown[]> {
    const replies = await multi.exec();
    if (replies === null) throw new Error("transaction aborted");
    for (const [err] of replies) if (err) throw err;
    return replies.map(([, v]) => v);
  }

  /** @inheritdoc */
  append(records: readonly BufferRecord[]): Promise<void> {
    return this.#run("append", async () => {
      if (records.length === 0) return;
      const used = this.#depth + this.#pending;
      const refusal = this.#admission.check(used, records.map(() => 1), records.map((r) => r.priority));
      if (refusal) throw new BufferFullError(refusal.priority, records.length, used, refusal.limit, "events");
      const bytes = records.reduce((a, r) => a + recordBytes(r), 0);
      this.#pending += records.length;
      this.#noteFill();
      try {
        const m = this.#redis.multi();
        for (const r of records) m.xadd(this.#o.stream, "MAXLEN", "~", this.#o.maxLen, "*", ...encodeStreamFields(r));
        m.incrby(this.#bytesKey, bytes).xlen(this.#o.stream);
        const replies = await this.#exec(m);
        this.#depth = Number(replies.at(-1));
        this.#depthBytes = Number(replies.at(-2));
      } finally {
        this.#pending -= records.length;
      }
    });
  }

  /** @inheritdoc Every record counts as one entry; `bytes` is not used. */
  hasRoom(_bytes: number, priority: EventPriority): boolean {
    return !this.#closed && this.#admission.admits(this.#depth + this.#pending, 1, priority);
  }

  /** @inheritdoc */
  read(max: number, maxBytes?: number): Promise<BufferEntry[]> {
    if (!(max >= 1)) return Promise.reject(new BufferOptionsError(`read max must be ≥ 1, got ${max}`));
    const run = this.#readChain.then(() => this.#run("read", () => this.#read(max, maxBytes ?? Infinity)));
    this.#readChain = run.catch(() => undefined);
    return run;
  }

  async #read(max: number, maxBytes: number): Promise<BufferEntry[]> {
    const got = this.#carry.splice(0, max);
    while (got.length < max) {
      const id = this.#phase === "own-pending" ? this.#cursor : ">";
      const reply = await this.#redis.callBuffer(
        "XREADGROUP", "GROUP", this.#o.consumerGroup, this.#o.consumer, "COUNT", max - got.length, "STREAMS", this.#o.stream, id,
      );
      const entries: StreamEntry[] = decodeStreamEntries(reply);
      if (this.#phase === "own-pending") {
        if (entries.length === 0) {
          this.#phase = "new";
          continue;
        }
        this.#cursor = (entries.at(-1) as StreamEntry).id;
      } else if (entries.length === 0) break;
      const deleted: string[] = [];
      for (const e of entries) {
        if (e.record === undefined) {
          deleted.push(e.id);
          continue;
        }
        this.#sizes.set(e.id, recordBytes(e.record));
        got.push({ ...e.record, handle: e.id as unknown as BufferHandle });
      }
      if (deleted.length > 0) {
        // In the pending list but deleted from the stream: nothing to deliver; acknowledge so it stops coming back.
        await this.#redis.xack(this.#o.stream, this.#o.consumerGroup, ...deleted);
        this.#missing += deleted.length;
      }
    }
    let bytes = 0;
    let n = 0;
    while (n < got.length && (n === 0 || bytes + (got[n] as BufferEntry).raw.length <= maxBytes)) bytes += (got[n++] as BufferEntry).raw.length;
    this.#carry = got.splice(n).concat(this.#carry);
    return got;
  }

  /** Moves idle pending entries of other consumers to this one (they are then read in the own-pending phase). */
  async #claim(): Promise<void> {
    if (this.#o.claimIdleMs === undefined) return;
    let start = "0-0";
    do {
      const reply = (await this.#redis.call(
        "XAUTOCLAIM", this.#o.stream, this.#o.consumerGroup, this.#o.consumer, this.#o.claimIdleMs, start, "COUNT", 1000, "JUSTID",
      )) as [string, string[], string[]?];
      start = reply[0];
      // Redis ≥ 7 also drops pending IDs whose entries were deleted from the stream, and lists them.
      this.#missing += reply[2]?.length ?? 0;
    } while (start !== "0-0");
  }

  /** @inheritdoc */
  ack(handles: readonly BufferHandle[]): Promise<void> {
    return this.#run("ack", async () => {
      const ids = handles.map((h) => h as unknown as string);
      if (ids.length === 0) return;
      let bytes = 0;
      for (const id of ids) bytes += this.#sizes.get(id) ?? 0;
      const { stream, consumerGroup } = this.#o;
      const m = this.#redis.multi().xack(stream, consumerGroup, ...ids).xdel(stream, ...ids).decrby(this.#bytesKey, bytes).xlen(stream);
      const replies = await this.#exec(m);
      for (const id of ids) this.#sizes.delete(id);
      this.#depth = Number(replies[3]);
      this.#depthBytes = Math.max(0, Number(replies[2]));
    });
  }

  /** @inheritdoc Also claims idle entries of other consumers. */
  rewind(): Promise<void> {
    const run = this.#readChain.then(() =>
      this.#run("claim", async () => {
        this.#carry = [];
        this.#phase = "own-pending";
        this.#cursor = "0";
        await this.#claim();
      }),
    );
    this.#readChain = run.catch(() => undefined);
    return run;
  }

  /** @inheritdoc */
  stats(): BufferStats {
    const used = this.#depth + this.#pending;
    const refusing = this.#admission.refusing(used, 1);
    return {
      unit: "events",
      depthEvents: this.#depth,
      depthBytes: this.#depthBytes,
      capacity: this.#admission.capacity,
      used,
      fill: Math.min(1, used / this.#admission.capacity),
      highWater: this.#highWater,
      refusing,
      full: refusing === 0,
    };
  }

  #noteFill(): void {
    this.#highWater = Math.max(this.#highWater, Math.min(1, (this.#depth + this.#pending) / this.#admission.capacity));
  }

  /** @inheritdoc Sends `QUIT` after in-flight commands; disconnects if that fails. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#ops]);
      try {
        await this.#redis.quit();
      } catch (err) {
        // QUIT fails when the connection is already down: report it, and make sure no reconnection is attempted.
        this.#onError?.(new RedisBufferError("close", this.#o.stream, err));
        this.#redis.disconnect();
      }
    })();
    return this.#closed;
  }
}
