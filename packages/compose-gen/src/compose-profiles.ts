/**
 * What `docker compose --profile X up` starts, computed from a Compose document (the generated YAML,
 * parsed): every service without `profiles`, plus every service listing one of the selected profiles.
 * Source: https://docs.docker.com/compose/how-tos/profiles/ ("Services without a profiles attribute are
 * always enabled").
 */

/**
 * Names of the services `docker compose --profile p1 --profile p2 … up` would start (sorted).
 * @param compose a parsed Compose document (`{ services: { name: { profiles?: string[] } } }`)
 * @param profiles the selected profiles (empty = no `--profile`)
 */
export function servicesStartedBy(compose: unknown, profiles: string[]): string[] {
  const services = (compose as { services?: Record<string, { profiles?: unknown }> } | null)?.services ?? {};
  return Object.entries(services)
    .filter(([, s]) => {
      const own = Array.isArray(s?.profiles) ? (s.profiles as unknown[]).map(String) : [];
      return own.length === 0 || own.some((p) => profiles.includes(p));
    })
    .map(([name]) => name)
    .sort();
}
