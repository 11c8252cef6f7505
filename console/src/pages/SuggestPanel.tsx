import { useState } from "preact/hooks";
import type { SiteConfig } from "../api/config";
import { suggestWeights, type Suggestion } from "../api/suggest";
import { ErrorNote, Notice } from "../components/Notice";
import { TableHead } from "../components/TableHead";
import { plural } from "../format";

interface Props {
  site: string;
  /** The config in force: the models a suggestion can be asked for. */
  config: SiteConfig;
  /** Puts a candidate config in the editor (unsaved: its impact is shown before it is published). */
  onUse: (candidate: SiteConfig) => void;
}

const auc = (value: number | null) => (value === null ? "–" : value.toFixed(2));

/**
 * Points per rule fitted to the site's own outcomes (`POST …/suggest`), the held-out AUC of the
 * current and the suggested points, and a button that puts the candidate in the editor.
 */
export function SuggestPanel({ site, config, onUse }: Props) {
  const models = config.models.filter((m) => m.outcomes !== undefined).map((m) => m.id);
  const [model, setModel] = useState(models[0] ?? "");
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      setSuggestion(await suggestWeights(site, model));
    } catch (err) {
      setSuggestion(null);
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="suggest-title">
      <h2 id="suggest-title">Suggested points</h2>
      {models.length === 0 ? (
        <p class="muted">No model names its outcomes yet: add "outcomes" to a model (docs/CONFIG.md) to have points fitted to what converted.</p>
      ) : (
        <>
          <p class="muted">Fits each rule's points to what your leads did before they converted, or did not; judged on leads the fit never saw. Nothing is saved.</p>
          <form class="inline-form" onSubmit={ask}>
            <label for="suggest-model">Model</label>
            <select id="suggest-model" value={model} onChange={(e) => setModel((e.target as HTMLSelectElement).value)}>
              {models.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
            <button type="submit" class="button" disabled={busy}>
              {busy ? "Fitting…" : "Suggest points"}
            </button>
          </form>
        </>
      )}
      {problem && <ErrorNote error={problem} title="No suggestion" />}
      {suggestion && (
        <div data-suggestion data-auc-current={suggestion.auc.current ?? ""} data-auc-suggested={suggestion.auc.suggested ?? ""}>
          <p>
            From {plural(suggestion.leads.decided, "decided lead")} of {suggestion.leads.total}: trained on {suggestion.split.training.leads} ({suggestion.split.training.conversions} converted), judged on{" "}
            {suggestion.split.heldOut.leads} ({suggestion.split.heldOut.conversions} converted). Held-out AUC: current points <strong>{auc(suggestion.auc.current)}</strong>, suggested{" "}
            <strong>{auc(suggestion.auc.suggested)}</strong>.
          </p>
          {suggestion.notice && <Notice tone="warn">{suggestion.notice}</Notice>}
          {suggestion.candidate && (
            <>
              <div class="scroll-x">
                <table>
                  <TableHead columns={["Rule", "Now", "Suggested"]} numeric={["Now", "Suggested"]} />
                  <tbody>
                    {suggestion.rules.map((r) => (
                      <tr key={r.rule} data-suggested-rule={r.rule} data-suggested={r.suggested}>
                        <td data-col="Rule">
                          <code>{r.rule}</code>
                        </td>
                        <td data-col="Now" class="num">{r.current}</td>
                        <td data-col="Suggested" class="num">{r.fitted ? r.suggested : <span class="muted" title="No training lead varied on this rule: its points are kept">{r.suggested} (kept)</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="actions">
                <button type="button" class="button" onClick={() => onUse(suggestion.candidate!)}>
                  Put in the editor
                </button>
                <span class="muted">Then Save and publish shows its impact on your leads before anything is saved.</span>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}
