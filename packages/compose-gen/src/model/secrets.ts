/**
 * Secret references → deploy-time secrets. Top-level `secrets` keep their names; every other
 * `{ secretRef: { file } }` in the config becomes a generated secret named after the file. Names are assigned
 * from the sorted set of resolved paths, so they do not depend on the config's key order.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { walkSecretRefs, type SocConfig } from "@soc/config";
import { isRelativeHostPath, resolveHostPath } from "./normalize.js";
import type { SecretSpec } from "./types.js";

/** In-container folder where Compose (and later Kubernetes) mounts secrets as files. */
export const SECRETS_DIR = "/run/secrets";

type Ref = { env: string } | { file: string } | { name: string };

/** What a container needs to resolve a set of secret references. */
export interface SecretNeeds {
  /** Secrets to mount at `/run/secrets/<name>` (sorted). */
  mounts: string[];
  /** Environment variables to pass through from the deploying shell (sorted). */
  envVars: string[];
}

/** The stack's secrets, top-level and generated from file references. */
export class SecretRegistry {
  private readonly byName = new Map<string, SecretSpec>();
  private readonly byFile = new Map<string, string>();

  /** @param config parsed config; @param baseDir folder of the config file (file paths are relative to it) */
  constructor(config: SocConfig, baseDir: string) {
    for (const name of Object.keys(config.secrets).sort()) {
      const s = config.secrets[name];
      if (s === undefined) continue;
      const source: SecretSpec["source"] = "file" in s ? { file: resolveHostPath(s.file, baseDir), relative: isRelativeHostPath(s.file) } : { env: s.env };
      this.byName.set(name, { name, source, ...(s.description !== undefined ? { description: s.description } : {}) });
      if ("file" in source) this.byFile.set(source.file, name);
    }
    const files = new Map<string, boolean>();
    walkSecretRefs(config, [], (ref) => {
      if ("file" in ref.secretRef) files.set(resolveHostPath(ref.secretRef.file, baseDir), isRelativeHostPath(ref.secretRef.file));
    });
    for (const [file, relative] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      if (this.byFile.has(file)) continue;
      const name: string = this.freeName(file);
      this.byName.set(name, { name, source: { file, relative }, description: `generated from a secretRef to ${path.posix.basename(file)}` });
      this.byFile.set(file, name);
    }
  }

  private freeName(file: string): string {
    const base = path.posix.basename(file).replace(/\.[^.]*$/, "").toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "secret";
    if (!this.byName.has(base)) return base;
    return `${base}-${createHash("sha256").update(file).digest("hex").slice(0, 8)}`;
  }

  /** Name of the secret holding `ref` when it is a file or name reference; undefined for env references. */
  secretNameOf(ref: Ref, baseDir: string): string | undefined {
    if ("name" in ref) return ref.name;
    if ("file" in ref) return this.byFile.get(resolveHostPath(ref.file, baseDir));
    return undefined;
  }

  /** Every secret mounted by at least one of `used` (sorted by name). */
  specs(used: Set<string>): SecretSpec[] {
    return [...this.byName.values()].filter((s) => used.has(s.name)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The secret named `name`, if declared or generated. */
  get(name: string): SecretSpec | undefined {
    return this.byName.get(name);
  }

  /** What resolving every reference inside `value` requires. */
  needsOf(value: unknown, baseDir: string): SecretNeeds {
    const mounts = new Set<string>();
    const envVars = new Set<string>();
    walkSecretRefs(value, [], (ref) => {
      const r = ref.secretRef;
      if ("env" in r) envVars.add(r.env);
      else {
        const n = this.secretNameOf(r, baseDir);
        if (n !== undefined) mounts.add(n);
      }
    });
    return { mounts: [...mounts].sort(), envVars: [...envVars].sort() };
  }
}

/**
 * Deep copy of `value` with every `{ secretRef: { file } }` pointing at the in-container secret file
 * `/run/secrets/<name>`; env and name references are kept. Values are never read.
 */
export function rewriteFileRefs(value: unknown, registry: SecretRegistry, baseDir: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteFileRefs(v, registry, baseDir));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const ref = obj.secretRef as Ref | undefined;
  if (ref !== undefined && Object.keys(obj).length === 1 && "file" in ref) {
    const name = registry.secretNameOf(ref, baseDir);
    return { secretRef: { file: `${SECRETS_DIR}/${name ?? "unknown"}` } };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = rewriteFileRefs(v, registry, baseDir);
  return out;
}
