import { describe, expect, it } from "vitest";
import { BatcherOptionsError } from "../src/ship/batcher.js";
import { InvalidIndexNameError } from "../src/ship/index-name.js";
import { CORE_DEFAULTS, createCore, resolveCoreOptions } from "../src/options.js";

describe("core options", () => {
  it("fills the documented defaults", () => {
    const o = resolveCoreOptions({ sensorId: "pi-01" });
    expect(o).toMatchObject({ sensorId: "pi-01", indexPrefix: "suricata", batchMaxEvents: 5000, batchMaxBytes: 5 * 1024 * 1024, flushIntervalMs: 1000 });
    expect(resolveCoreOptions({ sensorId: "x", batchMaxEvents: 10 }).batchMaxEvents).toBe(10);
    expect(CORE_DEFAULTS.eventTypes).toEqual([]);
  });

  it("builds components that honour the settings", () => {
    const core = createCore({ sensorId: "pi-01", indexPrefix: "ids", eventTypes: ["alert", "flow"], excludeEventTypes: ["flow"], idLength: 30 });
    expect(core.indexNamer.indexFor("alert", Date.parse("2024-05-06T07:08:09Z"))).toBe("ids-alert-2024.05.06");
    expect([core.filter.accepts("alert"), core.filter.accepts("flow"), core.filter.accepts("dns")]).toEqual([true, false, false]);
    expect(core.ids.idFor(Buffer.from("{}"))).toHaveLength(30);
    expect(core.priorityOf("alert")).toBe(0);
    expect(core.createBackoff(() => 0.5).next()).toBe(50);
    expect(core.tailer.path).toBe("/var/log/suricata/eve.json");
  });

  it("fails fast with the component's typed error", () => {
    expect(() => createCore({ sensorId: "x", indexPrefix: "Bad" })).toThrow(InvalidIndexNameError);
    expect(() => createCore({ sensorId: "x", batchMaxBytes: 0 })).toThrow(BatcherOptionsError);
  });
});
