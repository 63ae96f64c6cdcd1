/**
 * Daily index names `<prefix>-<event_type>-YYYY.MM.DD`.
 *
 * The date is the UTC calendar day of the event's own `timestamp` (after applying its `+hhmm` offset), never the
 * shipper's clock: a replay of last week's file lands in last week's indices, and a sensor in UTC+1 writing
 * `2024-01-02T00:30:00+0100` lands in `…-2024.01.01`. Timestamps without an offset are read as UTC by the parser.
 *
 * OpenSearch index-name rules (https://opensearch.org/docs/latest/api-reference/index-apis/create-index/):
 * lowercase; none of `: " * + / \ | ? # > <`, space or comma; must not start with `_`, `-` or `+`; not `.` or
 * `..`; at most 255 bytes. The prefix is validated once; event types are lowercased and were already restricted
 * to `[A-Za-z0-9_.-]` by the parser.
 * @module
 */

/** Thrown when an index prefix or resulting name breaks OpenSearch's index-name rules. */
export class InvalidIndexNameError extends Error {
  override readonly name = "InvalidIndexNameError";
  constructor(
    message: string,
    /** The rejected name or prefix. */
    readonly value: string,
  ) {
    super(message);
  }
}

// eslint-disable-next-line no-control-regex -- control characters are forbidden in index names on purpose
const FORBIDDEN = /[\\/*?"<>|,# :+A-Z\x00-\x1f]/;
const DAY_MS = 86_400_000;

/**
 * Checks a string against OpenSearch's index-name rules.
 *
 * @returns `undefined` when valid, else the first rule broken.
 */
export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name === "." || name === "..") return "must not be '.' or '..'";
  if (/^[-_+]/.test(name)) return "must not start with '-', '_' or '+'";
  const bad = FORBIDDEN.exec(name);
  if (bad) return `must not contain ${JSON.stringify(bad[0])} (lowercase only; no \\ / * ? " < > | , # : + or space)`;
  if (Buffer.byteLength(name, "utf8") > 255) return "must be at most 255 bytes";
  return undefined;
}

/** Formats UTC epoch milliseconds as `YYYY.MM.DD`. */
export function utcDaySuffix(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`;
}

/**
 * Builds index names with a per-(event type, day) cache, so the hot path is one Map lookup per event. The cache is
 * bounded (1024 types × 64 days).
 */
export class IndexNamer {
  readonly #prefix: string;
  /** event type → last day used and every day seen recently (events of one type can straddle midnight). */
  readonly #cache = new Map<string, { day: number; name: string; days: Map<number, string> }>();

  /**
   * @param prefix - e.g. `"suricata"`; must itself be a valid index name start (lowercase, no forbidden chars,
   *   not starting with `-_+`, at most 200 bytes to leave room for the type and date).
   * @throws {InvalidIndexNameError} if the prefix breaks the rules.
   */
  constructor(prefix: string) {
    const problem = indexNameProblem(prefix) ?? (Buffer.byteLength(prefix) > 200 ? "must be at most 200 bytes" : undefined);
    if (problem) throw new InvalidIndexNameError(`index prefix ${JSON.stringify(prefix)} ${problem}`, prefix);
    this.#prefix = prefix;
  }

  /**
   * Index for one event.
   *
   * @param eventType - the event's `event_type` (lowercased here).
   * @param epochMs - the event's timestamp in UTC epoch milliseconds.
   * @throws {InvalidIndexNameError} if the event type makes the name invalid (cannot happen for types accepted by
   *   `parseEveLine`).
   */
  indexFor(eventType: string, epochMs: number): string {
    const day = Math.floor(epochMs / DAY_MS);
    let entry = this.#cache.get(eventType);
    if (entry !== undefined && entry.day === day) return entry.name;
    let name = entry?.days.get(day);
    if (name === undefined) {
      name = `${this.#prefix}-${eventType.toLowerCase()}-${utcDaySuffix(day * DAY_MS)}`;
      const problem = indexNameProblem(name);
      if (problem) throw new InvalidIndexNameError(`index name ${JSON.stringify(name)} ${problem}`, name);
    }
    if (entry === undefined) {
      if (this.#cache.size >= 1024) this.#cache.clear(); // bound memory if a sensor emits many unknown types
      entry = { day, name, days: new Map() };
      this.#cache.set(eventType, entry);
    }
    if (entry.days.size >= 64) entry.days.clear(); // a replay across many days: keep the cache small
    entry.days.set(day, name);
    entry.day = day;
    entry.name = name;
    return name;
  }
}
