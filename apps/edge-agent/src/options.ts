/**
 * Every setting of the shipping core in one typed object with defaults, and a factory that builds the core
 * components from it. `@soc/config` (`apps.edgeAgent`, `opensearch`) maps onto {@link CoreOptions}; nothing below
 * this point reads the environment or files.
 * @module
 */
import { createPriorityOf, type EventPriority, EventTypeFilter } from "./eve/event-types.js";
import { DEFAULT_MAX_LINE_BYTES, type EveParseOptions } from "./eve/parse.js";
import type { TailerOptions } from "./input/tailer.js";
import { Backoff } from "./ship/backoff.js";
import { Batcher } from "./ship/batcher.js";
import type { BulkOpType } from "./ship/bulk.js";
import { DocumentIdGenerator } from "./ship/ids.js";
import { IndexNamer } from "./ship/index-name.js";

/** Settings of the shipping core. Only `sensorId` is required. */
export interface CoreOptions {
  /** Stable sensor identifier, part of every document id. */
  readonly sensorId: string;
  /** Index prefix: indices are `<indexPrefix>-<event_type>-YYYY.MM.DD`. Default `"suricata"`. */
  readonly indexPrefix: string;
  /** Event types to ship; empty = all. Default `[]`. */
  readonly eventTypes: readonly string[];
  /** Event types never shipped. Default `[]`. */
  readonly excludeEventTypes: readonly string[];
  /** `_bulk` operation. Default `"index"`. */
  readonly opType: BulkOpType;
  /** Document id length in base64url characters (16..43). Default 22. */
  readonly idLength: number;
  /** Max events per `_bulk` request. Default 5000. */
  readonly batchMaxEvents: number;
  /** Max bytes per `_bulk` body. Default 5 MiB. */
  readonly batchMaxBytes: number;
  /** Max wait of an event before a partial batch is sent, ms. Default 1000. */
  readonly flushIntervalMs: number;
  /**
   * Max bytes held by the batcher before input is paused. Default `max(16 MiB, 3 × batchMaxBytes)`: three batches,
   * enough to keep two requests in flight and the next one ready; more only adds resident memory.
   */
  readonly maxBufferedBytes: number;
  /** Headroom per priority step kept for more important events. Default 0.1. */
  readonly reserveFraction: number;
  /** Types served first and refused last. Default `["alert", "drop", "anomaly"]`. */
  readonly highPriorityTypes: readonly string[];
  /** Types served last and refused first. Default `["flow", "netflow", "stats"]`. */
  readonly lowPriorityTypes: readonly string[];
  /** Backoff base for retries, ms. Default 100. */
  readonly retryBaseMs: number;
  /** Backoff cap for retries, ms. Default 30 000. */
  readonly retryCapMs: number;
  /** Longest accepted record, bytes. Default 1 MiB. */
  readonly maxLineBytes: number;
  /** Invalid UTF-8 handling. Default `"replace"`. */
  readonly invalidUtf8: "replace" | "reject";
  /** JSON validator. Default `"scan"`. */
  readonly validator: "scan" | "json-parse";
  /** The EVE file to tail. Default `/var/log/suricata/eve.json`. */
  readonly evePath: string;
  /** Start position without checkpoint. Default `"beginning"`. */
  readonly startAt: "beginning" | "end";
  /** Tailer read size, bytes. Default 256 KiB. */
  readonly readChunkBytes: number;
  /** Tailer poll interval, ms. Default 250. */
  readonly pollIntervalMs: number;
  /** Grace period for a renamed file, ms. Default 2000. */
  readonly rotateGraceMs: number;
  /** Checkpoint file. Default `/var/lib/edge-agent/checkpoint.json`. */
  readonly checkpointPath: string;
}

