/**
 * The `when` part of a behaviour rule compiled to one test on an event, and the content stage
 * (TOFU / MOFU / BOFU) of a page: one builder per `when` key, in a table.
 */
import { matches } from "./condition";
import { durationMs } from "./duration";
import type { EventFacts } from "./event-facts";
import { pathMatcher } from "./glob";
import { CONTENT_STAGES, type ContentStage, type Model, type When } from "./schema";
import type { ScoringEvent } from "./types";

function anyOf(values: string | string[] | undefined): Set<string> | undefined {
  if (values === undefined) return undefined;
  return new Set((typeof values === "string" ? [values] : values).map((v) => v.toLowerCase()));
}

/** The content stage of an event: its `stage` prop, else the model's path mapping. */
export function compileContentStages(model: Model): (event: ScoringEvent, facts: EventFacts) => ContentStage | undefined {
  const table = CONTENT_STAGES.flatMap((stage) => {
    const globs = model.contentStages?.[stage];
    return globs ? [[stage, pathMatcher(globs)] as const] : [];
  });
  return (event, facts) => {
    const declared = event.props?.stage;
    if (typeof declared === "string" && (CONTENT_STAGES as readonly string[]).includes(declared.toUpperCase())) {
      return declared.toUpperCase() as ContentStage;
    }
    const path = facts.path;
    if (path === undefined) return undefined;
    // Later stages first: a page mapped as both MOFU and BOFU is the stronger signal.
    for (let i = table.length - 1; i >= 0; i--) if (table[i]![1](path)) return table[i]![0];
    return undefined;
  };
}

export type FactTest = (event: ScoringEvent, facts: EventFacts) => boolean;

/** One entry per `when` key: how to build its test. */
const WHEN_TESTS: {
  [K in keyof When]-?: (value: NonNullable<When[K]>, stageOf: ReturnType<typeof compileContentStages>) => FactTest;
} = {
  path: (globs) => {
    const test = pathMatcher(globs);
    return (_e, f) => f.path !== undefined && test(f.path);
  },
  props: (conditions) => {
    const entries = Object.entries(conditions);
    return (e) => entries.every(([key, cond]) => matches(e.props?.[key], cond, e.ts));
  },
  channel: (channels) => {
    const set = anyOf(channels)!;
    return (_e, f) => set.has(f.channel);
  },
  utmSource: (v) => {
    const set = anyOf(v)!;
    return (_e, f) => f.utmSource !== undefined && set.has(f.utmSource.toLowerCase());
  },
  utmMedium: (v) => {
    const set = anyOf(v)!;
    return (_e, f) => f.utmMedium !== undefined && set.has(f.utmMedium.toLowerCase());
  },
  utmCampaign: (v) => {
    const set = anyOf(v)!;
    return (_e, f) => f.utmCampaign !== undefined && set.has(f.utmCampaign.toLowerCase());
  },
  visit: (cond) => {
    const landing = cond.landing === undefined ? undefined : pathMatcher(cond.landing);
    const channels = cond.channel === undefined ? undefined : anyOf(cond.channel)!;
    return (e, f) => {
      const v = f.visit;
      if (!v) return false;
      if (cond.number !== undefined && !matches(v.n, cond.number, e.ts)) return false;
      if (landing && (v.landing === undefined || !landing(v.landing))) return false;
      return !channels || channels.has(v.channel);
    };
  },
  visits: (count) => {
    const within = durationMs(count.within);
    return (e, f) => {
      // Visits started in the window (ts - within, ts]: the visit the event belongs to included.
      const n = f.visit ? f.visit.starts.filter((t) => t > e.ts - within && t <= e.ts).length : 0;
      return n >= (count.atLeast ?? 0) && n <= (count.atMost ?? Infinity);
    };
  },
  stage: (stages, stageOf) => {
    const set = new Set<string>(typeof stages === "string" ? [stages] : stages);
    return (e, f) => {
      const stage = stageOf(e, f);
      return stage !== undefined && set.has(stage);
    };
  },
};

/** One test for all the `when` conditions of a rule (all must hold). */
export function compileWhen(when: When | undefined, stageOf: ReturnType<typeof compileContentStages>): FactTest {
  if (!when) return () => true;
  const tests: FactTest[] = [];
  for (const key of Object.keys(when) as Array<keyof When>) {
    const value = when[key];
    if (value === undefined) continue;
    tests.push((WHEN_TESTS[key] as (v: unknown, s: typeof stageOf) => FactTest)(value, stageOf));
  }
  return (e, f) => tests.every((t) => t(e, f));
}

