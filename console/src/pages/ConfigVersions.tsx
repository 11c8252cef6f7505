import { useState } from "preact/hooks";
import { listConfigVersions, loadConfigVersion } from "../api/config";
import { previewImpact } from "../api/rescore";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorNote } from "../components/Notice";
import { TableHead } from "../components/TableHead";
import { dateTime, plural } from "../format";
import { useAsync } from "../hooks/use-async";

interface Props {
  site: string;
  /** The version in force: listed as such, with nothing to roll back to. */
  current: number;
  /** The editor holds changes a rollback would replace. */
  dirty: boolean;
  /** Publishes a saved version's document again (as a new version). */
  onRollback: (version: number) => Promise<void>;
}

/** Leads of the rollback's impact the dialog names; the counts cover every lead. */
const ROLLBACK_IMPACT_LEADS = 5;

/** What publishing version `version` again would do to the site's leads: the re-score preview of its document. */
function RollbackImpact({ site, version }: { site: string; version: number }) {
  const impact = useAsync(async () => previewImpact(site, await loadConfigVersion(site, version), { limit: ROLLBACK_IMPACT_LEADS }), [site, version]);
  if (impact.error) return <ErrorNote error={impact.error} title="Could not tell what the rollback would change" />;
  if (!impact.data) return <p class="muted">Working out what it would change on your leads…</p>;
  const { total, failed, changed, leads } = impact.data;
  return (
    <div data-rollback-impact data-label-changes={changed.label} data-stage-changes={changed.stage}>
      <p>
        Of {plural(total, "lead")}, it moves <strong>{plural(changed.label, "lead")}</strong> to another label and <strong>{plural(changed.stage, "lead")}</strong> to another stage
        {changed.label === 0 && changed.stage === 0 ? ": nothing a webhook would tell." : ", and their webhooks are sent."}
        {failed > 0 && ` ${plural(failed, "lead")} could not be evaluated.`}
      </p>
      {leads.length > 0 && (
        <ul class="plain-list">
          {leads.map((l) => (
            <li key={l.leadId} data-rollback-lead={l.leadId}>
              <code>{l.leadId}</code>
              {l.label && ` ${l.label.from} → ${l.label.to}`}
              {l.stage && ` (stage ${l.stage.from} → ${l.stage.to})`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The config's saved versions, newest first, each but the one in force with "Roll back to this version". */
export function ConfigVersions({ site, current, dirty, onRollback }: Props) {
  const versions = useAsync(() => listConfigVersions(site), [site, current]);
  const [asking, setAsking] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Error | null>(null);

  const confirm = async () => {
    const version = asking;
    setAsking(null);
    if (version === null) return;
    setBusy(true);
    setProblem(null);
    try {
      await onRollback(version);
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="versions-title" data-versions>
      <h2 id="versions-title">Versions</h2>
      {versions.error && <ErrorNote error={versions.error} title="Could not list the saved versions" />}
      {problem && <ErrorNote error={problem} title="Not rolled back: the config in force is unchanged" />}
      {versions.data?.length === 0 && <p class="muted">None saved yet: the first save makes version 1.</p>}
      {versions.data && versions.data.length > 0 && (
        <table class="versions">
          <TableHead columns={["Version", "Saved", "Summary", "~Action"]} numeric={["Version"]} />
          <tbody>
            {versions.data.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td data-col="Version" class="num">{v.version}</td>
                <td data-col="Saved">{dateTime(v.savedAt)}</td>
                <td data-col="Summary">{v.summary}</td>
                <td>
                  {v.version === current ? (
                    <span class="muted">in force</span>
                  ) : (
                    <button type="button" class="button small" disabled={busy} onClick={() => setAsking(v.version)}>
                      Roll back to this version
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog open={asking !== null} title={`Roll back to version ${asking ?? ""}?`} confirmLabel="Roll back" onConfirm={() => void confirm()} onCancel={() => setAsking(null)}>
        <p>
          Version {asking}'s config is published again as a new version, and the next event of every lead is scored with it. Version {current} stays in the list.
          {dirty && " The unsaved changes in the editor are replaced."}
        </p>
        {asking !== null && <RollbackImpact site={site} version={asking} />}
      </ConfirmDialog>
    </section>
  );
}