/** Defaults of every optional {@link CoreOptions} field. */
export const CORE_DEFAULTS: Omit<CoreOptions, "sensorId"> = {
  indexPrefix: "suricata",
  eventTypes: [],
  excludeEventTypes: [],
  opType: "index",
  idLength: 22,
  batchMaxEvents: 5000,
  batchMaxBytes: 5 * 1024 * 1024,
  flushIntervalMs: 1000,
  maxBufferedBytes: 16 * 1024 * 1024,
  reserveFraction: 0.1,
  highPriorityTypes: ["alert", "drop", "anomaly"],
  lowPriorityTypes: ["flow", "netflow", "stats"],
  retryBaseMs: 100,
  retryCapMs: 30_000,
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  invalidUtf8: "replace",
  validator: "scan",
  evePath: "/var/log/suricata/eve.json",
  startAt: "beginning",
  readChunkBytes: 256 * 1024,
  pollIntervalMs: 250,
  rotateGraceMs: 2000,
  checkpointPath: "/var/lib/edge-agent/checkpoint.json",
};

/**
 * Fills defaults.
 *
 * @param input - at least `sensorId`.
 */
export function resolveCoreOptions(input: Partial<CoreOptions> & Pick<CoreOptions, "sensorId">): CoreOptions {
  const o: CoreOptions = { ...CORE_DEFAULTS, ...input };
  if (input.maxBufferedBytes !== undefined) return o;
  // The default batcher capacity is three batches (two in flight, one being filled), at least 16 MiB.
  return { ...o, maxBufferedBytes: Math.max(CORE_DEFAULTS.maxBufferedBytes, 3 * o.batchMaxBytes) };
}

/** The core components built from one {@link CoreOptions}. */
export interface Core {
  readonly options: CoreOptions;
  readonly parseOptions: EveParseOptions;
  readonly filter: EventTypeFilter;
  readonly priorityOf: (eventType: string) => EventPriority;
  readonly ids: DocumentIdGenerator;
  readonly indexNamer: IndexNamer;
  /** A new batcher (one per shipping loop). */
  createBatcher<T>(): Batcher<T>;
  /** A new backoff (one per retry loop). */
  createBackoff(random?: () => number): Backoff;
  /** Tailer options; add `checkpoint` and `signal`. */
  readonly tailer: TailerOptions;
}

/**
 * Builds the core components.
 *
 * @throws the component's typed error on an invalid setting: `InvalidIdOptionsError`, `InvalidIndexNameError`,
 *   `BatcherOptionsError` (on first `createBatcher`), `InvalidBackoffOptionsError`.
 */
export function createCore(input: Partial<CoreOptions> & Pick<CoreOptions, "sensorId">): Core {
  const o = resolveCoreOptions(input);
  const backoff = (random?: () => number): Backoff => new Backoff({ baseMs: o.retryBaseMs, capMs: o.retryCapMs, random });
  backoff(); // validate now
  const batcher = <T>(): Batcher<T> =>
    new Batcher<T>({
      batchMaxEvents: o.batchMaxEvents,
      batchMaxBytes: o.batchMaxBytes,
      flushIntervalMs: o.flushIntervalMs,
      maxBufferedBytes: o.maxBufferedBytes,
      reserveFraction: o.reserveFraction,
    });
  batcher(); // validate now
  return {
    options: o,
    parseOptions: { maxLineBytes: o.maxLineBytes, invalidUtf8: o.invalidUtf8, validator: o.validator },
    filter: new EventTypeFilter({ include: o.eventTypes, exclude: o.excludeEventTypes }),
    priorityOf: createPriorityOf({ high: o.highPriorityTypes, low: o.lowPriorityTypes }),
    ids: new DocumentIdGenerator({ sensorId: o.sensorId, idLength: o.idLength }),
    indexNamer: new IndexNamer(o.indexPrefix),
    createBatcher: batcher,
    createBackoff: backoff,
    tailer: {
      path: o.evePath,
      startAt: o.startAt,
      readChunkBytes: o.readChunkBytes,
      maxLineBytes: o.maxLineBytes,
      pollIntervalMs: o.pollIntervalMs,
      rotateGraceMs: o.rotateGraceMs,
    },
  };
}
