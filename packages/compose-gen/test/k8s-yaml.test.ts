/** The fast YAML writer of the Kubernetes objects reads back to the same data under YAML 1.1 and 1.2. */
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { k8sYaml } from "../src/emit/k8s-yaml.js";
import { generateK8s, objectFileName } from "../src/index.js";
import { allConfigFiles, load } from "./support/configs.js";

const both = (text: string) => [parse(text, { version: "1.1" }), parse(text, { version: "1.2" })];

describe("k8sYaml", () => {
  it("round-trips every object of every example and fixture", async () => {
    for (const file of allConfigFiles()) {
      const { config, baseDir } = await load(file);
      const { files, k8s } = generateK8s(config, { baseDir, outDir: "/virtual/out", configFile: file });
      for (const o of k8s.objects) {
        const text = files.get(`k8s/${objectFileName(o.kind, o.metadata?.name ?? "")}`) as string;
        for (const back of both(text)) expect(back, `${path.basename(file)} ${o.kind} ${o.metadata?.name}`).toEqual(JSON.parse(JSON.stringify(o.toJSON())));
      }
    }
  });

  it("quotes every string YAML could read as something else, and keeps the rest plain", () => {
    const tricky = ["yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "", " lead", "trail ", "1:20", "0o17", "0x1F", "1e3", ".inf", ".NaN", "-", "- x", "-x", "a: b", "a:", "#c", "a #c", "a:b", "a::", "http://x:80/y", "*ref", "&anchor", "!tag", "%dir", "@at", "`tick", "'q'", '"q"', "{a}", "[a]", "? k", "|", ">", "=", "<<", "tab\there", "cr\r\n", "uni\u2028code", "héllo", "10001", "1.5", "0755", "0", "+1", "x\n", "x\ny", "\n", "  indented\nnext\n", "a\n\n", "a\n\n\n", "\n\n", "\nx", "a\n  \nb", " \n"];
    const obj = { list: tricky, map: Object.fromEntries(tricky.filter((t) => t !== "").map((t, i) => [t, i])), nested: [{ a: [], b: {}, c: [[1, 2], []] }, [], {}], nums: [0, -1, 2.5, 1e21], bools: [true, false], nil: null };
    const text = k8sYaml(obj, ["header", "", "two"]);
    for (const back of both(text)) expect(back).toEqual(obj);
    expect(text.startsWith("# header\n#\n# two\n\n")).toBe(true);
    expect(k8sYaml({ image: "ghcr.io/soc-stack/edge-agent:0.1.0", path: "/run/secrets", k: "app.kubernetes.io/name" })).toBe("image: ghcr.io/soc-stack/edge-agent:0.1.0\npath: /run/secrets\nk: app.kubernetes.io/name\n");
  });

  it("refuses values JSON cannot hold", () => {
    expect(() => k8sYaml({ n: Number.NaN })).toThrow(RangeError);
    expect(() => k8sYaml({ f: () => 1 })).toThrow(TypeError);
  });
});
