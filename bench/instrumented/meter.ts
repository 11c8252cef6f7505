/**
 * Cost meters for the bench's instrumented build of the worker. They count what Cloudflare bills, at the
 * place it is billed: Durable Object requests (each RPC call on a stub and each alarm invocation), SQLite
 * rows read and written (each cursor's own `rowsRead`/`rowsWritten`; for the key-value API, one row read
 * per key a `get` looks up or a `list` returns and one row written per key put or deleted; plus
 * `setAlarm`, which is billed as one row written), and the wall-clock time each object is busy (duration
 * is billed per object, shared by the requests it serves at once, so overlapping requests count once).
 *
 * Local workerd runs the Worker and every Durable Object of a service in one isolate, so module state here
 * sees all of them. That is a property of the local runtime, which is exactly where the bench runs.
 */

export interface Meter {
  workerRequests: number;
  collectRequests: number;
  /** Durable Object requests by "BINDING.method": RPC calls from any caller, and alarm invocations. */
  doRequests: Record<string, number>;
  /** Durable Object calls the collect handler made, by "BINDING.method". */
  collectCalls: Record<string, number>;
  /** How many collect requests made n Durable Object calls, by n. */
  callsPerCollect: Record<string, number>;
  rowsRead: number;
  rowsWritten: number;
  sqlStatements: number;
  /** Rows by statement (whitespace-normalised SQL or `kv.<method>`, and the class that ran it): where the rows go. */
  byStatement: Record<string, { calls: number; rowsRead: number; rowsWritten: number }>;
  setAlarm: number;
  deleteAlarm: number;
  /** The same counters as the ingest result reports them, as a cross-check of the SQL meter. */
  ingestReported: { rowsRead: number; rowsWritten: number };
  /** Sum over objects of the time each had at least one request or alarm in progress. */
  activeMs: number;
  objects: number;
  outboundFetches: number;
}

export const meter: Meter = fresh();
const busy = new Map<string, { inflight: number; since: number }>();
const seen = new Set<string>();
let pending: Array<{ cursor: SqlStorageCursor<Record<string, SqlStorageValue>>; key: string }> = [];

function fresh(): Meter {
  return {
    workerRequests: 0,
    collectRequests: 0,
    doRequests: {},
    collectCalls: {},
    callsPerCollect: {},
    rowsRead: 0,
    rowsWritten: 0,
    sqlStatements: 0,
    byStatement: {},
    setAlarm: 0,
    deleteAlarm: 0,
    ingestReported: { rowsRead: 0, rowsWritten: 0 },
    activeMs: 0,
    objects: 0,
    outboundFetches: 0,
  };
}

/** Zeroes every counter (between bench scenarios). */
export function resetMeter(): void {
  settleCursors();
  Object.assign(meter, fresh());
  seen.clear();
}

export function bump(table: Record<string, number>, key: string, by = 1): void {
  table[key] = (table[key] ?? 0) + by;
}

/**
 * Adds up the cursors opened since the last call. Cursors report rows as they are stepped; everything in
 * this code base steps its cursors synchronously right after `exec`, so by the end of a request or of an
 * alarm their counts are final.
 */
export function settleCursors(): void {
  for (const { cursor, key } of pending) {
    meter.rowsRead += cursor.rowsRead;
    meter.rowsWritten += cursor.rowsWritten;
    const entry = (meter.byStatement[key] ??= { calls: 0, rowsRead: 0, rowsWritten: 0 });
    entry.calls += 1;
    entry.rowsRead += cursor.rowsRead;
    entry.rowsWritten += cursor.rowsWritten;
  }
  pending = [];
}

/** Marks object `key` busy until the returned function is called. */
export function enterObject(key: string): () => void {
  if (!seen.has(key)) {
    seen.add(key);
    meter.objects += 1;
  }
  let entry = busy.get(key);
  if (!entry) busy.set(key, (entry = { inflight: 0, since: 0 }));
  if (entry.inflight++ === 0) entry.since = Date.now();
  return () => {
    if (--entry.inflight === 0) {
      meter.activeMs += Date.now() - entry.since;
      busy.delete(key);
    }
  };
}

/** Adds a key-value call's billed rows to the totals and to its `byStatement` entry. */
function countKv(key: string, rows: { rowsRead?: number; rowsWritten?: number }): void {
  const read = rows.rowsRead ?? 0;
  const written = rows.rowsWritten ?? 0;
  meter.rowsRead += read;
  meter.rowsWritten += written;
  const entry = (meter.byStatement[key] ??= { calls: 0, rowsRead: 0, rowsWritten: 0 });
  entry.calls += 1;
  entry.rowsRead += read;
  entry.rowsWritten += written;
}

