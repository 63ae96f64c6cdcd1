/** The schema harness itself rejects broken Compose, so a passing validation means something. */
import { describe, expect, it } from "vitest";
import { composeSchemaErrors } from "./support/compose-schema.js";
import { danglingReferences } from "./support/cross-refs.js";

describe("compose-spec schema harness", () => {
  it("accepts a small valid file", () => {
    expect(composeSchemaErrors({ name: "x", services: { a: { image: "nginx:1.27.2", restart: "no", depends_on: { b: { condition: "service_healthy", required: false } } }, b: { image: "b:1" } } })).toEqual([]);
  });

  it("rejects typos and wrong types", () => {
    const errors = composeSchemaErrors({ services: { a: { image: "x", restartt: "no", healthcheck: { intervall: "1s" }, ports: 8080 } } });
    expect(errors.join("\n")).toMatch(/restartt/);
    expect(errors.join("\n")).toMatch(/intervall/);
    expect(errors.join("\n")).toMatch(/ports/);
  });

  it("cross-reference check finds undeclared names", () => {
    expect(
      danglingReferences({
        services: { a: { depends_on: { z: {} }, networks: ["n"], volumes: [{ type: "volume", source: "v", target: "/v" }], secrets: ["s"], configs: [{ source: "c" }] } },
      }),
    ).toEqual(["a: depends_on z is not a service", "a: network n is not declared", "a: volume v is not declared", "a: secret s is not declared", "a: config c is not declared"]);
  });
});
