/**
 * Parser for Suricata EVE `timestamp` strings.
 *
 * Suricata writes `YYYY-MM-DDTHH:MM:SS.ffffff+hhmm` (local time with a numeric UTC offset, e.g.
 * `2017-04-07T22:24:37.251547+0100`). Versions before 3.x wrote the same without the offset
 * (`2009-11-24T21:27:09.534255`, still shown in the "Common Section" of the EVE docs); such values carry no
 * zone, and this parser treats them as UTC and reports `hadOffset: false` so callers can count them.
 * Source: https://docs.suricata.io/en/latest/output/eve/eve-json-format.html
 *
 * Hand-written over bytes (no RegExp, no string, no Date allocation) because it runs once per event on the hot path.
 * @module
 */

/** Result of {@link parseEveTimestamp}: milliseconds since the Unix epoch in UTC, and whether an offset was present. */
export interface EveTimestamp {
  /** Milliseconds since 1970-01-01T00:00:00Z (sub-millisecond digits truncated). */
  readonly epochMs: number;
  /** `false` when the string had no `+hhmm`/`-hhmm`/`Z` suffix and was read as UTC. */
  readonly hadOffset: boolean;
}

const C0 = 48;

function d2(b: Uint8Array, i: number): number {
  const x = (b[i] ?? 0) - C0;
  const y = (b[i + 1] ?? 0) - C0;
  if (x < 0 || x > 9 || y < 0 || y > 9) return -1;
  return x * 10 + y;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Encodes an ASCII string to bytes; `undefined` if it has any non-ASCII character. */
function asciiBytes(s: string): Buffer | undefined {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return undefined;
  return Buffer.from(s, "latin1");
}

/**
 * Parses an EVE timestamp into UTC epoch milliseconds.
 *
 * Accepted: `YYYY-MM-DDTHH:MM:SS`, optional fraction `.d{1,9}`, optional zone `Z`, `±hhmm` or `±hh:mm`.
 * Nothing may follow the zone. Calendar ranges are checked (month 1-12, day within the month, hour ≤ 23,
 * minute ≤ 59, second ≤ 60 for leap seconds, offset ≤ ±23:59). Years 1970-9999 only: an EVE record from before
 * the epoch is a clock fault, not an event.
 *
 * @param s - the `timestamp` field value.
 * @returns the parsed instant, or `undefined` if `s` is not a valid EVE timestamp (never throws).
 */
export function parseEveTimestamp(s: string): EveTimestamp | undefined {
  const b = asciiBytes(s);
  if (b === undefined) return undefined;
  const epochMs = parseEveTimestampBytes(b, 0, b.length);
  if (Number.isNaN(epochMs)) return undefined;
  return { epochMs, hadOffset: !timestampBytesLackOffset(b, 0, b.length) };
}

/**
 * String form of {@link parseEveTimestampBytes}.
 *
 * @param s - the `timestamp` field value.
 * @returns UTC epoch milliseconds, or `NaN` when invalid.
 */
export function parseEveTimestampMs(s: string): number {
  const b = asciiBytes(s);
  return b === undefined ? NaN : parseEveTimestampBytes(b, 0, b.length);
}

/**
 * Allocation-free parser for the hot path: reads the timestamp straight from the record's bytes.
 *
 * @param b - bytes holding the timestamp (e.g. the raw EVE line).
 * @param start - index of its first character (after the opening quote).
 * @param end - index just past its last character.
 * @returns UTC epoch milliseconds (sub-millisecond digits truncated), or `NaN` when invalid. Use
 *   {@link timestampBytesLackOffset} to learn whether it had a zone.
 */
export function parseEveTimestampBytes(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 19) return NaN;
  const o = start;
  const y1 = d2(b, o);
  const y2 = d2(b, o + 2);
  if (y1 < 0 || y2 < 0) return NaN;
  const year = y1 * 100 + y2;
  if (b[o + 4] !== 45 || b[o + 7] !== 45) return NaN; // '-'
  const t = b[o + 10];
  if (t !== 84 && t !== 32) return NaN; // 'T' or ' '
  if (b[o + 13] !== 58 || b[o + 16] !== 58) return NaN; // ':'
  const month = d2(b, o + 5);
  const day = d2(b, o + 8);
  const hour = d2(b, o + 11);
  const minute = d2(b, o + 14);
  const second = d2(b, o + 17);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return NaN;
  if (minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;
  if (day > (DAYS_IN_MONTH[month - 1] ?? 0)) return NaN;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return NaN;

  let i = o + 19;
  let ms = 0;
  if (i < end && b[i] === 46) {
    // '.' fraction: 1..9 digits, keep milliseconds
    i++;
    const fracStart = i;
    while (i < end) {
      const c = (b[i] ?? 0) - C0;
      if (c < 0 || c > 9) break;
      const pos = i - fracStart;
      if (pos < 3) ms += c * (pos === 0 ? 100 : pos === 1 ? 10 : 1);
      i++;
    }
    const digits = i - fracStart;
    if (digits < 1 || digits > 9) return NaN;
  }

  let offsetMin = 0;
  if (i < end) {
    const z = b[i];
    if (z === 90) {
      // 'Z'
      i++;
    } else if (z === 43 || z === 45) {
      // '+' / '-'
      if (end - i < 5) return NaN;
      const oh = d2(b, i + 1);
      let om: number;
      if (b[i + 3] === 58) {
        if (end - i < 6) return NaN;
        om = d2(b, i + 4);
        i += 6;
      } else {
        om = d2(b, i + 3);
        i += 5;
      }
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMin = (oh * 60 + om) * (z === 45 ? -1 : 1);
    } else {
      return NaN;
    }
    if (i !== end) return NaN;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

/**
 * Whether a (valid) EVE timestamp lacks a zone suffix, i.e. was written by an old Suricata and read as UTC.
 *
 * @param s - a timestamp that {@link parseEveTimestampMs} accepted.
 */
export function timestampLacksOffset(s: string): boolean {
  const b = Buffer.from(s, "latin1");
  return timestampBytesLackOffset(b, 0, b.length);
}

/** Byte form of {@link timestampLacksOffset}, for a timestamp that {@link parseEveTimestampBytes} accepted. */
export function timestampBytesLackOffset(b: Uint8Array, start: number, end: number): boolean {
  if (b[end - 1] === 90) return false; // 'Z'
  // With an offset, the 5th (±hhmm) or 6th (±hh:mm) char from the end is the sign.
  const x = b[end - 5];
  const y = b[end - 6];
  return !(end - start >= 24 && (x === 43 || x === 45 || ((y === 43 || y === 45) && b[end - 3] === 58)));
}
