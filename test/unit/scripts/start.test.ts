import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript without declarations
import { webhookAllowHosts } from "../../../scripts/start.mjs";

describe("npm start's webhook allow-list", () => {
  it("is the inspector's host when the developer adds none", () => {
    expect(webhookAllowHosts("127.0.0.1:8788", undefined, undefined)).toBe("127.0.0.1:8788");
    expect(webhookAllowHosts("127.0.0.1:8788", "", " , ")).toBe("127.0.0.1:8788");
  });

  it("adds the hosts from the shell and from .dev.vars, trimmed and without duplicates", () => {
    expect(webhookAllowHosts("127.0.0.1:8788", "localhost:3000", " 127.0.0.1:9000 ,localhost:3000,127.0.0.1:8788")).toBe("127.0.0.1:8788,localhost:3000,127.0.0.1:9000");
  });
});
