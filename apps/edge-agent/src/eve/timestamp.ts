/**
 * Parser for Suricata EVE `timestamp` strings.
 *
 * Suricata writes `YYYY-MM-DDTHH:MM:SS.ffffff+hhmm` (local time with a numeric UTC offset, e.g.
 * `2017-04-07T22:24:37.251547+0100`). Versions before 3.x wrote the same without the offset
 * (`2009-11-24T21:27:09.534255`, still shown in the "Common Section" of the EVE docs); such values carry no
 * zone, and this parser treats them as UTC and reports `hadOffset: false` so callers can count them.
 * Source: https://docs.suricata.io/en/latest/output/eve/eve-json-format.html
 *
 * Hand-written on `charCodeAt` (no RegExp, no Date allocation) because it runs once per event on the hot path.
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

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - C0;
  const b = s.charCodeAt(i + 1) - C0;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

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
  const epochMs = parseEveTimestampMs(s);
  if (Number.isNaN(epochMs)) return undefined;
  return { epochMs, hadOffset: !timestampLacksOffset(s) };
}

/**
 * Allocation-free variant of {@link parseEveTimestamp} for the hot path.
 *
 * @param s - the `timestamp` field value.
 * @returns UTC epoch milliseconds, or `NaN` when invalid. Use {@link timestampLacksOffset} to learn whether the
 *   string had a zone (only meaningful for a valid timestamp).
 */
export function parseEveTimestampMs(s: string): number {
  const n = s.length;
  if (n < 19) return NaN;
  const y1 = d2(s, 0);
  const y2 = d2(s, 2);
  if (y1 < 0 || y2 < 0) return NaN;
  const year = y1 * 100 + y2;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN; // '-'
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 32) return NaN; // 'T' or ' '
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN; // ':'
  const month = d2(s, 5);
  const day = d2(s, 8);
  const hour = d2(s, 11);
  const minute = d2(s, 14);
  const second = d2(s, 17);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return NaN;
  if (minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;
  if (day > (DAYS_IN_MONTH[month - 1] ?? 0)) return NaN;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return NaN;

  let i = 19;
  let ms = 0;
  if (i < n && s.charCodeAt(i) === 46) {
    // '.' fraction: 1..9 digits, keep milliseconds
    i++;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i) - C0;
      if (c < 0 || c > 9) break;
      const pos = i - start;
      if (pos < 3) ms += c * (pos === 0 ? 100 : pos === 1 ? 10 : 1);
      i++;
    }
    const digits = i - start;
    if (digits < 1 || digits > 9) return NaN;
  }

  let offsetMin = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if (z === 90) {
      // 'Z'
      i++;
    } else if (z === 43 || z === 45) {
      // '+' / '-'
      const oh = d2(s, i + 1);
      let om: number;
      if (s.charCodeAt(i + 3) === 58) {
        om = d2(s, i + 4);
        i += 6;
      } else {
        om = d2(s, i + 3);
        i += 5;
      }
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMin = (oh * 60 + om) * (z === 45 ? -1 : 1);
    } else {
      return NaN;
    }
    if (i !== n) return NaN;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

/**
 * Whether a (valid) EVE timestamp lacks a zone suffix, i.e. was written by an old Suricata and read as UTC.
 *
 * @param s - a timestamp that {@link parseEveTimestampMs} accepted.
 */
export function timestampLacksOffset(s: string): boolean {
  const last = s.charCodeAt(s.length - 1);
  if (last === 90) return false; // 'Z'
  // With an offset, the 5th (±hhmm) or 6th (±hh:mm) char from the end is the sign.
  const a = s.charCodeAt(s.length - 5);
  const b = s.charCodeAt(s.length - 6);
  return !(a === 43 || a === 45 || ((b === 43 || b === 45) && s.charCodeAt(s.length - 3) === 58));
}
