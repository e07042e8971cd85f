import type { Chart as ChartJs, ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

/**
 * Chart.js is most of the code's weight: loaded with the first chart, not by pages without one
 * (the sign-in page, the lists).
 */
let chartJs: Promise<typeof ChartJs> | null = null;
function chargerChartJs(): Promise<typeof ChartJs> {
  chartJs ??= import('chart.js').then(({ BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip }) => {
    Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);
    Chart.defaults.font.family = 'system-ui, sans-serif';
    Chart.defaults.locale = 'fr-FR';
    return Chart;
  });
  return chartJs;
}

export interface Serie {
  libelle: string;
  valeurs: Array<number | null>;
  type?: 'bar' | 'line';
  couleur: string;
}

/**
 * A chart (Chart.js) with its figures also as a table for screen readers and keyboard users:
 * the canvas is an image described by its title, the table holds the same numbers.
 */
export function Graphique({
  titre,
  etiquettes,
  series,
  unite = 'h',
  absent = '—',
}: {
  titre: string;
  etiquettes: string[];
  series: Serie[];
  unite?: string;
  /** What the table shows for a value not plotted (null): a masked figure reads "<5". */
  absent?: string;
}) {
  const toile = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!toile.current) return;
    const config: ChartConfiguration = {
      type: 'bar',
      data: {
        labels: etiquettes,
        datasets: series.map((s) => ({
          type: s.type ?? 'bar',
          label: s.libelle,
          data: s.valeurs,
          backgroundColor: s.couleur,
          borderColor: s.couleur,
          borderWidth: s.type === 'line' ? 2 : 0,
          pointRadius: s.type === 'line' ? 2 : 0,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${Number(v).toLocaleString('fr-FR')} ${unite}` } } },
        plugins: { legend: { position: 'bottom' } },
      },
    };
    let graphique: ChartJs | null = null;
    let actuel = true;
    void chargerChartJs().then((Chart) => {
      if (actuel && toile.current) graphique = new Chart(toile.current, config);
    });
    return () => {
      actuel = false;
      graphique?.destroy();
    };
  }, [titre, JSON.stringify(etiquettes), JSON.stringify(series)]);

  return (
    <figure class="graphique">
      <figcaption>{titre}</figcaption>
      <div class="toile">
        <canvas ref={toile} role="img" aria-label={titre} />
      </div>
      <details>
        <summary>Voir les chiffres du graphique</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">—</th>
              {series.map((s) => (
                <th scope="col" key={s.libelle}>
                  {s.libelle}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {etiquettes.map((e, i) => (
              <tr key={e}>
                <th scope="row">{e}</th>
                {series.map((s) => (
                  <td key={s.libelle}>{s.valeurs[i] === null ? absent : `${s.valeurs[i]!.toLocaleString('fr-FR')} ${unite}`}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
