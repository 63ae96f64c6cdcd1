import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { ConfigError } from "../src/index.js";

/** Absolute path of a fixture under test/fixtures. */
export const fixture = (rel: string): string => fileURLToPath(new URL(`./fixtures/${rel}`, import.meta.url));

/** Root of the package. */
export const pkgRoot = fileURLToPath(new URL("..", import.meta.url));

/** Runs `fn`, asserts it throws a ConfigError, returns it. */
export async function configError(fn: () => unknown): Promise<ConfigError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}
