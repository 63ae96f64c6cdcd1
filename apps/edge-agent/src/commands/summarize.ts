/**
 * `edge-agent parse`: reads EVE files once and reports what the shipper would do with them — events per type,
 * per target index, malformed lines by reason (with samples), and the repairs applied. Uses the same tailer,
 * framing and parser as the shipping pipeline, so its counts are the pipeline's counts.
 * @module
 */
import { EventTypeFilter } from "../eve/event-types.js";
import { createLineStats, forEachLine } from "../eve/lines.js";
import { EveFlags, type EveParseOptions, type MalformedReason, parseEveRecords } from "../eve/parse.js";
import { tailFile } from "../input/tailer.js";
import { IndexNamer } from "../ship/index-name.js";

/** Options for {@link summarizeEveFiles}. */
export interface SummarizeOptions extends EveParseOptions {
  /** Only these event types count as shipped (others are counted as filtered). Empty = all. */
  readonly eventTypes?: readonly string[];
  /** When set, also count events per target index `<indexPrefix>-<type>-YYYY.MM.DD`. */
  readonly indexPrefix?: string;
  /** Keep at most this many malformed samples. Default 10. */
  readonly maxSamples?: number;
  readonly signal?: AbortSignal;
}

/** One malformed record, located by file and byte offset of the end of its line. */
export interface MalformedSample {
  readonly file: string;
  readonly lineEndOffset: number;
  readonly reason: MalformedReason;
  readonly detail: string;
  /** First 120 characters of the record. */
  readonly excerpt: string;
}

/** Result of {@link summarizeEveFiles}. */
export interface EveSummary {
  bytes: number;
  /** Non-blank records (after NUL splitting, before glued-line splitting). */
  records: number;
  /** Valid events (including filtered ones). */
  events: number;
  /** Valid events whose type is not selected by `eventTypes`. */
  filtered: number;
  byType: Record<string, number>;
  /** Event types not in `KNOWN_EVENT_TYPES`, with counts (also included in `byType`). */
  unknownTypes: Record<string, number>;
  byIndex: Record<string, number>;
  malformed: Partial<Record<MalformedReason, number>>;
  repairs: { timestampWithoutOffset: number; utf8Replaced: number; splitFromGluedLine: number };
  nulBytes: number;
  blankLines: number;
  /** Files given that did not exist. */
  missingFiles: string[];
  samples: MalformedSample[];
}

const inc = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/**
 * Reads each file to its end (no following) and summarises it.
 *
 * @param paths - EVE files.
 * @param options - see {@link SummarizeOptions}.
 * @throws fs errors other than a missing file; `InvalidIndexNameError` for a bad `indexPrefix`.
 */
export async function summarizeEveFiles(paths: readonly string[], options: SummarizeOptions = {}): Promise<EveSummary> {
  const filter = new EventTypeFilter({ include: options.eventTypes });
  const namer = options.indexPrefix !== undefined ? new IndexNamer(options.indexPrefix) : undefined;
  const maxSamples = options.maxSamples ?? 10;
  const stats = createLineStats();
  const s: EveSummary = {
    bytes: 0,
    records: 0,
    events: 0,
    filtered: 0,
    byType: {},
    unknownTypes: {},
    byIndex: {},
    malformed: {},
    repairs: { timestampWithoutOffset: 0, utf8Replaced: 0, splitFromGluedLine: 0 },
    nulBytes: 0,
    blankLines: 0,
    missingFiles: [],
    samples: [],
  };
  for (const path of paths) {
    for await (const ev of tailFile({ path, follow: false, signal: options.signal, maxLineBytes: options.maxLineBytes })) {
      if (ev.type === "missing") s.missingFiles.push(ev.path);
      if (ev.type !== "data") continue;
      s.bytes += ev.data.length;
      forEachLine(ev.data, ev.offset, (line, end) => {
        parseEveRecords(line, options, (r) => {
          if (!r.ok) {
            s.malformed[r.reason] = (s.malformed[r.reason] ?? 0) + 1;
            if (s.samples.length < maxSamples) {
              s.samples.push({ file: path, lineEndOffset: end, reason: r.reason, detail: r.detail, excerpt: r.raw.toString("utf8", 0, 120) });
            }
            return;
          }
          s.events++;
          inc(s.byType, r.eventType);
          if (!r.known) inc(s.unknownTypes, r.eventType);
          if (r.flags & EveFlags.TIMESTAMP_WITHOUT_OFFSET) s.repairs.timestampWithoutOffset++;
          if (r.flags & EveFlags.UTF8_REPLACED) s.repairs.utf8Replaced++;
          if (r.flags & EveFlags.SPLIT_FROM_GLUED_LINE) s.repairs.splitFromGluedLine++;
          if (!filter.accepts(r.eventType)) {
            s.filtered++;
            return;
          }
          if (namer) inc(s.byIndex, namer.indexFor(r.eventType, r.timestampMs));
        });
      }, stats);
    }
  }
  s.records = stats.lines;
  s.nulBytes = stats.nulBytes;
  s.blankLines = stats.blankLines;
  return s;
}

/** Renders a summary as aligned text for a terminal. */
export function formatSummary(s: EveSummary): string {
  const out: string[] = [];
  const table = (title: string, m: Record<string, number>): void => {
    const rows = Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (rows.length === 0) return;
    out.push(title);
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) out.push(`  ${k.padEnd(w)}  ${String(v).padStart(9)}`);
  };
  const malformedTotal = Object.values(s.malformed).reduce((a, b) => a + (b ?? 0), 0);
  out.push(`${s.bytes} bytes, ${s.records} records, ${s.events} events, ${malformedTotal} malformed, ${s.filtered} filtered`);
  if (s.missingFiles.length > 0) out.push(`missing files: ${s.missingFiles.join(", ")}`);
  table("events by type:", s.byType);
  table("unknown event types (kept):", s.unknownTypes);
  table("events by index:", s.byIndex);
  table("malformed by reason:", s.malformed as Record<string, number>);
  const r = s.repairs;
  out.push(
    `repairs: ${r.timestampWithoutOffset} timestamps without offset (read as UTC), ${r.utf8Replaced} invalid UTF-8 replaced, ` +
      `${r.splitFromGluedLine} events split from glued lines; ${s.nulBytes} NUL bytes and ${s.blankLines} blank lines skipped`,
  );
  if (s.samples.length > 0) {
    out.push("malformed samples:");
    for (const m of s.samples) out.push(`  ${m.file}@${m.lineEndOffset} ${m.reason}: ${m.detail}\n    ${JSON.stringify(m.excerpt)}`);
  }
  return out.join("\n");
}
