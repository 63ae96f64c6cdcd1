#!/usr/bin/env node
/**
 * `compose-gen` entry point: turns on Node's module compile cache (V8 code cache on disk, so the next start
 * of the CLI skips parsing and compiling its bundle; https://nodejs.org/api/module.html#moduleenablecompilecacheoptions),
 * then loads the program. Kept free of static imports other than `node:module` so the cache covers everything
 * after it. `NODE_DISABLE_COMPILE_CACHE=1` turns the cache off.
 */
import module from "node:module";

module.enableCompileCache?.();
await import("./cli/program.js");
