/**
 * Splits a chunk of EVE bytes into records.
 *
 * Record separators are `\n` and runs of NUL bytes: after a crash or a sparse-file hole, `eve.json` can hold
 * kilobytes of `\0` with no newline, followed by valid lines; treating a NUL run like a newline keeps the records
 * on both sides. A trailing `\r` (CRLF files) is dropped. Blank segments are not emitted but counted.
 * The function is stateless: callers hand it line-aligned chunks (the tailer does).
 * @module
 */

/** Counters updated by {@link forEachLine}; pass the same object across calls to accumulate. */
export interface LineStats {
  /** Non-blank records emitted. */
  lines: number;
  /** NUL bytes skipped (hole padding). */
  nulBytes: number;
  /** Empty or whitespace-only segments skipped. */
  blankLines: number;
}

/** Creates a zeroed {@link LineStats}. */
export function createLineStats(): LineStats {
  return { lines: 0, nulBytes: 0, blankLines: 0 };
}

/**
 * Receives one record: `line` is a view into the chunk (no copy; do not mutate the chunk while it is held),
 * `endOffset` the absolute offset just past the record's separator (or past the chunk for the last one).
 */
export type LineSink = (line: Buffer, endOffset: number) => void;

const NL = 10;
const CR = 13;
const NUL = 0;

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== CR) return false;
  }
  return true;
}

function emitSegment(
  chunk: Buffer,
  start: number,
  end: number,
  endOffset: number,
  sink: LineSink,
  stats: LineStats,
): void {
  let e = end;
  if (e > start && chunk[e - 1] === CR) e--;
  if (e === start || isBlank(chunk, start, e)) {
    stats.blankLines++;
    return;
  }
  stats.lines++;
  sink(chunk.subarray(start, e), endOffset);
}

function splitOnNul(
  chunk: Buffer,
  start: number,
  end: number,
  sepEndOffset: number,
  baseOffset: number,
  sink: LineSink,
  stats: LineStats,
): void {
  let segStart = start;
  let i = chunk.indexOf(NUL, start);
  while (i !== -1 && i < end) {
    let j = i;
    while (j < end && chunk[j] === NUL) j++;
    stats.nulBytes += j - i;
    if (i > segStart) emitSegment(chunk, segStart, i, baseOffset + j, sink, stats);
    segStart = j;
    i = j < end ? chunk.indexOf(NUL, j) : -1;
  }
  if (segStart < end) emitSegment(chunk, segStart, end, sepEndOffset, sink, stats);
}

/**
 * Calls `sink` for every non-blank record in `chunk`.
 *
 * @param chunk - bytes read from the file; a last segment without `\n` is emitted as a record too, so pass only
 *   complete lines unless the data is final (end of a rotated file, end of a `--once` read).
 * @param baseOffset - absolute file offset of `chunk[0]`, used to compute each record's `endOffset`.
 * @param sink - receives each record; see {@link LineSink}.
 * @param stats - counters to update (lines, NUL bytes, blank lines).
 */
export function forEachLine(chunk: Buffer, baseOffset: number, sink: LineSink, stats: LineStats): void {
  const len = chunk.length;
  const hasNul = chunk.indexOf(NUL) !== -1;
  let start = 0;
  while (start < len) {
    let nl = chunk.indexOf(NL, start);
    if (nl === -1) nl = len;
    const endOffset = baseOffset + Math.min(nl + 1, len);
    if (nl === start) stats.blankLines++;
    else if (hasNul) splitOnNul(chunk, start, nl, endOffset, baseOffset, sink, stats);
    else emitSegment(chunk, start, nl, endOffset, sink, stats);
    start = nl + 1;
  }
}
