/**
 * Allocation-free JSON validator for one EVE record, which also locates the top-level `timestamp` and
 * `event_type` string values.
 *
 * The shipper forwards the raw bytes, so it needs to know that a record *is* a JSON object (RFC 8259 grammar:
 * https://www.rfc-editor.org/rfc/rfc8259) and what two of its fields are — not to build the object. `JSON.parse`
 * allocates every key and value (≈30 objects per EVE event) and is the dominant cost of the pipeline; this scanner
 * walks the bytes once with lookup tables and allocates nothing. It checks the full grammar: structure, string
 * escapes (`\uXXXX` included), no raw control characters in strings, number syntax, literals, nothing after the
 * value. UTF-8 validity is checked separately (`buffer.isUtf8`). Nesting deeper than {@link MAX_SCAN_DEPTH} is
 * reported as invalid; callers fall back to `JSON.parse` whenever the scanner rejects, so the scanner can only be
 * a fast path, never a different verdict on valid input (tested differentially against `JSON.parse`).
 * @module
 */

/** Maximum nesting the scanner handles (EVE nests ~4 levels). Deeper input is rejected here, so fall back. */
export const MAX_SCAN_DEPTH = 256;

/** Value kind of a located field: absent, a string, or another JSON type. */
export const FieldKind = { MISSING: 0, STRING: 1, OTHER: 2 } as const;

/** Output of {@link scanJsonObject}; reuse one instance (it is overwritten on every call). */
export interface ScanFields {
  /** `FieldKind` of top-level `timestamp`. */
  tsKind: number;
  /** Byte span of the `timestamp` string content (between the quotes). */
  tsStart: number;
  tsEnd: number;
  /** Whether that string contains a backslash escape. */
  tsEscaped: boolean;
  /** `FieldKind` of top-level `event_type`. */
  etKind: number;
  etStart: number;
  etEnd: number;
  etEscaped: boolean;
}

/** Creates a zeroed {@link ScanFields}. */
export function createScanFields(): ScanFields {
  return { tsKind: 0, tsStart: 0, tsEnd: 0, tsEscaped: false, etKind: 0, etStart: 0, etEnd: 0, etEscaped: false };
}

// 1 = byte that ends the fast path inside a string: control chars, '"' and '\'.
const STR_STOP = new Uint8Array(256);
for (let c = 0; c < 32; c++) STR_STOP[c] = 1;
STR_STOP[34] = 1;
STR_STOP[92] = 1;
// 1 = JSON whitespace
const WS = new Uint8Array(256);
WS[32] = WS[9] = WS[10] = WS[13] = 1;
// 1 = hex digit
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;
// 1 = valid char after '\' (other than 'u')
const ESC = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC[c.charCodeAt(0)] = 1;

const K_TIMESTAMP = Buffer.from("timestamp");
const K_EVENT_TYPE = Buffer.from("event_type");

const stack = new Uint8Array(MAX_SCAN_DEPTH); // 1 = object, 2 = array
let escaped = false;

/** Scans a string whose opening quote is at `i - 1`; returns the index after the closing quote, or -1. */
function scanString(b: Buffer, i: number, n: number): number {
  escaped = false;
  for (;;) {
    // Four bytes per step while none of them stops the fast path (most EVE string bytes are plain ASCII), then
    // byte by byte: same verdict as the byte loop alone, fewer loop iterations.
    while (i + 3 < n) {
      const stop =
        (STR_STOP[b[i] as number] as number) |
        (STR_STOP[b[i + 1] as number] as number) |
        (STR_STOP[b[i + 2] as number] as number) |
        (STR_STOP[b[i + 3] as number] as number);
      if (stop !== 0) break;
      i += 4;
    }
    while (i < n && STR_STOP[b[i] as number] === 0) i++;
    if (i >= n) return -1;
    const c = b[i] as number;
    if (c === 34) return i + 1;
    if (c !== 92) return -1; // raw control character
    escaped = true;
    const e = b[i + 1] as number;
    if (e === 117) {
      if (i + 5 >= n || !HEX[b[i + 2] as number] || !HEX[b[i + 3] as number] || !HEX[b[i + 4] as number] || !HEX[b[i + 5] as number]) {
        return -1;
      }
      i += 6;
    } else if (ESC[e] === 1) {
      i += 2;
    } else {
      return -1;
    }
  }
}

function digits(b: Buffer, i: number, n: number): number {
  while (i < n) {
    const c = b[i] as number;
    if (c < 48 || c > 57) break;
    i++;
  }
  return i;
}

