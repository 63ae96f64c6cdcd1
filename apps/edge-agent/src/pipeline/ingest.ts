/**
 * From tailer events to shippable items, dead-letter entries and checkpoints (pure: no IO, no clock).
 *
 * For every `data` chunk the ingestor frames records, parses them (splitting glued lines), filters by type,
 * computes id, index, priority and body bytes, and registers each line with the per-file {@link AckTracker}: a line
 * needs one ack per shipped event plus one per malformed record (acked once its dead-letter entry is written);
 * filtered events and blank/NUL segments need none. {@link Ingestor.checkpoint} then reports, for every file still
 * in flight, the offset below which everything is acknowledged — the only offsets it is safe to persist.
 *
 * File lifecycle follows the tailer: `open` starts a file, `close` ends it (a rotated file stays in the checkpoint
 * until its last line is acked), `truncated` ends the old content of the live file and starts the new at 0.
 * @module
 */
import type { EventPriority } from "../eve/event-types.js";
import { createLineStats, forEachLine, type LineStats } from "../eve/lines.js";
import { EveFlags, type EveParseResult, type MalformedReason, parseEveRecords } from "../eve/parse.js";
import { AckTracker, type Checkpoint, type FileCheckpoint, fingerprintHead } from "../input/checkpoint.js";
import type { TailedFile, TailEvent } from "../input/tailer.js";
import type { Core } from "../options.js";
import { bulkActionBytes, type BulkDoc } from "../ship/bulk.js";

/** Read position in one file generation. Opaque to callers except for logging. */
export interface FileProgress {
  /** Latest identity seen for this file (the fingerprint grows with a small file). */
  readonly file: TailedFile;
  readonly tracker: AckTracker;
  /** `close` or `truncated` seen: no more lines will be tracked. */
  readonly ended: boolean;
}

/** One event ready for the batcher. */
export interface IngestItem extends BulkDoc {
  readonly eventType: string;
  readonly priority: EventPriority;
  /** Bytes it adds to a `_bulk` body. */
  readonly bytes: number;
  /** For {@link Ingestor.ack}. */
  readonly progress: FileProgress;
  readonly ticket: number;
}

/** One malformed record to write to the dead-letter file, then `Ingestor.ackMalformed`. */
export interface MalformedRecord {
  readonly reason: MalformedReason;
  readonly detail: string;
  readonly raw: Buffer;
  readonly path: string;
  /** Offset just past the record's line. */
  readonly lineEndOffset: number;
  readonly progress: FileProgress;
  readonly ticket: number;
}

/** Receives the ingestor's output for one tailer event. */
export interface IngestSink {
  item(item: IngestItem): void;
  malformed(record: MalformedRecord): void;
}

/** Counters for metrics (monotonic). */
export interface IngestStats {
  bytes: number;
  events: number;
  filtered: number;
  malformed: number;
  eventsByType: Map<string, number>;
  filteredByType: Map<string, number>;
  malformedByReason: Map<MalformedReason, number>;
  timestampWithoutOffset: number;
  utf8Replaced: number;
  splitFromGluedLine: number;
  unknownType: number;
  truncations: number;
  missingFiles: number;
  lines: LineStats;
}

class Progress implements FileProgress {
  ended = false;
  constructor(
    public file: TailedFile,
    readonly tracker: AckTracker,
  ) {}
}

/** Fingerprint of an empty file head. */
const EMPTY_HEAD = fingerprintHead(Buffer.alloc(0));

const bump = <K>(m: Map<K, number>, k: K): void => {
  m.set(k, (m.get(k) ?? 0) + 1);
};

