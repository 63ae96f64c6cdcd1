/**
 * Paths shared by the CLI's command actions (IO edge): how paths are printed, where output goes by default and
 * where the monorepo root (the image build context) is.
 */
import { existsSync } from "node:fs";
import path from "node:path";

/** Shortest readable form of a path: relative to the working directory unless that climbs out of it. */
export const rel = (p: string): string => {
  const r = path.relative(process.cwd(), p) || ".";
  return r.startsWith("..") ? path.resolve(p) : r;
};

/** Default output folder of a config: `out/<config file name without extension>`. */
export const defaultOutDir = (configFile: string): string => path.join("out", path.basename(configFile).replace(/\.(ya?ml|json)$/i, ""));

/**
 * The monorepo root the images build from: the nearest folder at or above `from` holding
 * `pnpm-workspace.yaml`, else `fallback`. Reads the file system (existence checks only).
 */
export function findRepoRoot(from: string, fallback: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(fallback);
  }
}
