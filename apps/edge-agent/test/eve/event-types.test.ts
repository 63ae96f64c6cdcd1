import { describe, expect, it } from "vitest";
import { createPriorityOf, EventTypeFilter, isKnownEventType, KNOWN_EVENT_TYPES } from "../../src/eve/event-types.js";

describe("event types", () => {
  it("knows the types named in the issue and the Suricata docs", () => {
    for (const t of ["alert", "flow", "dns", "http", "tls", "fileinfo", "anomaly", "stats", "ssh", "smtp", "netflow", "drop",
      "dhcp", "mqtt", "krb5", "nfs", "smb", "rdp", "sip", "snmp", "tftp", "ftp", "ftp_data", "ikev2", "dnp3", "modbus",
      "quic", "http2", "pgsql", "bittorrent_dht", "rfb", "frame", "arp"]) {
      expect(isKnownEventType(t), t).toBe(true);
    }
    expect(isKnownEventType("ALERT")).toBe(false);
    expect(isKnownEventType("made_up")).toBe(false);
    expect([...KNOWN_EVENT_TYPES].every((t) => t === t.toLowerCase())).toBe(true);
  });

  it("filters by include list, exclude wins, empty include means all", () => {
    const all = new EventTypeFilter();
    expect(all.accepts("flow")).toBe(true);
    const some = new EventTypeFilter({ include: ["alert", "dns"], exclude: ["dns"] });
    expect(some.accepts("alert")).toBe(true);
    expect(some.accepts("dns")).toBe(false);
    expect(some.accepts("flow")).toBe(false);
    expect(new EventTypeFilter({ include: [], exclude: ["stats"] }).accepts("stats")).toBe(false);
  });

  it("gives alerts the highest and flow/stats the lowest priority, configurable", () => {
    const p = createPriorityOf();
    expect([p("alert"), p("drop"), p("dns"), p("unknown_type"), p("flow"), p("stats")]).toEqual([0, 0, 1, 1, 2, 2]);
    const custom = createPriorityOf({ high: ["dns"], low: ["alert"] });
    expect([custom("dns"), custom("alert"), custom("flow")]).toEqual([0, 2, 1]);
  });
});
