/** Compose merge rules (pure): how `-f` files combine, key by key, as https://docs.docker.com/reference/compose-file/merge/ says. */
import { describe, expect, it } from "vitest";
import { mergeComposeData, parseComposeFile } from "../src/index.js";

const merge = (...texts: string[]) => mergeComposeData(texts.map((t, i) => parseComposeFile(t, `f${i}.yml`).data)) as { services: Record<string, Record<string, unknown>> };

describe("mergeComposeData", () => {
  it("later scalars win; mappings merge key by key", () => {
    const m = merge("services:\n  a: { image: x:1, user: '1', deploy: { resources: { limits: { cpus: '1' } } } }\n", "services:\n  a: { image: x:2, deploy: { resources: { limits: { memory: 1g } } } }\n");
    expect(m.services.a).toEqual({ image: "x:2", user: "1", deploy: { resources: { limits: { cpus: "1", memory: "1g" } } } });
  });

  it("command, entrypoint and healthcheck.test are replaced, not appended", () => {
    const m = merge("services:\n  a: { command: [a, b], entrypoint: [sh], healthcheck: { test: [CMD, x], retries: 3 } }\n", "services:\n  a: { command: [c], entrypoint: [bash], healthcheck: { test: [CMD, y] } }\n");
    expect(m.services.a).toEqual({ command: ["c"], entrypoint: ["bash"], healthcheck: { test: ["CMD", "y"], retries: 3 } });
  });

  it("volumes merge by container path (short and long form); ports append without duplicates", () => {
    const m = merge(
      "services:\n  a:\n    volumes: ['data:/data', './conf:/etc/app:ro']\n    ports: ['80:80']\n",
      "services:\n  a:\n    volumes: [{ type: bind, source: ./other, target: /data }, 'logs:/logs']\n    ports: ['80:80', '443:443']\n",
    );
    expect(m.services.a?.volumes).toEqual([{ type: "bind", source: "./other", target: "/data" }, "./conf:/etc/app:ro", "logs:/logs"]);
    expect(m.services.a?.ports).toEqual(["80:80", "443:443"]);
  });

  it("environment and labels merge as mappings across list and map forms; depends_on and networks too", () => {
    const m = merge("services:\n  a: { environment: [A=1, B=2], labels: [x=1], depends_on: [db], networks: [front] }\n", "services:\n  a: { environment: { B: '3', C: '4' }, depends_on: { cache: { condition: service_healthy } }, networks: { back: {} } }\n");
    expect(m.services.a).toEqual({
      environment: { A: "1", B: "3", C: "4" },
      labels: { x: "1" },
      depends_on: { db: { condition: "service_started" }, cache: { condition: "service_healthy" } },
      networks: { front: null, back: {} },
    });
  });

  it("!reset removes the inherited value, !override replaces it whole, nested too", () => {
    const m = merge("services:\n  a: { ports: ['80:80'], environment: { A: '1', B: '2' }, deploy: { resources: { limits: { cpus: '1' } } } }\n", "services:\n  a:\n    ports: !reset []\n    environment: !override { C: '3' }\n    deploy: { resources: !reset {} }\n");
    expect(m.services.a).toEqual({ environment: { C: "3" }, deploy: {} });
  });

  it("a service only in a later file is added as written", () => {
    const m = merge("services:\n  a: { image: x:1 }\n", "services:\n  b: { image: y:1, cap_add: !reset [] }\n");
    expect(m.services).toEqual({ a: { image: "x:1" }, b: { image: "y:1" } });
  });
});