/** See the module documentation. One instance per tailed path. */
export class Ingestor {
  readonly stats: IngestStats = {
    bytes: 0,
    events: 0,
    filtered: 0,
    malformed: 0,
    eventsByType: new Map(),
    filteredByType: new Map(),
    malformedByReason: new Map(),
    timestampWithoutOffset: 0,
    utf8Replaced: 0,
    splitFromGluedLine: 0,
    unknownType: 0,
    truncations: 0,
    missingFiles: 0,
    lines: createLineStats(),
  };
  readonly #core: Core;
  /** Files in flight, oldest first; the last is the one being read. */
  readonly #files: Progress[] = [];
  /** Files opened and not closed (a copytruncate copy is read while the live file is open). */
  readonly #stack: Progress[] = [];
  readonly #results: EveParseResult[] = [];
  readonly #collect = (r: EveParseResult): void => {
    this.#results.push(r);
  };
  /** Ended files still listed in #files. */
  #ended = 0;

  /** @param core - from `createCore` (parser options, filter, ids, index names, priorities). */
  constructor(core: Core) {
    this.#core = core;
  }

  /**
   * Consumes one tailer event.
   *
   * @throws {IngestError} on a `data` event with no open file (tailer protocol violation).
   */
  handle(ev: TailEvent, sink: IngestSink): void {
    switch (ev.type) {
      case "open": {
        const p = new Progress(ev.file, new AckTracker(ev.offset));
        const reading = this.#stack[this.#stack.length - 1];
        // A file opened while another is open (the copy of a copytruncate) holds older content: list it first.
        if (reading) this.#files.splice(this.#files.indexOf(reading), 0, p);
        else this.#files.push(p);
        this.#stack.push(p);
        this.#prune();
        return;
      }
      case "data":
        this.#data(ev.file, ev.offset, ev.data, sink);
        return;
      case "truncated": {
        this.stats.truncations++;
        const old = this.#top("truncated");
        old.ended = true;
        this.#ended++;
        // The new content starts at 0, empty: its identity is the inode with an empty head (refreshed by the next
        // data event). Keeping the old head here would make a checkpoint taken before that event name the content
        // of the copytruncate copy, which a restart would then read again from 0.
        const p = new Progress({ ...ev.file, ...EMPTY_HEAD }, new AckTracker(0));
        this.#files.push(p);
        this.#stack[this.#stack.length - 1] = p;
        return;
      }
      case "close": {
        const p = this.#top("close");
        p.ended = true;
        this.#ended++;
        this.#stack.pop();
        this.#prune();
        return;
      }
      case "missing":
        this.stats.missingFiles++;
        return;
    }
  }

  /** Acknowledges a delivered (or duplicate) item. */
  ack(item: IngestItem): void {
    item.progress.tracker.ack(item.ticket);
    this.#prune();
  }

  /** Acknowledges a malformed record after its dead-letter entry was written. */
  ackMalformed(record: MalformedRecord): void {
    // The caller wrote the dead-letter entry; the line may now count as done.
    record.progress.tracker.ack(record.ticket);
    this.#prune();
  }

  /** Acknowledges an item that was dead-lettered by the cluster (same as {@link Ingestor.ack}). */
  ackDeadLettered(item: IngestItem): void {
    this.ack(item);
  }

  /** Lines registered but not yet fully acknowledged, across files. */
  get inFlightLines(): number {
    let n = 0;
    for (const f of this.#files) n += f.tracker.inFlight;
    return n;
  }

  /**
   * The checkpoint to persist now: every file still in flight with its committed offset, oldest content first.
   * Ended, fully acknowledged files are dropped, except that the newest file is always kept (the resume point).
   */
  checkpoint(): Checkpoint {
    const files: FileCheckpoint[] = this.#files.map((p) => ({ ...p.file, offset: p.tracker.committedOffset }));
    return { version: 1, files };
  }

  #top(what: string): Progress {
    const p = this.#stack[this.#stack.length - 1];
    if (!p) throw new IngestError(`tailer sent '${what}' with no open file`);
    return p;
  }

  /** Drops ended, fully acknowledged files, keeping at least one entry (the newest) as the resume point. */
  #prune(): void {
    if (this.#ended === 0) return;
    for (let i = 0; i < this.#files.length && this.#files.length > 1; i++) {
      const f = this.#files[i] as Progress;
      if (f.ended && f.tracker.inFlight === 0) {
        this.#files.splice(i, 1);
        this.#ended--;
        i--;
      }
    }
  }

  #data(file: TailedFile, offset: number, data: Buffer, sink: IngestSink): void {
    const p = this.#top("data");
    p.file = file;
    this.stats.bytes += data.length;
    const core = this.#core;
    const results = this.#results;
    forEachLine(
      data,
      offset,
      (line, end) => {
        results.length = 0;
        parseEveRecords(line, core.parseOptions, this.#collect);
        let acks = 0;
        for (const r of results) if (!r.ok || core.filter.accepts(r.eventType)) acks++;
        const ticket = p.tracker.track(end, acks);
        for (const r of results) {
          if (!r.ok) {
            this.stats.malformed++;
            bump(this.stats.malformedByReason, r.reason);
            sink.malformed({ reason: r.reason, detail: r.detail, raw: r.raw, path: file.path, lineEndOffset: end, progress: p, ticket });
            continue;
          }
          const s = this.stats;
          if (r.flags !== 0) {
            if (r.flags & EveFlags.TIMESTAMP_WITHOUT_OFFSET) s.timestampWithoutOffset++;
            if (r.flags & EveFlags.UTF8_REPLACED) s.utf8Replaced++;
            if (r.flags & EveFlags.SPLIT_FROM_GLUED_LINE) s.splitFromGluedLine++;
            if (r.flags & EveFlags.UNKNOWN_EVENT_TYPE) s.unknownType++;
          }
          if (!core.filter.accepts(r.eventType)) {
            s.filtered++;
            bump(s.filteredByType, r.eventType);
            continue;
          }
          s.events++;
          bump(s.eventsByType, r.eventType);
          const index = core.indexNamer.indexFor(r.eventType, r.timestampMs);
          const id = core.ids.idFor(r.raw);
          sink.item({
            index,
            id,
            raw: r.raw,
            eventType: r.eventType,
            priority: core.priorityOf(r.eventType),
            bytes: bulkActionBytes(core.options.opType, index, id) + r.raw.length + 1,
            progress: p,
            ticket,
          });
        }
      },
      this.stats.lines,
    );
  }
}

/** Thrown when tailer events arrive out of protocol. */
export class IngestError extends Error {
  override readonly name = "IngestError";
}
