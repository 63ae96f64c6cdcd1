/**
 * Third-party `services` → containers. They keep the security context they declare (the lint reports what
 * is missing); compose-gen only adds labels and the `unless-stopped` restart default.
 */
import { baseContainer, declaredSecurity, type BuildContext, type RawDependsOn } from "./container.js";
import { isRelativeHostPath, resolveHostPath, sortRecord } from "./normalize.js";
import type { ContainerSpec } from "./types.js";

/** One built container and its dependencies as written in the config. */
export interface Built {
  spec: ContainerSpec;
  rawDependsOn: RawDependsOn;
}

/** Every enabled service of the config, in name order. */
export function buildServices(ctx: BuildContext): Built[] {
  const out: Built[] = [];
  for (const name of Object.keys(ctx.config.services).sort()) {
    const s = ctx.config.services[name];
    if (s === undefined || !s.enabled) continue;
    const { spec, rawDependsOn } = baseContainer(name, "service", ["services", name], s, declaredSecurity(s), ctx);
    if (s.description !== undefined) spec.description = s.description;
    if (s.image !== undefined) spec.image = s.image;
    if (s.build !== undefined) {
      spec.build = {
        ...(/^[a-z][a-z0-9+.-]*:\/\/|^git@/.test(s.build.context) || !isRelativeHostPath(s.build.context)
          ? { context: s.build.context }
          : { context: resolveHostPath(s.build.context, ctx.baseDir), contextRelative: true }),
        ...(s.build.dockerfile !== undefined ? { dockerfile: s.build.dockerfile } : {}),
        ...(s.build.args !== undefined ? { args: sortRecord(s.build.args) } : {}),
        ...(s.build.target !== undefined ? { target: s.build.target } : {}),
      };
    }
    if (s.command !== undefined) spec.command = s.command;
    if (s.entrypoint !== undefined) spec.entrypoint = s.entrypoint;
    if (s.workingDir !== undefined) spec.workingDir = s.workingDir;
    if (s.hostname !== undefined) spec.hostname = s.hostname;
    if (s.containerName !== undefined) spec.containerName = s.containerName;
    if (s.stopGracePeriod !== undefined) spec.stopGracePeriod = s.stopGracePeriod;
    if (s.shmSize !== undefined) spec.shmSize = s.shmSize;
    spec.expose = [...new Set(s.expose ?? [])].sort((a, b) => a - b);
    spec.extraHosts = s.extraHosts ?? [];
    if (s.scrape !== undefined) spec.scrape = { port: s.scrape.port, path: s.scrape.path, ...(s.scrape.interval !== undefined ? { interval: s.scrape.interval } : {}) };
    out.push({ spec, rawDependsOn });
  }
  return out;
}
