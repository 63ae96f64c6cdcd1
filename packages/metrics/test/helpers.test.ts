import { afterEach, describe, expect, it } from "vitest";
import { requiredTool } from "./helpers.js";

describe("requiredTool", () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it("under CI=true, a missing tool is a failure, not a skip", () => {
    process.env.CI = "true";
    const tool = requiredTool("soc-no-such-tool", "prometheus");
    expect(tool.skip).toBe(false);
    expect(() => tool.need()).toThrow(/apt-get install -y --no-install-recommends prometheus/);
  });

  it("outside CI, a missing tool skips", () => {
    delete process.env.CI;
    expect(requiredTool("soc-no-such-tool", "prometheus").skip).toBe(true);
  });

  it("finds a tool on PATH", () => {
    const tool = requiredTool("sh", "dash");
    expect(tool.skip).toBe(false);
    expect(tool.need()).toMatch(/\/sh$/);
  });
});
