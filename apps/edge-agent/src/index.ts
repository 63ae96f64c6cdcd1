/**
 * edge-agent: ships Suricata EVE events to OpenSearch exactly once per event, on a Raspberry Pi budget.
 * This entry point exposes the pure core (parsing, ids, index names, bulk bodies, batching, backoff, checkpoints),
 * the file tailer, the durable buffer, supervision, `runAgent` and its shipping plugs, for the CLI and for tests.
 * @module
 */

export { VERSION } from "./version.js";

export * from "./eve/timestamp.js";
export * from "./eve/event-types.js";
export * from "./eve/lines.js";
export * from "./eve/parse.js";
export * from "./ship/ids.js";
export * from "./ship/index-name.js";
export * from "./ship/bulk.js";
export * from "./ship/batcher.js";
export * from "./ship/backoff.js";
export * from "./input/checkpoint.js";
export * from "./input/checkpoint-store.js";
export * from "./input/tailer.js";
export * from "./commands/summarize.js";
export * from "./options.js";
export * from "./ship/delivery.js";
export * from "./ship/dead-letter.js";
export * from "./ship/index-setup.js";
export * from "./pipeline/ingest.js";
export * from "./input/line-assembler.js";
export * from "./buffer/index.js";
export * from "./supervise/index.js";
export * from "./run/agent.js";
/** The shipping plugs of `runAgent` (durable buffer for the daemon, buffer drain for `--once`) and their parts. */
export * from "./run/shipping/index.js";
