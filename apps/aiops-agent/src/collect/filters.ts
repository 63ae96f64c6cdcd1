/**
 * Which filesystems and interfaces the agent watches. Defaults follow node_exporter's filesystem and netdev
 * collectors (https://github.com/prometheus/node_exporter, `collector/filesystem_linux.go`), so the same
 * host gives the same series.
 * @module
 */
import type { FilesystemUsage } from "./types.js";

/**
 * Filesystem types that hold no user data: node_exporter's `--collector.filesystem.fs-types-exclude`
 * default, plus `tmpfs`/`ramfs`/`devfs` (memory-backed: their usage is already in the memory series).
 */
export const PSEUDO_FS_TYPES: ReadonlySet<string> = new Set([
  "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs", "devfs",
  "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay", "proc", "procfs", "pstore", "rpc_pipefs",
  "securityfs", "selinuxfs", "squashfs", "erofs", "sysfs", "tracefs", "tmpfs", "ramfs", "efivarfs", "fuse.lxcfs",
]);

/** Mount points node_exporter skips by default (`--collector.filesystem.mount-points-exclude`). */
export const EXCLUDED_MOUNTPOINTS = /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

/**
 * Keeps the filesystems worth watching and drops duplicates of one mount point (the last one listed wins,
 * as the kernel shows the top of a mount stack last).
 * @param mounts `apps.aiopsAgent.collect.mounts`: when non-empty, exactly these mount points (any type);
 *   when empty, every filesystem whose type is not in {@link PSEUDO_FS_TYPES} and whose mount point does
 *   not match {@link EXCLUDED_MOUNTPOINTS}.
 */
export function selectFilesystems(list: readonly FilesystemUsage[], mounts: readonly string[] = []): FilesystemUsage[] {
  const wanted = new Set(mounts);
  const byMount = new Map<string, FilesystemUsage>();
  for (const fs of list) {
    const keep =
      wanted.size > 0 ? wanted.has(fs.mountpoint) : !PSEUDO_FS_TYPES.has(fs.fstype) && !EXCLUDED_MOUNTPOINTS.test(fs.mountpoint);
    if (keep && Number.isFinite(fs.sizeBytes) && fs.sizeBytes > 0) byMount.set(fs.mountpoint, fs);
  }
  return [...byMount.values()];
}

/**
 * The interface filter of `apps.aiopsAgent.collect.interfaces`: when non-empty, exactly these interfaces;
 * when empty, every interface but the loopback `lo`.
 */
export function interfaceFilter(interfaces: readonly string[] = []): (device: string) => boolean {
  if (interfaces.length === 0) return (d) => d !== "lo";
  const wanted = new Set(interfaces);
  return (d) => wanted.has(d);
}
