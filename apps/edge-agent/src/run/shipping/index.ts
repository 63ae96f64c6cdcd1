/**
 * The shipping API of `edge-agent run`: the durable-buffer plugs of `runAgent` (its `shipping` option) and the parts
 * they are built from, for embedding the agent or assembling another plan. See `plan.ts` for the wiring.
 * @module
 */

/**
 * `bufferedShipping(options?)` → the daemon's plug: durable buffer (disk spool or Redis Stream) while OpenSearch is
 * unreachable, in-order drain, direct↔buffer switch, connectivity probes, resource throttle, supervision.
 * `BufferedShippingOptions`: overrides of the run settings (buffer, connectivity, throttle, poll and close times, ms).
 * `bufferOptionsOf(settings)` → the run's `BufferOptions` (default: a 1 GiB disk spool in `<checkpointDir>/spool`).
 */
export { bufferedShipping, bufferOptionsOf, openLoggedBuffer, type BufferedShippingOptions } from "./plan.js";

/**
 * `onceShipping(options?)` → the `--once` plug: delivers what a daemon left in the durable buffer before the files
 * are read (counted as `events.fromBuffer`), or ends the run as `fatal` when it cannot.
 * `drainAll(buffer, deliverer, { batchMaxEvents, batchMaxBytes, signal })` → `DrainAllResult` (`drained`,
 * `remaining`, `fatal?`, `stopped`); throws the buffer's `SpoolIoError`/`RedisBufferError`.
 */
export { drainAll, onceShipping, type DrainAllOptions, type DrainAllResult } from "./once-drain.js";

/**
 * `BufferSink`: a `BatchSink` appending batches to a `DurableBuffer` by priority run and acknowledging their items
 * once durable; waits (pausing reading) while the buffer is full; retries IO errors with backoff, counting them.
 */
export { BufferSink, type BufferSinkOptions } from "./buffer-sink.js";

/**
 * `Drainer`: empties a `DurableBuffer` into OpenSearch in order, one `_bulk` batch at a time, acknowledging entries
 * only after OpenSearch took them; `run(signal)` rejects on buffer errors (for a supervisor to restart it).
 */
export { Drainer, type DrainerOptions } from "./drainer.js";

/**
 * `ShippingRouter`: the direct↔buffer switch behind the pipeline's `sink()`, keeping per-lane order across switches
 * (a barrier on buffer→direct, diversion of cut-short direct deliveries on direct→buffer). `ShippingMode`:
 * `"direct" | "buffer"`.
 */
export { ShippingRouter, type ShippingMode, type ShippingRouterOptions } from "./router.js";

/**
 * `observedTransport(transport, machine, onListenerError)` → a `BulkTransport` reporting every `_bulk` outcome to the
 * connectivity state machine (success, HTTP status, transport error) as evidence.
 */
export { observedTransport } from "./observed-transport.js";

/**
 * `healthRequest(client)` → an `HttpProbeRequest` doing `GET /_cluster/health` through the run's OpenSearch client
 * (same auth, TLS, SigV4), for connectivity probes.
 */
export { healthRequest } from "./health-request.js";
