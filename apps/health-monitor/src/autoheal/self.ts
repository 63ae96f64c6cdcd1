/**
 * Finding the monitor's own container id, so autoheal never restarts itself. Pure parsers of
 * `/proc/self/cgroup` (cgroup v1 `.../docker/<id>`, v2 `.../docker-<id>.scope`) and `/proc/self/mountinfo`
 * (`/var/lib/docker/containers/<id>/hostname`, which also works with a private cgroup namespace where the
 * cgroup file only says `0::/`); the hostname (the short id by default) is the last resort.
 */

const ID64 = /[0-9a-f]{64}/g;

/** Container ids named in `/proc/self/cgroup` content. */
export function idsFromCgroup(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const path = line.split(":").slice(2).join(":");
    for (const m of path.matchAll(ID64)) out.add(m[0]);
  }
  return [...out];
}

/** Container ids named in `/proc/self/mountinfo` content (`/containers/<id>/` bind sources). */
export function idsFromMountinfo(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\/containers\/([0-9a-f]{64})\//g)) if (m[1]) out.add(m[1]);
  return [...out];
}

/**
 * A matcher of the monitor's own container.
 * @param ids full ids found by {@link idsFromCgroup}/{@link idsFromMountinfo}.
 * @param hostname the host name; when it looks like a short id (12 hex) it matches ids starting with it.
 */
export function selfMatcher(ids: readonly string[], hostname?: string): (id: string) => boolean {
  const full = new Set(ids);
  const short = hostname !== undefined && /^[0-9a-f]{12}$/.test(hostname) ? hostname : undefined;
  return (id) => full.has(id) || (short !== undefined && id.startsWith(short));
}
