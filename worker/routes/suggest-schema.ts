import { z } from "zod";

/** `POST /v1/sites/{site}/suggest`: which model to fit, and how. Every field has a default. */
export const suggestRequestSchema = z.strictObject({
  model: z.string().min(1).max(60).optional().meta({ description: "The model to fit (default: the config's first); it must have `outcomes`" }),
  trainFraction: z.number().min(0.1).max(0.95).default(0.7).meta({ description: "Share of decided leads the fit learns from; the rest are held out to judge it" }),
  sample: z.int().min(1).max(100_000).optional().meta({ description: "Fit on this many leads drawn at random (seeded) instead of all: on a large site one request then asks that many Lead objects, not every one" }),
  seed: z.int().min(0).max(2 ** 31 - 1).default(1).meta({ description: "Seeds the sample and the split: the same seed draws the same leads and puts each on the same side" }),
  l2: z.number().positive().max(1e6).default(1).meta({ description: "L2 penalty on the standardised weights: higher shrinks the suggestion towards no effect" }),
});

const splitCountSchema = z.object({ leads: z.int(), conversions: z.int() });

export const suggestResponseSchema = z.object({
  model: z.string(),
  leads: z.object({
    total: z.int().meta({ description: "Leads in the index" }),
    asked: z.int().meta({ description: "Leads asked for their row: all, or the sample" }),
    decided: z.int().meta({ description: "Leads whose horizon ended (converted, lost or negative) under this model: what the fit uses" }),
    failed: z.int().meta({ description: "Leads whose object did not answer" }),
  }),
  split: z.object({ trainFraction: z.number(), seed: z.int(), l2: z.number(), training: splitCountSchema, heldOut: splitCountSchema }),
  rules: z.array(
    z.object({
      rule: z.string(),
      kind: z.enum(["behaviour", "fit"]).meta({ description: "behaviour: weighed by its hit count; fit: by whether it matches" }),
      current: z.number(),
      suggested: z.number().meta({ description: "Points on the config's own scale: the fitted rules' suggested positive points add up to their positive points now" }),
      fitted: z.boolean().meta({ description: "false: the rule never varied among the training leads (nobody, or everybody, hit it), so the data says nothing about it and its points are kept" }),
      weight: z.number().meta({ description: "The fitted change in the log-odds of converting per hit (or for a match)" }),
    }),
  ),
  auc: z.object({
    current: z.number().nullable().meta({ description: "Held-out AUC of the current points on the same hits" }),
    suggested: z.number().nullable().meta({ description: "Held-out AUC of the suggested points on the same hits" }),
    currentScore: z.number().nullable().meta({ description: "Held-out AUC of the live score (its peak before the outcome, decay included), as the report ranks" }),
  }),
  candidate: z.unknown().meta({ description: "The config in force with the suggested points: backtest it, then PUT it to publish. Null when there is no suggestion" }),
  notice: z.string().optional().meta({ description: "Why there is no suggestion" }),
});
