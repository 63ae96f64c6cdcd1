/**
 * Third-party notices for the bundled `compose-gen` CLI. The CLI bundle inlines a few npm packages (commander,
 * yaml, zod, diff, kubernetes-models…); their licences (MIT, ISC, BSD, Apache-2.0) require the copyright notice and
 * licence text to travel with the copy, so the build writes `dist/THIRD_PARTY_LICENSES.md` from esbuild's metafile.
 *
 * Used by `tsup.config.ts` at build time only; not part of the library's public API.
 * Source: esbuild metafile format, https://esbuild.github.io/api/#metafile
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One npm package whose code is inlined in the bundle. */
export interface BundledPackage {
  /** npm name, e.g. `commander` or `@kubernetes-models/base`. */
  readonly name: string;
  readonly version: string;
  /** SPDX expression from its package.json (`UNKNOWN` when absent). */
  readonly license: string;
  /** Full text of its LICENSE/LICENCE/COPYING file, or `undefined` when the package ships none. */
  readonly licenseText: string | undefined;
}

/**
 * Package roots of the npm packages among esbuild metafile input paths: the folder up to and including the last
 * `node_modules/<name>` (or `node_modules/@scope/<name>`) segment. Inputs outside `node_modules` (our own
 * workspace code) are ignored.
 *
 * @param inputs - keys of `metafile.inputs` (paths relative to the working directory, `/`-separated).
 * @returns unique package roots, sorted.
 */
export function packageRootsOf(inputs: Iterable<string>): string[] {
  const roots = new Set<string>();
  for (const input of inputs) {
    const at = input.lastIndexOf("node_modules/");
    if (at < 0) continue;
    const rest = input.slice(at + "node_modules/".length).split("/");
    const depth = rest[0]?.startsWith("@") ? 2 : 1;
    if (rest.length <= depth) continue;
    roots.add(input.slice(0, at) + "node_modules/" + rest.slice(0, depth).join("/"));
  }
  return [...roots].sort();
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/**
 * Reads name, version, licence and licence text of the package at `root`.
 *
 * @param root - package folder (holds `package.json`).
 * @throws Error when `package.json` is missing or not JSON (a broken install must not produce silent notices).
 */
export function readBundledPackage(root: string): BundledPackage {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name?: string; version?: string; license?: string };
  const file = readdirSync(root).find((f) => LICENSE_FILE.test(f));
  return {
    name: pkg.name ?? root,
    version: pkg.version ?? "0.0.0",
    license: pkg.license ?? "UNKNOWN",
    licenseText: file ? readFileSync(join(root, file), "utf8").trim() : undefined,
  };
}

/**
 * Renders the notices file: one section per package (sorted by name, de-duplicated by name@version) with its
 * SPDX licence and full licence text.
 *
 * @param packages - the bundled packages.
 * @param product - what the notices are for, e.g. `compose-gen CLI`.
 */
export function formatThirdPartyNotices(packages: readonly BundledPackage[], product: string): string {
  const unique = new Map(packages.map((p) => [`${p.name}@${p.version}`, p]));
  const sorted = [...unique.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const lines = [
    `# Third-party licences of the ${product}`,
    "",
    "The CLI bundle includes code from these npm packages. Each keeps its own licence, reproduced below.",
    "",
    ...sorted.map((p) => `- ${p.name} ${p.version} (${p.license})`),
  ];
  for (const p of sorted) {
    lines.push("", `## ${p.name} ${p.version}`, "", `Licence: ${p.license}`, "");
    lines.push(p.licenseText ? "```text\n" + p.licenseText + "\n```" : "_The package ships no licence file; see its package.json._");
  }
  return lines.join("\n") + "\n";
}
