import { contributionBars, type Bar, type Contribution } from "../contributions";
import { points, signedPoints } from "../format";

function Row({ bar }: { bar: Bar }) {
  const negative = bar.points < 0;
  return (
    <li class={`bar bar-${bar.kind}${negative ? " bar-negative" : ""}`} data-rule={bar.rule} data-points={bar.points}>
      <span class="bar-name">
        {bar.rule}
        {bar.kind === "fit" && <span class="muted"> · fit</span>}
        {bar.count !== undefined && bar.count > 1 && <span class="muted"> · ×{bar.count}</span>}
      </span>
      <span class="bar-track" aria-hidden="true">
        <span class="bar-fill" style={{ width: `${Math.max(2, bar.share * 100)}%` }} />
      </span>
      <span class="bar-value">
        {signedPoints(bar.points)}
        {bar.rawPoints !== undefined && bar.rawPoints !== bar.points && <span class="muted"> of {points(bar.rawPoints)}</span>}
      </span>
    </li>
  );
}

/** Each rule's part in the score now, decay applied; the bars add up to the score shown. */
export function ContributionBars({ contributions, score }: { contributions: Contribution[]; score: number }) {
  const { bars, separate, total } = contributionBars(contributions, score);
  if (bars.length === 0) return <p class="muted">No rule has counted for this lead yet.</p>;
  return (
    <div class="contributions">
      <ul class="bars" aria-label="Points per rule now">
        {bars.map((b) => (
          <Row key={b.rule} bar={b} />
        ))}
      </ul>
      <p class="bars-total" data-total={total}>
        Total <strong>{points(total)}</strong>
      </p>
      {separate.length > 0 && (
        <>
          <h3>Fit, graded separately (not in the score)</h3>
          <ul class="bars">
            {separate.map((b) => (
              <Row key={b.rule} bar={b} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
