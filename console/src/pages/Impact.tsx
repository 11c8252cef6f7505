import type { ImpactPreview } from "../api/rescore";
import { Badge } from "../components/Badge";
import { Link } from "../components/Link";
import { TableHead } from "../components/TableHead";
import { plural } from "../format";
import { href } from "../router";

interface Props {
  site: string;
  impact: ImpactPreview;
  /** Which page of the changed leads this is (0: the first). */
  page: number;
  busy: boolean;
  onPage: (direction: -1 | 1) => void;
}

/**
 * What the config in the editor would do to the site's real leads if saved: how many change label
 * and stage, and a page of which ones, from the re-score preview. Nothing is stored by showing it.
 */
export function Impact({ site, impact, page, busy, onPage }: Props) {
  const { total, failed, changed, leads } = impact;
  const none = changed.label === 0 && changed.stage === 0;
  return (
    <section class="impact" aria-labelledby="impact-title" data-impact data-total={total} data-label-changes={changed.label} data-stage-changes={changed.stage}>
      <h3 id="impact-title">Impact on your leads</h3>
      <p>
        Of {plural(total, "lead")}, saving this config moves <strong>{plural(changed.label, "lead")}</strong> to another label and{" "}
        <strong>{plural(changed.stage, "lead")}</strong> to another stage{none ? ": nothing a webhook would tell" : ""}.
        {failed > 0 && ` ${plural(failed, "lead")} could not be evaluated.`}
      </p>
      {leads.length > 0 && (
        <div class="scroll-x">
          <table>
            <TableHead columns={["Lead", "Label", "Stage"]} />
            <tbody>
              {leads.map((lead) => (
                <tr key={lead.leadId} data-impact-lead={lead.leadId}>
                  <td data-col="Lead">
                    <Link href={href({ page: "lead", site, lead: lead.leadId })}>{lead.leadId}</Link>
                  </td>
                  <td data-col="Label">{lead.label ? <><Badge value={lead.label.from} /> → <Badge value={lead.label.to} /></> : <span class="muted">unchanged</span>}</td>
                  <td data-col="Stage">{lead.stage ? <><Badge value={lead.stage.from} kind="stage" /> → <Badge value={lead.stage.to} kind="stage" /></> : <span class="muted">unchanged</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(page > 0 || impact.next) && (
        <div class="actions">
          <button type="button" class="button" disabled={busy || page === 0} onClick={() => onPage(-1)}>
            Previous leads
          </button>
          <button type="button" class="button" disabled={busy || !impact.next} onClick={() => onPage(1)}>
            Next leads
          </button>
        </div>
      )}
      <p class="muted">Save and publish again to apply it: every lead is then re-scored, and the webhooks these changes cause are sent.</p>
    </section>
  );
}
