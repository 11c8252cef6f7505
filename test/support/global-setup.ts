import type { TestProject } from "vitest/node";
import { startReceiver } from "./receiver";

/** Starts the real webhook receiver once for the worker tests and tells them where it listens. */
export default async function setup(project: TestProject) {
  const receiver = await startReceiver();
  project.provide("receiverUrl", receiver.url);
  return () => receiver.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}
