/**
 * Cross-reference check of a Compose document (the schema cannot do it): every depends_on target, network,
 * named volume, secret and config a service uses is declared. Returns one message per dangling reference.
 */
type Service = {
  depends_on?: string[] | Record<string, unknown>;
  networks?: string[] | Record<string, unknown>;
  volumes?: (string | { type: string; source?: string })[];
  secrets?: (string | { source: string })[];
  configs?: (string | { source: string })[];
};

export function danglingReferences(doc: Record<string, unknown>): string[] {
  const services = (doc.services ?? {}) as Record<string, Service>;
  const declared = (k: string) => new Set(Object.keys((doc[k] ?? {}) as object));
  const networks = declared("networks");
  networks.add("default"); // Compose's implicit project network
  const volumes = declared("volumes");
  const secrets = declared("secrets");
  const configs = declared("configs");
  const out: string[] = [];
  const names = (x: string[] | Record<string, unknown> | undefined) => (Array.isArray(x) ? x : Object.keys(x ?? {}));
  for (const [name, s] of Object.entries(services)) {
    for (const d of names(s.depends_on)) if (!(d in services)) out.push(`${name}: depends_on ${d} is not a service`);
    for (const n of names(s.networks)) if (!networks.has(n)) out.push(`${name}: network ${n} is not declared`);
    for (const v of s.volumes ?? []) {
      if (typeof v === "string") out.push(`${name}: short volume syntax ${v} (expected long form)`);
      else if (v.type === "volume" && v.source !== undefined && !volumes.has(v.source)) out.push(`${name}: volume ${v.source} is not declared`);
    }
    for (const x of s.secrets ?? []) {
      const n = typeof x === "string" ? x : x.source;
      if (!secrets.has(n)) out.push(`${name}: secret ${n} is not declared`);
    }
    for (const x of s.configs ?? []) {
      const n = typeof x === "string" ? x : x.source;
      if (!configs.has(n)) out.push(`${name}: config ${n} is not declared`);
    }
  }
  return out;
}