/** Scans a number starting at `i`; returns the index after it, or -1. */
function scanNumber(b: Buffer, i: number, n: number): number {
  if (b[i] === 45) i++;
  const c = b[i];
  if (c === 48) i++;
  else if (c !== undefined && c >= 49 && c <= 57) i = digits(b, i + 1, n);
  else return -1;
  if (b[i] === 46) {
    const s = i + 1;
    i = digits(b, s, n);
    if (i === s) return -1;
  }
  const e = b[i];
  if (e === 101 || e === 69) {
    i++;
    if (b[i] === 43 || b[i] === 45) i++;
    const s = i;
    i = digits(b, s, n);
    if (i === s) return -1;
  }
  return i;
}

function keyIs(b: Buffer, s: number, e: number, k: Buffer): boolean {
  if (e - s !== k.length) return false;
  for (let j = 0; j < k.length; j++) if (b[s + j] !== k[j]) return false;
  return true;
}

function literal(b: Buffer, i: number, word: string): number {
  for (let j = 1; j < word.length; j++) if (b[i + j] !== word.charCodeAt(j)) return -1;
  return i + word.length;
}

/**
 * Validates that `b` is exactly one JSON object (surrounding whitespace allowed) and locates its top-level
 * `timestamp` and `event_type` values (last occurrence wins, as with `JSON.parse`).
 *
 * @param b - the record bytes (assumed valid UTF-8; bytes ≥ 0x80 are accepted inside strings only).
 * @param out - receives the field locations; overwritten.
 * @returns `true` if valid; `false` if not a JSON object, invalid, or nested deeper than {@link MAX_SCAN_DEPTH}.
 */
export function scanJsonObject(b: Buffer, out: ScanFields): boolean {
  const n = b.length;
  out.tsKind = 0;
  out.etKind = 0;
  let i = 0;
  while (i < n && WS[b[i] as number] === 1) i++;
  if (b[i] !== 123) return false;
  i++;
  let depth = 1;
  stack[0] = 1;
  let afterOpen = true;
  for (;;) {
    // Expect a member (in an object) or an element (in an array), or a close right after an open.
    while (i < n && WS[b[i] as number] === 1) i++;
    const top = stack[depth - 1];
    let c = b[i] as number;
    if (afterOpen && (c === 125 || c === 93)) {
      if ((top === 1) !== (c === 125)) return false;
      i++;
      depth--;
    } else {
      let keyStart = -1;
      let keyEnd = -1;
      if (top === 1) {
        if (c !== 34) return false;
        keyStart = i + 1;
        i = scanString(b, keyStart, n);
        if (i < 0) return false;
        keyEnd = i - 1;
        while (i < n && WS[b[i] as number] === 1) i++;
        if (b[i] !== 58) return false;
        i++;
        while (i < n && WS[b[i] as number] === 1) i++;
        c = b[i] as number;
      }
      const isTs = depth === 1 && keyIs(b, keyStart, keyEnd, K_TIMESTAMP);
      const isEt = !isTs && depth === 1 && keyIs(b, keyStart, keyEnd, K_EVENT_TYPE);
      if (c === 34) {
        const vs = i + 1;
        i = scanString(b, vs, n);
        if (i < 0) return false;
        if (isTs) {
          out.tsKind = 1;
          out.tsStart = vs;
          out.tsEnd = i - 1;
          out.tsEscaped = escaped;
        } else if (isEt) {
          out.etKind = 1;
          out.etStart = vs;
          out.etEnd = i - 1;
          out.etEscaped = escaped;
        }
      } else {
        if (isTs) out.tsKind = 2;
        else if (isEt) out.etKind = 2;
        if (c === 123 || c === 91) {
          if (depth >= MAX_SCAN_DEPTH) return false;
          stack[depth++] = c === 123 ? 1 : 2;
          i++;
          afterOpen = true;
          continue;
        }
        if (c === 116) i = literal(b, i, "true");
        else if (c === 102) i = literal(b, i, "false");
        else if (c === 110) i = literal(b, i, "null");
        else i = scanNumber(b, i, n);
        if (i < 0) return false;
      }
    }
    afterOpen = false;
    // After a value: ',' continues the container, a matching bracket closes it.
    for (;;) {
      if (depth === 0) {
        while (i < n && WS[b[i] as number] === 1) i++;
        return i === n;
      }
      while (i < n && WS[b[i] as number] === 1) i++;
      c = b[i] as number;
      const t = stack[depth - 1];
      if (c === 44) {
        i++;
        break;
      }
      if ((t === 1 && c === 125) || (t === 2 && c === 93)) {
        i++;
        depth--;
        continue;
      }
      return false;
    }
  }
}
