import { Badge } from "./Badge";
import type { ModelReport } from "../api/report";

const PERCENT = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const TIMES = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

const percent = (x: number | null) => (x === null ? "–" : PERCENT.format(x));

/**
 * Conversion by band from the model report: per label, leads with an outcome, conversions, the rate
 * (with a bar) and the lift over the base rate. A report with nothing to measure says why.
 */
export function ConversionByBand({ report }: { report: ModelReport }) {
  if (report.status !== "ok") return <p class="muted" data-report-status={report.status}>{report.message}</p>;
  const top = Math.max(...report.labels.map((l) => l.rate ?? 0), 0.0001);
  return (
    <>
      <table data-report-status="ok">
        <caption class="muted">
          Model {report.model}: {report.conversions} of {report.leads} leads converted within {report.horizon} (base rate {percent(report.baseRate)}, AUC {report.auc === null ? "–" : TIMES.format(report.auc)})
        </caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col" class="num">Leads</th>
            <th scope="col" class="num">Converted</th>
            <th scope="col">Rate</th>
            <th scope="col" class="num">Lift</th>
          </tr>
        </thead>
        <tbody>
          {report.labels.map((band) => (
            <tr key={band.name} data-band={band.name}>
              <td data-col="Label"><Badge value={band.name} /></td>
              <td data-col="Leads" class="num">{band.leads}</td>
              <td data-col="Converted" class="num">{band.conversions}</td>
              <td data-col="Rate">
                {percent(band.rate)}
                <span class="rate-bar" style={{ width: `${Math.round((100 * (band.rate ?? 0)) / top)}%` }} aria-hidden="true" />
              </td>
              <td data-col="Lift" class="num">{band.lift === null ? "–" : `${TIMES.format(band.lift)}×`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
