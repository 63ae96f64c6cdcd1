/**
 * `edge-agent parse`: reads EVE files once and reports what the shipper would do with them — events per type,
 * per target index, malformed lines by reason (with samples), and the repairs applied. Uses the same tailer and
 * `Ingestor` as the shipping pipeline, so its counts are the pipeline's counts.
 * @module
 */
import { isKnownEventType } from "../eve/event-types.js";
import type { EveParseOptions, MalformedReason } from "../eve/parse.js";
import { tailFile } from "../input/tailer.js";
import { CORE_DEFAULTS, createCore } from "../options.js";
import { type IngestItem, Ingestor, type MalformedRecord } from "../pipeline/ingest.js";

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

const inc = (m: Record<string, number>, k: string, n: number): void => {
  m[k] = (m[k] ?? 0) + n;
};

/**
 * Reads each file to its end (no following) and summarises it, through the same `Ingestor` as the shipper, so the
 * counts are the pipeline's counts.
 *
 * @param paths - EVE files.
 * @param options - see {@link SummarizeOptions}.
 * @throws fs errors other than a missing file; `InvalidIndexNameError` for a bad `indexPrefix`.
 */
export async function summarizeEveFiles(paths: readonly string[], options: SummarizeOptions = {}): Promise<EveSummary> {
  const core = createCore({
    sensorId: "edge-agent-parse",
    indexPrefix: options.indexPrefix ?? "suricata",
    eventTypes: options.eventTypes ?? [],
    maxLineBytes: options.maxLineBytes ?? CORE_DEFAULTS.maxLineBytes,
    invalidUtf8: options.invalidUtf8 ?? "replace",
    validator: options.validator ?? "scan",
  });
  const maxSamples = options.maxSamples ?? 10;
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
    const ingestor = new Ingestor(core);
    const sink = {
      item: (item: IngestItem): void => {
        if (options.indexPrefix !== undefined) inc(s.byIndex, item.index, 1);
        ingestor.ack(item);
      },
      malformed: (m: MalformedRecord): void => {
        if (s.samples.length < maxSamples) {
          s.samples.push({ file: path, lineEndOffset: m.lineEndOffset, reason: m.reason, detail: m.detail, excerpt: m.raw.toString("utf8", 0, 120) });
        }
        ingestor.ackMalformed(m);
      },
    };
    for await (const ev of tailFile({ path, follow: false, signal: options.signal, maxLineBytes: core.options.maxLineBytes })) {
      if (ev.type === "missing") s.missingFiles.push(ev.path);
      ingestor.handle(ev, sink);
    }
    const st = ingestor.stats;
    s.bytes += st.bytes;
    s.records += st.lines.lines;
    s.events += st.events + st.filtered;
    s.filtered += st.filtered;
    for (const m of [st.eventsByType, st.filteredByType]) {
      for (const [type, n] of m) {
        inc(s.byType, type, n);
        if (!isKnownEventType(type)) inc(s.unknownTypes, type, n);
      }
    }
    for (const [reason, n] of st.malformedByReason) s.malformed[reason] = (s.malformed[reason] ?? 0) + n;
    s.repairs.timestampWithoutOffset += st.timestampWithoutOffset;
    s.repairs.utf8Replaced += st.utf8Replaced;
    s.repairs.splitFromGluedLine += st.splitFromGluedLine;
    s.nulBytes += st.lines.nulBytes;
    s.blankLines += st.lines.blankLines;
  }
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
