/**
 * Suricata EVE `event_type` values, the event-type filter, and the shipping priority of each type.
 *
 * Source for the list: the "Event type" sections of https://docs.suricata.io/en/latest/output/eve/eve-json-format.html
 * (Suricata 7/8) plus types seen in older releases and in Suricata's own test suite (`engine`, `ldap`).
 * Unknown types are valid events: the parser flags them (`known: false`) and ships them anyway.
 * @module
 */

/** Event types documented by Suricata (as of 8.0) or emitted by older releases. Lowercase. */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  "alert",
  "anomaly",
  "arp",
  "bittorrent_dht",
  "dcerpc",
  "dhcp",
  "dnp3",
  "dns",
  "drop",
  "engine",
  "enip",
  "fileinfo",
  "flow",
  "frame",
  "ftp",
  "ftp_data",
  "http",
  "http2",
  "ike",
  "ikev2",
  "krb5",
  "ldap",
  "modbus",
  "mqtt",
  "netflow",
  "nfs",
  "pgsql",
  "pop3",
  "quic",
  "rdp",
  "rfb",
  "sip",
  "smb",
  "smtp",
  "snmp",
  "ssh",
  "stats",
  "tftp",
  "tls",
  "websocket",
]);

/**
 * Whether `eventType` is one of {@link KNOWN_EVENT_TYPES}.
 *
 * @param eventType - an `event_type` value as written by Suricata (case-sensitive: Suricata writes lowercase).
 */
export function isKnownEventType(eventType: string): boolean {
  return KNOWN_EVENT_TYPES.has(eventType);
}

/**
 * Decides which event types are shipped. Built once from config; `accepts` is a Set lookup.
 *
 * An empty or absent `include` list means "all types"; `exclude` wins over `include`.
 */
export class EventTypeFilter {
  readonly #include: ReadonlySet<string> | undefined;
  readonly #exclude: ReadonlySet<string>;

  /**
   * @param options.include - types to ship (empty/undefined = all).
   * @param options.exclude - types never to ship (e.g. `["stats"]`).
   */
  constructor(options: { include?: readonly string[]; exclude?: readonly string[] } = {}) {
    this.#include = options.include && options.include.length > 0 ? new Set(options.include) : undefined;
    this.#exclude = new Set(options.exclude ?? []);
  }

  /** `true` when events of `eventType` should be shipped. */
  accepts(eventType: string): boolean {
    if (this.#exclude.has(eventType)) return false;
    return this.#include === undefined || this.#include.has(eventType);
  }
}

/**
 * Shipping priority: lower number = more important. Under backpressure the batcher serves priority 0 first and
 * refuses priority 2 before priority 0 (see `Batcher`).
 */
export type EventPriority = 0 | 1 | 2;

/** Options for {@link createPriorityOf}. */
export interface PriorityOptions {
  /** Types that must never wait behind others. Default `["alert", "drop", "anomaly"]`. */
  readonly high?: readonly string[];
  /** Bulk, low-value types shed first. Default `["flow", "netflow", "stats"]`. */
  readonly low?: readonly string[];
}

/**
 * Builds `eventType → priority`: `high` types → 0, `low` types → 2, everything else (protocol logs) → 1.
 *
 * @param options - see {@link PriorityOptions}.
 */
export function createPriorityOf(options: PriorityOptions = {}): (eventType: string) => EventPriority {
  const high = new Set(options.high ?? ["alert", "drop", "anomaly"]);
  const low = new Set(options.low ?? ["flow", "netflow", "stats"]);
  return (eventType) => (high.has(eventType) ? 0 : low.has(eventType) ? 2 : 1);
}
