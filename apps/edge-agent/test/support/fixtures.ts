// Helpers that load the copied EVE fixtures (see test/fixtures/README.md).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** Fixture files whose every line is a valid EVE event. */
export const VALID_FIXTURES = [
  "OISF__suricata-verify.json",
  "cisagov__Malcolm.slice.json",
  "rhaist__surevego.slice.json",
  "sofiafernandezmoreno__tfm_ddos_demo.slice.json",
] as const;

/** Raw bytes of a fixture file. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(dir + name);
}

/** Lines of a fixture file as Buffers (without `\n`; empty trailing line dropped). */
export function fixtureLines(name: string): Buffer[] {
  const buf = fixtureBytes(name);
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
    out.push(buf.subarray(start, nl));
    start = nl + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** The first line of `name` whose `event_type` is `type`. */
export function firstLineOfType(name: string, type: string): Buffer {
  const line = fixtureLines(name).find((l) => (JSON.parse(l.toString()) as { event_type: string }).event_type === type);
  if (!line) throw new Error(`no ${type} line in ${name}`);
  return line;
}
