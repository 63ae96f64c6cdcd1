/**
 * import → compose round trip on the Compose output of every example and fixture config.
 *
 * "Equivalent" means: the same project name; the same service names; for every service the same image,
 * build, command, entrypoint, ports, volumes, networks / network_mode, profiles, depends_on (with
 * conditions), healthcheck, environment, user and security settings (read_only, privileged, pid, ipc,
 * cap_add, cap_drop, security_opt, tmpfs, devices, ulimits), deploy.resources, restart, labels, expose and
 * secrets, compared as parsed YAML values; and the same top-level networks, volumes and secrets. Only
 * `configs` differ: the apps' generated `soc-config.yaml` is compose-gen's own output for OUR apps, which an
 * import turns into third-party services (the import notes say so), so the round trip drops it; along with
 * `init`, which the config has no field for on services (also noted). A service that joins Compose's
 * implicit `default` network next to others (health-monitor with the socket proxy) makes the import
 * declare `default` (a config must declare every network it names); a declared `default` with only the
 * bridge driver and compose-gen's labels is the implicit network, so it is compared as absent.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMPOSE_FILE, generateCompose, importCompose, parseComposeFile } from "../src/index.js";
import { composeSchemaErrors } from "./support/compose-schema.js";
import { allConfigFiles, load } from "./support/configs.js";
import { regenerate } from "./support/import.js";

const OUT = "/virtual/out";
const NOT_COMPARED = new Set(["configs", "init"]);

type Doc = { name: string; services: Record<string, Record<string, unknown>>; networks?: object; volumes?: object; secrets?: object };
const comparable = (svc: Record<string, unknown>) => Object.fromEntries(Object.entries(svc).filter(([k]) => !NOT_COMPARED.has(k)));

/** Top-level networks with a plain `default` (bridge + labels only) removed: that is Compose's implicit one. */
function implicitDefault(networks: object | undefined): object | undefined {
  if (networks === undefined) return undefined;
  const { default: d, ...rest } = networks as Record<string, Record<string, unknown> | undefined>;
  const plain = d !== undefined && Object.keys(d).every((k) => k === "driver" || k === "labels") && d.driver === "bridge";
  if (d === undefined || !plain) return networks;
  return Object.keys(rest).length ? rest : undefined;
}

describe.each(allConfigFiles().map((f) => [path.basename(f), f]))("%s", (_name, file) => {
  it("import → compose gives an equivalent Compose file", async () => {
    const { config, baseDir } = await load(file);
    const original = parse(generateCompose(config, { baseDir, outDir: OUT }).files.get(COMPOSE_FILE) as string) as Doc;
    const imported = importCompose([parseComposeFile(generateCompose(config, { baseDir, outDir: OUT }).files.get(COMPOSE_FILE) as string, "docker-compose.yml")]);
    const again = regenerate(imported, path.join(OUT, "compose"), OUT) as Doc;
    expect(composeSchemaErrors(again)).toEqual([]);
    expect(again.name).toBe(original.name);
    expect(Object.keys(again.services)).toEqual(Object.keys(original.services));
    for (const [name, svc] of Object.entries(original.services)) expect(comparable(again.services[name] ?? {}), name).toEqual(comparable(svc));
    expect(implicitDefault(again.networks)).toEqual(original.networks);
    expect(again.volumes).toEqual(original.volumes);
    expect(again.secrets).toEqual(original.secrets);
  });

  it("what the round trip drops is exactly what the notes list", async () => {
    const { config, baseDir } = await load(file);
    const text = generateCompose(config, { baseDir, outDir: OUT }).files.get(COMPOSE_FILE) as string;
    const original = parse(text) as Doc;
    const { notes } = importCompose([parseComposeFile(text, "docker-compose.yml")]);
    for (const [name, svc] of Object.entries(original.services)) {
      for (const k of Object.keys(svc).filter((x) => NOT_COMPARED.has(x))) expect(notes.map((n) => n.path), `${name}.${k}`).toContain(`services.${name}.${k}`);
    }
    if ((original as Record<string, unknown>).configs !== undefined) expect(notes.map((n) => n.path)).toContain("configs");
  });
});
