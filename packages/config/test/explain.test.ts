import { describe, expect, it } from "vitest";
import { explain, formatFieldInfo, UnknownPathError } from "../src/index.js";

describe("explain", () => {
  it("gives type, default and description", () => {
    expect(explain("apps.edgeAgent.shipper.batchMaxEvents")).toMatchObject({ type: "integer", default: 5000, constraints: ["minimum 1"], required: false });
    expect(explain("host.arch")).toMatchObject({ type: "string", default: "arm64", allowed: ["arm64", "amd64"] });
    expect(explain("host.cpus").description).toBe("CPU cores (0.5 = half a core).");
    expect(explain("version")).toMatchObject({ required: true, allowed: [1] });
  });

  it("walks maps, lists and unions", () => {
    expect(explain("services.anything.image").type).toBe("string");
    expect(explain("services.x.ports.0").type).toBe("string | object");
    expect(explain("services.x.ports.*.protocol").allowed).toEqual(["tcp", "udp", "sctp"]);
    expect(explain("apps.edgeAgent.buffer.type").allowed).toEqual(["disk", "redis"]);
    expect(explain("apps.edgeAgent.buffer.maxLen").default).toBe(1_000_000);
    expect(explain("opensearch.region").type).toBe("string");
    expect(explain("").keys).toContain("services");
  });

  it("refuses unknown paths with a did-you-mean", () => {
    expect(() => explain("apps.edgeAgent.shiper")).toThrow(UnknownPathError);
    try {
      explain("apps.edgeAgent.shiper.batchMaxEvents");
    } catch (e) {
      expect((e as UnknownPathError).suggestion).toBe("shipper");
      expect((e as Error).message).toContain('did you mean "shipper"?');
    }
  });

  it("formats for a terminal", () => {
    expect(formatFieldInfo(explain("logging.level"))).toBe(
      ["logging.level", "  type: string", '  default: "info"', '  allowed: "trace", "debug", "info", "warn", "error", "fatal"', "  required: no"].join("\n"),
    );
  });
});
