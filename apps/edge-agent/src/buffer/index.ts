/**
 * The durable bounded buffer used while OpenSearch is unreachable: contract (`types.ts`), the disk spool and the
 * Redis Streams implementations, and {@link openBuffer} to pick one from the `buffer` section of the config.
 * @module
 */
import { DiskSpool, type DiskSpoolOptions } from "./disk-spool.js";
import { RedisStreamBuffer, type RedisStreamBufferOptions } from "./redis-stream.js";
import type { DurableBuffer } from "./types.js";

export type { BufferEntry, BufferHandle, BufferRecord, BufferStats, DurableBuffer } from "./types.js";
export {
  BufferClosedError,
  BufferError,
  BufferFullError,
  BufferOptionsError,
  RedisBufferError,
  SpoolIoError,
} from "./errors.js";
export { Admission, type AdmissionRefusal } from "./admission.js";
export { DiskSpool, type DiskSpoolOptions, type SpoolLoss, type SpoolWarning } from "./disk-spool.js";
export { RedisStreamBuffer, redisConnectionOptions, type RedisStreamBufferOptions } from "./redis-stream.js";

/**
 * Buffer options by type, mirroring the config's `buffer` union (`packages/config/src/schema/apps.ts` `Buffer`)
 * with resolved values: `maxBytes` in bytes (see `parseMemoryBytes` of `@soc/config`), `url` with secrets resolved.
 */
export type BufferOptions = ({ readonly type: "disk" } & DiskSpoolOptions) | ({ readonly type: "redis" } & RedisStreamBufferOptions);

/**
 * Opens the buffer the options describe: a {@link DiskSpool} for `type: "disk"`, a {@link RedisStreamBuffer} for
 * `type: "redis"`.
 *
 * @throws whatever `DiskSpool.open` / `RedisStreamBuffer.open` throw (`BufferOptionsError`, `SpoolIoError`,
 *   `RedisBufferError`).
 */
export async function openBuffer(options: BufferOptions): Promise<DurableBuffer> {
  const { type, ...rest } = options;
  return type === "disk" ? DiskSpool.open(rest as DiskSpoolOptions) : RedisStreamBuffer.open(rest as RedisStreamBufferOptions);
}
