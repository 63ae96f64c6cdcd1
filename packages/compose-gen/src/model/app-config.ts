/**
 * The resolved config the apps read at `/etc/soc/config.yaml`: the parsed config with every default, secret
 * references only (never values), file references pointing at the in-container secret files, and the
 * Docker endpoint health-monitor really uses. Keys are sorted at every level so the document does not
 * depend on the input's key order.
 */
import type { SocConfig } from "@soc/config";
import { rewriteFileRefs, SECRETS_DIR, type SecretRegistry } from "./secrets.js";

/** Deep copy with object keys sorted (arrays keep their order). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeysDeep((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * Builds the apps' config document.
 * @param mountedInApps secrets mounted into at least one app: their top-level entries are rewritten to the
 *   in-container file so `{ secretRef: { name } }` resolves inside the container
 * @param dockerHost the endpoint health-monitor reaches (the socket proxy), when compose-gen chose it
 */
export function buildAppConfig(config: SocConfig, registry: SecretRegistry, baseDir: string, mountedInApps: Set<string>, dockerHost: string | undefined): unknown {
  const { $schema: _schema, ...rest } = config;
  const doc = rewriteFileRefs(rest, registry, baseDir) as Record<string, unknown> & { secrets: Record<string, Record<string, unknown> & { description?: string }> };
  for (const [name, s] of Object.entries(doc.secrets)) {
    if (mountedInApps.has(name)) doc.secrets[name] = { file: `${SECRETS_DIR}/${name}`, ...(s.description !== undefined ? { description: s.description } : {}) };
  }
  if (dockerHost !== undefined) {
    const apps = doc.apps as { healthMonitor: { docker: { host: string; socketProxy: boolean } } };
    apps.healthMonitor.docker = { ...apps.healthMonitor.docker, host: dockerHost };
  }
  return sortKeysDeep(doc);
}
