/** Known label names get their colour; any other label (a custom band) reads as neutral. */
const TONES: Record<string, string> = {
  cold: "cold", unqualified: "cold", warm: "warm", intermediate: "warm", hot: "hot", qualified: "hot", disqualified: "muted",
  active: "ok", disabled: "bad", delivered: "ok", "dead letter": "bad",
};

/** A label, stage or state as a small coloured tag. */
export function Badge({ value, kind = "label" }: { value: string; kind?: "label" | "stage" | "state" }) {
  const tone = kind === "stage" ? "stage" : (TONES[value.toLowerCase()] ?? "neutral");
  return <span class={`badge badge-${tone}`} data-badge={kind}>{value || "none"}</span>;
}