/**
 * The key-value API (`storage.kv`) as Cloudflare bills it: "Key-value methods like get(), put(), delete(),
 * or list() store and query data in a hidden SQLite table and are billed as rows read and rows written."
 * One row read per key a `get` looks up (found or not) or a `list` returns, one row written per `put` and
 * per `delete`. The hidden table the runtime creates is not billed as a method call and is not metered.
 */
function meterKv(kv: SyncKvStorage, className: string): SyncKvStorage {
  const key = (method: string) => `${className}: kv.${method}`;
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "get") {
        return (k: string) => {
          countKv(key("get"), { rowsRead: 1 });
          return target.get(k);
        };
      }
      if (prop === "list") {
        return (options?: SyncKvListOptions) => {
          const rows = [...target.list(options)];
          countKv(key("list"), { rowsRead: rows.length });
          return rows;
        };
      }
      if (prop === "put") {
        return (k: string, value: unknown) => {
          countKv(key("put"), { rowsWritten: 1 });
          target.put(k, value);
        };
      }
      if (prop === "delete") {
        return (k: string) => {
          countKv(key("delete"), { rowsWritten: 1 });
          return target.delete(k);
        };
      }
      return bound(target, prop);
    },
  });
}

/**
 * Meters a Durable Object's storage: its SQL cursors, its key-value calls and its alarm writes. The runtime only accepts its own
 * state object in the DurableObject constructor, so the state keeps its identity and gains an own
 * `storage` property, a metered view of the real one.
 */
export function meterState(ctx: DurableObjectState, className: string): DurableObjectState {
  const storage = ctx.storage;
  const sql = new Proxy(storage.sql, {
    get(target, prop) {
      if (prop === "exec") {
        return (query: string, ...bindings: unknown[]) => {
          const cursor = target.exec(query, ...bindings);
          meter.sqlStatements += 1;
          pending.push({ cursor, key: `${className}: ${query.replace(/\s+/g, " ").trim().slice(0, 120)}` });
          return cursor;
        };
      }
      return bound(target, prop);
    },
  });
  let kv: SyncKvStorage | undefined;
  const meteredStorage = new Proxy(storage, {
    get(target, prop) {
      if (prop === "sql") return sql;
      if (prop === "kv") return (kv ??= meterKv(target.kv, className));
      if (prop === "setAlarm") meter.setAlarm += 1;
      if (prop === "deleteAlarm") meter.deleteAlarm += 1;
      return bound(target, prop);
    },
  });
  Object.defineProperty(ctx, "storage", { value: meteredStorage, configurable: true });
  return ctx;
}

/**
 * A view of the bindings whose Durable Object stubs keep the calling object busy for as long as each call
 * takes (the billed duration of the callee, as seen from outside, output gate included).
 */
export function meteredEnv<E extends object>(env: E, onCall?: (binding: string, method: string) => void): E {
  return new Proxy(env, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof prop === "string" && isNamespace(value)) return meteredNamespace(value, prop, onCall);
      return value;
    },
  });
}

function meteredNamespace(ns: DurableObjectNamespace, binding: string, onCall?: (binding: string, method: string) => void) {
  // Both ways to reach a stub are metered; the id string keys the object's busy time either way.
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) =>
          meteredStub(target.get(id, options), id.toString(), binding, onCall);
      }
      if (prop === "getByName") {
        return (name: string, options?: DurableObjectNamespaceGetDurableObjectOptions) =>
          meteredStub(target.getByName(name, options), target.idFromName(name).toString(), binding, onCall);
      }
      return bound(target, prop);
    },
  });
}

function meteredStub(stub: DurableObjectStub, key: string, binding: string, onCall?: (binding: string, method: string) => void) {
  return new Proxy(stub, {
    get(s, method) {
      const fn = Reflect.get(s, method);
      if (typeof method !== "string" || typeof fn !== "function" || method === "fetch" || method === "then") return fn;
      return async (...args: unknown[]) => {
        bump(meter.doRequests, `${binding}.${method}`);
        onCall?.(binding, method);
        const leave = enterObject(key);
        try {
          // An RPC method is already bound to its stub; an explicit `this` would be sent as an argument.
          const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
          if (method === "ingest" && result && typeof result === "object") {
            const r = result as { rowsRead?: number; rowsWritten?: number };
            meter.ingestReported.rowsRead += r.rowsRead ?? 0;
            meter.ingestReported.rowsWritten += r.rowsWritten ?? 0;
          }
          return result;
        } finally {
          leave();
          settleCursors();
        }
      };
    },
  });
}

function isNamespace(value: unknown): value is DurableObjectNamespace {
  return typeof value === "object" && value !== null && typeof (value as DurableObjectNamespace).idFromName === "function";
}

/** Native objects want their own `this`. */
function bound(target: object, prop: string | symbol): unknown {
  const value = Reflect.get(target, prop, target);
  return typeof value === "function" ? value.bind(target) : value;
}
