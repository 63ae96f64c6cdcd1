/**
 * Loads `dockerode` without the parts the monitor never uses, to keep the daemon's RSS down.
 *
 * `require("dockerode")` eagerly loads `lib/session.js` (BuildKit sessions: `@grpc/grpc-js`,
 * `@grpc/proto-loader`, `protobufjs`; used only by `buildImage` with `version: "2"`) and, through
 * `docker-modem`, `lib/ssh.js` (`ssh2`; used only for `ssh://` hosts, which {@link parseDockerHost} refuses).
 * Together ≈ 11 MB RSS and 120+ modules. Both files export one function, so before dockerode is first
 * required we put a lazy stand-in for each into `require.cache` (the CommonJS loader's public cache,
 * https://nodejs.org/api/modules.html#requirecache): a function that, on its first call, drops itself from
 * the cache, requires the real file and forwards the call. Behaviour is unchanged; only the load time of
 * those dependencies moves to their first use. dockerode itself is neither forked nor patched.
 *
 * Layout assumptions (dockerode 4–5, docker-modem 5): `dockerode/lib/session.js` next to dockerode's main,
 * `docker-modem/lib/ssh.js` next to docker-modem's main. If a file is missing (a future layout), no
 * stand-in is installed for it and the real module loads eagerly as before.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Dockerode from "dockerode";

/** A CommonJS `require` with its cache (`createRequire`'s result). */
export type CjsRequire = ReturnType<typeof createRequire>;

/**
 * Installs a lazy stand-in for the CommonJS module `file` whose export is a function. Does nothing (returns
 * false) when `file` is already loaded or does not exist.
 * @param req a `require` (its `cache` is the process-wide CommonJS cache).
 * @param file absolute path of the module.
 * @returns whether the stand-in was installed.
 */
export function installLazyFunctionModule(req: CjsRequire, file: string): boolean {
  if (req.cache[file] !== undefined || !existsSync(file)) return false;
  let real: ((...args: unknown[]) => unknown) | undefined;
  const lazy = function (this: unknown, ...args: unknown[]): unknown {
    if (real === undefined) {
      if (req.cache[file]?.exports === lazy) delete req.cache[file];
      const loaded = req(file) as unknown;
      if (typeof loaded !== "function") throw new TypeError(`${file} does not export a function`);
      real = loaded as (...args: unknown[]) => unknown;
    }
    return real.apply(this, args);
  };
  // The minimal shape of a loaded CommonJS module record that `require` returns from the cache.
  req.cache[file] = { id: file, filename: file, loaded: true, exports: lazy, children: [], paths: [], path: dirname(file) } as unknown as NodeJS.Module;
  return true;
}

/** The dockerode files deferred by {@link loadDockerode}, resolved from `req`. */
export function deferredDockerodeFiles(req: CjsRequire = createRequire(import.meta.url)): string[] {
  const main = req.resolve("dockerode");
  const modemMain = createRequire(main).resolve("docker-modem");
  return [join(dirname(main), "session.js"), join(dirname(modemMain), "ssh.js")];
}

let cached: typeof Dockerode | undefined;

/**
 * The dockerode constructor, loaded on first call with BuildKit sessions (gRPC/protobuf) and SSH deferred
 * to first use.
 * @throws {Error} when dockerode cannot be resolved (not installed).
 */
export function loadDockerode(): typeof Dockerode {
  if (cached) return cached;
  const req = createRequire(import.meta.url);
  for (const file of deferredDockerodeFiles(req)) installLazyFunctionModule(req, file);
  cached = req("dockerode") as typeof Dockerode;
  return cached;
}
