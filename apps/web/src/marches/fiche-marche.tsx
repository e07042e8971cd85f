import { useState } from 'preact/hooks';
import { telecharger } from '../commun/api';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { heures, jour, moisEnClair, part } from '../commun/formats';
import { Graphique } from '../commun/graphique';
import { Progression, Statut } from '../commun/progression';
import type { MarcheResume } from '../commun/noms';
import { attenduesFinDeMois, cumuls, moisEntre } from './prorata';

interface Marche extends MarcheResume {
  heuresPrevues: number;
  heuresPrevuesInitiales: number;
  attributaires: Array<{ entrepriseId: string; role: string; raisonSociale: string | null; siret: string | null }>;
  avenants: Array<{ heuresPrevues?: number; dateFin?: string; motif: string }>;
}

interface Conformite {
  heuresPrevues: number;
  heuresRealisees: number;
  heuresAttendues: number;
  tauxRealisation: number;
  statut: string;
  heuresManquantes: number;
}

interface Releve {
  heuresTotal: number;
  mois: Array<{ mois: string; heures: number; salaries: number | null }>;
}

const ROLES_ATTRIBUTAIRE: Record<string, string> = { titulaire: 'Titulaire', cotraitant: 'Cotraitant', soustraitant: 'Sous-traitant' };

/** A marché: its compliance today, its hours month by month against the pro-rata line, its amendments and its statement. */
export function FicheMarche({ id }: { id: string }) {
  const apres = positionEcrite();
  const marche = useDonnees<Marche>(`/marches/${id}`, apres);
  const conformite = useDonnees<Conformite>(`/marches/${id}/conformite`, apres);
  const releve = useDonnees<Releve>(`/marches/${id}/releve`, apres);
  const [erreurExport, setErreurExport] = useState<string | null>(null);
  const exporter = (format: 'csv' | 'xlsx') =>
    telecharger(`/marches/${id}/releve?format=${format}`, `releve-${marche.donnees?.numero ?? id}.${format}`).then(
      () => setErreurExport(null),
      (e: Error) => setErreurExport(e.message),
    );

  return (
    <Etat de={marche}>
      {(m) => (
        <article aria-labelledby="titre-marche">
          <p class="fil">
            <a href="/marches">Marchés</a> › {m.numero}
          </p>
          <h1 id="titre-marche">
            {m.numero} <span class="secondaire">{m.objet}</span>
          </h1>
          <Etat de={conformite}>
            {(c) => (
              <section class="carte" aria-label="Conformité à ce jour">
                <p>
                  <Statut statut={c.statut} /> {heures(c.heuresRealisees)} réalisées sur {heures(c.heuresPrevues)} prévues ({part(c.tauxRealisation)}) ;{' '}
                  {heures(c.heuresAttendues)} attendues à ce jour
                  {c.heuresManquantes > 0 ? `, ${heures(c.heuresManquantes)} manquantes` : ''}.
                </p>
                <Progression realisees={c.heuresRealisees} prevues={c.heuresPrevues} attendues={c.heuresAttendues} />
                <p class="aide">
                  Période d'exécution du {jour(m.dateDebut)} au {jour(m.dateFin)}
                  {m.dateCloture ? `, clôturé le ${jour(m.dateCloture)}` : ''}.
                </p>
              </section>
            )}
          </Etat>
          <Etat de={releve}>
            {(r) => {
              const fin = [m.dateCloture ?? m.dateFin, new Date().toISOString().slice(0, 10)].sort()[0];
              const mois = moisEntre(m.dateDebut, fin < m.dateDebut ? m.dateDebut : fin);
              const parMois = new Map(r.mois.map((x) => [x.mois, x.heures]));
              const realisees = mois.map((x) => parMois.get(x) ?? 0);
              return (
                <section aria-labelledby="titre-heures">
                  <h2 id="titre-heures">Heures par mois</h2>
                  <Graphique
                    titre={`Heures d'insertion du marché ${m.numero}, par mois et cumulées, face aux heures attendues au prorata`}
                    etiquettes={mois.map(moisEnClair)}
                    series={[
                      { libelle: 'Heures du mois', valeurs: realisees, couleur: '#3b6fb6' },
                      { libelle: 'Cumul réalisé', valeurs: cumuls(realisees), type: 'line', couleur: '#1f7a4d' },
                      { libelle: 'Cumul attendu (prorata)', valeurs: attenduesFinDeMois(m.dateDebut, m.dateFin, m.heuresPrevues, mois), type: 'line', couleur: '#b35c00' },
                    ]}
                  />
                  <div class="actions">
                    <button type="button" onClick={() => exporter('xlsx')}>
                      Télécharger le relevé (XLSX)
                    </button>
                    <button type="button" onClick={() => exporter('csv')}>
                      Télécharger le relevé (CSV)
                    </button>
                  </div>
                  {erreurExport && (
                    <p class="alerte alerte-erreur" role="alert">
                      {erreurExport}
                    </p>
                  )}
                </section>
              );
            }}
          </Etat>
          <section aria-labelledby="titre-avenants">
            <h2 id="titre-avenants">Avenants</h2>
            {m.avenants.length === 0 ? (
              <p>Aucun avenant : {heures(m.heuresPrevuesInitiales)} prévues depuis la notification.</p>
            ) : (
              <ul>
                {m.avenants.map((a, i) => (
                  <li key={i}>
                    {a.motif}
                    {a.heuresPrevues !== undefined ? ` — heures prévues portées à ${heures(a.heuresPrevues)}` : ''}
                    {a.dateFin ? ` — fin repoussée au ${jour(a.dateFin)}` : ''}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="titre-attributaires">
            <h2 id="titre-attributaires">Attributaires</h2>
            <ul>
              {m.attributaires.map((a) => (
                <li key={a.entrepriseId}>
                  {ROLES_ATTRIBUTAIRE[a.role] ?? a.role} : {a.raisonSociale ?? 'entreprise inconnue'}
                  {a.siret && <span class="secondaire"> (SIRET {a.siret})</span>}
                </li>
              ))}
            </ul>
          </section>
        </article>
      )}
    </Etat>
  );
}
