/** Config files the tests run on: every example of the repo and every valid fixture. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadConfig, parseConfig, type SocConfig } from "@soc/config";
import { parse } from "yaml";

export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
export const EXAMPLES = path.resolve(import.meta.dirname, "../../../../examples");

/** `examples/*.yaml` (globbed, so new examples are covered) plus the valid fixtures. */
export function allConfigFiles(): string[] {
  const examples = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(EXAMPLES, f));
  const fixtures = ["minimal.yaml", "profiles.yaml", "secrets.yaml"].map((f) => path.join(FIXTURES, f));
  return [...examples, ...fixtures];
}

/** Loads a config with the real loader (no env overrides). */
export async function load(file: string): Promise<{ config: SocConfig; baseDir: string }> {
  const { config, baseDir } = await loadConfig(file, { env: {} });
  return { config, baseDir };
}

/** Deterministic pseudo-random permutation (mulberry32), so a failing shuffle can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deep copy of `value` with every object's keys in a shuffled order (arrays untouched). */
export function shuffleKeys(value: unknown, seed = 1): unknown {
  const r = rng(seed);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object") return v;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i -= 1) {
      const j = Math.floor(r() * (i + 1));
      [keys[i], keys[j]] = [keys[j] as string, keys[i] as string];
    }
    return Object.fromEntries(keys.map((k) => [k, walk((v as Record<string, unknown>)[k])]));
  };
  return walk(value);
}

/** The config of `file` parsed from a key-shuffled copy of its YAML. */
export function loadShuffled(file: string, seed: number): SocConfig {
  return parseConfig(shuffleKeys(parse(readFileSync(file, "utf8")), seed), { source: file });
}
