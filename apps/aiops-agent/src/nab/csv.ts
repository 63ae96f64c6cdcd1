/** Thrown when a NAB data file cannot be parsed; carries the file and 1-based line number. */
export class NabInputError extends Error {
  override readonly name = "NabInputError";
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** One row of a NAB data file, with the original text kept for byte-exact echoing. */
export interface NabRow {
  /** Timestamp text as in the file, e.g. `2014-02-14 14:30:00`. */
  timestampText: string;
  /** Value text as in the file. */
  valueText: string;
  /** Timestamp in ms since the Unix epoch (NAB timestamps carry no zone; read as UTC). */
  t: number;
  /** Parsed value (may be `NaN` if the cell is empty). */
  value: number;
}

/**
 * Parses a NAB timestamp `YYYY-MM-DD HH:MM:SS` (as in github.com/numenta/NAB data files) as UTC ms.
 * @returns `NaN` if the text is not in that shape.
 */
export function parseNabTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/**
 * Parses a NAB data file (`timestamp,value` header, then one row per sample; CRLF tolerated).
 * @throws {NabInputError} on a missing/odd header, a row without two cells, or a bad timestamp.
 */
export function parseNabCsv(file: string, text: string): NabRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").trim().split(",");
  const ti = header.indexOf("timestamp");
  const vi = header.indexOf("value");
  if (ti < 0 || vi < 0) throw new NabInputError(file, 1, `expected header with timestamp,value, got "${lines[0] ?? ""}"`);
  const rows: NabRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    const cells = line.split(",");
    const timestampText = cells[ti];
    const valueText = cells[vi];
    if (timestampText === undefined || valueText === undefined) {
      throw new NabInputError(file, i + 1, `expected ${header.length} cells, got ${cells.length}`);
    }
    const t = parseNabTimestamp(timestampText.trim());
    if (Number.isNaN(t)) throw new NabInputError(file, i + 1, `bad timestamp "${timestampText}"`);
    const v = valueText.trim() === "" ? Number.NaN : Number(valueText);
    rows.push({ timestampText, valueText, t, value: v });
  }
  return rows;
}
