import { readFileSync } from "node:fs";
import type { InspectJson, StatsJson } from "../../src/index.js";

const dir = new URL("../fixtures/", import.meta.url);
/** A recorded inspect fixture by container name. */
export const inspectFixture = (name: string): InspectJson => JSON.parse(readFileSync(new URL(`inspect/${name}.json`, dir), "utf8")) as InspectJson;
/** A recorded stats fixture. */
export const statsFixture = (name: string): StatsJson => JSON.parse(readFileSync(new URL(`stats/${name}.json`, dir), "utf8")) as StatsJson;
/** A recorded raw file. */
export const rawFixture = (path: string): string => readFileSync(new URL(path, dir), "utf8");
