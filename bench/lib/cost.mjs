// Turns what the cost pass metered into billed units per event and dollars per million events, at the
// list prices in bench/prices.json (the only place prices live).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./runtime.mjs";

export function loadPrices() {
  return JSON.parse(readFileSync(join(ROOT, "bench/prices.json"), "utf8"));
}

/**
 * Billed units per event for one traffic shape.
 *
 * @param {object} meter        counters of the instrumented worker over the scenario (bench/instrumented/meter.ts)
 * @param {number} batch        events per collect request
 * @param {number} cpuMsPerEvent workerd CPU per event from the throughput run of the same shape
 */
export function unitsPerEvent(meter, batch, cpuMsPerEvent, prices) {
  const events = meter.collectRequests * batch;
  const doRequests = Object.values(meter.doRequests).reduce((a, b) => a + b, 0);
  const rowsWritten = meter.rowsWritten + meter.setAlarm * prices.sqliteStorage.setAlarmRowsWritten;
  return {
    events,
    workerRequests: meter.collectRequests / events,
    // Upper bound: all of workerd (HTTP, Worker, Durable Objects, SQLite), where Cloudflare bills the Worker's share.
    workerCpuMs: cpuMsPerEvent,
    doRequests: doRequests / events,
    doGBSeconds: ((meter.activeMs / 1000) * prices.durableObjects.memoryGB) / events,
    rowsRead: meter.rowsRead / events,
    rowsWritten: rowsWritten / events,
  };
}

/** Dollars per million events, by line item and in total. */
export function dollarsPerMillionEvents(units, prices) {
  const items = {
    workerRequests: units.workerRequests * prices.workers.requestsPerMillion,
    workerCpu: units.workerCpuMs * prices.workers.cpuMsPerMillion,
    doRequests: units.doRequests * prices.durableObjects.requestsPerMillion,
    doDuration: units.doGBSeconds * prices.durableObjects.gbSecondsPerMillion,
    rowsRead: units.rowsRead * prices.sqliteStorage.rowsReadPerMillion,
    rowsWritten: units.rowsWritten * prices.sqliteStorage.rowsWrittenPerMillion,
  };
  return { ...items, total: Object.values(items).reduce((a, b) => a + b, 0) };
}
