import { useState } from 'preact/hooks';
import { telecharger } from '../commun/api';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { compte, heures, jour, STATUTS } from '../commun/formats';
import { Graphique } from '../commun/graphique';
import { Progression, Statut } from '../commun/progression';
import { utilisateur } from '../commun/session';
import '../tableaux-de-bord.css';
import { SECTEURS } from '../commun/libelles';
import { ChoixAnnee, useAnnee } from '../commun/annee';
import { type Secret } from '../commun/secret';
import { Pagination } from '../commun/pagination';

interface TotauxCoordination {
  marchesSuivis: number;
  donneursOrdre: number;
  heuresPrevues: number;
  heuresRealisees: number;
  etp: number;
  heuresParSecteur: Record<string, number>;
  marchesParStatut: Record<string, number>;
  heuresApresCloture: number;
  date: string;
  du: string;
  au: string;
  secretStatistique?: Secret;
}

interface MarcheSuivi {
  id: string;
  numero: string;
  objet: string;
  secteur: string;
  donneurOrdreId: string;
  donneurOrdreNom: string;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
  heuresPrevues: number;
  heuresRealisees: number;
  heuresAttendues: number;
  heuresManquantes: number;
  tauxRealisation: number;
  statut: string;
}

interface ListeSuivis {
  items: MarcheSuivi[];
  total: number;
  page: number;
  taillePage: number;
  date: string;
}

const TAILLE_PAGE = 20;
/** Roles that may open a marché's own page (the coordination reads only its own view). */
const LISENT_LES_MARCHES = ['facilitatrice', 'admin', 'auditeur'];

/**
 * The regional coordination's view: the year's hours on the marchés it follows, and those marchés
 * across donneurs d'ordre. A past year is judged at its 31 December, the current one today.
 */
export function Coordination() {
  const [annee, setAnnee] = useAnnee();
  const [page, setPage] = useState(1);
  const [erreurExport, setErreurExport] = useState<string | null>(null);
  const [exportEnCours, setExportEnCours] = useState(false);
  const apres = positionEcrite();
  const aujourdhui = new Date().toISOString().slice(0, 10);
  const finAnnee = `${annee}-12-31`;
  // Statuses at the end of a past year (the marchés followed then); today for the current year.
  const date = finAnnee < aujourdhui ? `&date=${finAnnee}` : '';
  const totaux = useDonnees<TotauxCoordination>(`/coordination-regionale/indicateurs?annee=${annee}${date}`, apres);
  const liste = useDonnees<ListeSuivis>(`/coordination-regionale/marches?taillePage=${TAILLE_PAGE}&page=${page}${date}`, apres);
  const lienMarche = LISENT_LES_MARCHES.includes(utilisateur.value!.role);

  const exporter = () => {
    setExportEnCours(true);
    telecharger(`/coordination-regionale/marches?format=xlsx${date}`, `marches-suivis-${date ? finAnnee : aujourdhui}.xlsx`)
      .then(
        () => setErreurExport(null),
        (e: Error) => setErreurExport(e.message),
      )
      .finally(() => setExportEnCours(false));
  };

  return (
    <section aria-labelledby="titre-coordination">
      <div class="titre-page">
        <h1 id="titre-coordination">Marchés suivis par la coordination régionale</h1>
        <button type="button" onClick={exporter} disabled={exportEnCours}>
          Télécharger la liste (XLSX)
        </button>
      </div>
      {exportEnCours && (
        <p class="aide" role="status">
          Préparation du fichier XLSX…
        </p>
      )}
      {erreurExport && (
        <p class="alerte alerte-erreur" role="alert">
          {erreurExport}
        </p>
      )}
      <ChoixAnnee
        annee={annee}
        onChange={(a) => {
          setAnnee(a);
          setPage(1);
        }}
      />
      <Etat de={totaux}>
        {(t) => (
          <section aria-labelledby="titre-totaux">
            <h2 id="titre-totaux">Totaux {annee}</h2>
            <p class="aide">
              Heures du {jour(t.du)} au {jour(t.au)} ; marchés suivis et statuts au {jour(t.date)}.
            </p>
            <dl class="chiffres">
              <div>
                <dt>Marchés suivis</dt>
                <dd>
                  {compte(t.marchesSuivis)}
                  <span class="precision">{compte(t.donneursOrdre)} donneurs d'ordre</span>
                </dd>
              </div>
              <div>
                <dt>Heures réalisées</dt>
                <dd>
                  {heures(t.heuresRealisees)}
                  <span class="precision">{t.etp.toLocaleString('fr-FR')} ETP</span>
                </dd>
              </div>
              <div>
                <dt>Heures prévues</dt>
                <dd>
                  {heures(t.heuresPrevues)}
                  <span class="precision">toute la durée des marchés</span>
                </dd>
              </div>
              {t.heuresApresCloture > 0 && (
                <div>
                  <dt>Heures après clôture</dt>
                  <dd>
                    {heures(t.heuresApresCloture)}
                    <span class="precision">hors conformité</span>
                  </dd>
                </div>
              )}
            </dl>
            <ul class="statuts" aria-label={`Marchés suivis par statut au ${jour(t.date)}`}>
              {Object.keys(STATUTS)
                .filter((s) => (t.marchesParStatut[s] ?? 0) > 0)
                .map((s) => (
                  <li key={s}>
                    <Statut statut={s} /> {compte(t.marchesParStatut[s])}
                  </li>
                ))}
            </ul>
            <div class="graphiques">
              <div>
                <Graphique
                  titre={`Heures réalisées en ${annee} sur les marchés suivis, par secteur`}
                  etiquettes={Object.keys(t.heuresParSecteur).map((s) => SECTEURS[s] ?? s)}
                  series={[{ libelle: 'Heures réalisées', valeurs: Object.values(t.heuresParSecteur), couleur: '#3b6fb6' }]}
                />
              </div>
              <div>
                <Graphique
                  titre={`Marchés suivis par statut au ${jour(t.date)}`}
                  unite=""
                  etiquettes={Object.keys(STATUTS).map((s) => STATUTS[s])}
                  series={[{ libelle: 'Marchés', valeurs: Object.keys(STATUTS).map((s) => t.marchesParStatut[s] ?? 0), couleur: '#1f7a4d' }]}
                />
              </div>
            </div>
          </section>
        )}
      </Etat>
      <section aria-labelledby="titre-liste-suivis">
        <h2 id="titre-liste-suivis">Liste des marchés suivis</h2>
        <Etat de={liste}>
          {(l) =>
            l.total === 0 ? (
              <p>Aucun marché n'était suivi au {jour(l.date)}.</p>
            ) : (
              <>
                <p class="aide">
                  {l.total} marché(s) suivi(s), statut au {jour(l.date)}.
                </p>
                <table class="tableau">
                  <caption class="visuellement-cache">Marchés suivis, leur donneur d'ordre, leur statut et leur avancement</caption>
                  <thead>
                    <tr>
                      <th scope="col">Marché</th>
                      <th scope="col">Donneur d'ordre</th>
                      <th scope="col">Période</th>
                      <th scope="col">Statut</th>
                      <th scope="col">Heures réalisées / prévues</th>
                      <th scope="col">Avancement</th>
                    </tr>
                  </thead>
                  <tbody>
                    {l.items.map((m) => (
                      <tr key={m.id}>
                        <th scope="row" class="cellule-marche">
                          {lienMarche ? <a href={`/marches/${m.id}`}>{m.numero}</a> : m.numero}
                          <div class="secondaire">{m.objet}</div>
                        </th>
                        <td data-libelle="Donneur d'ordre">{m.donneurOrdreNom}</td>
                        <td data-libelle="Période">
                          {jour(m.dateDebut)} → {jour(m.dateCloture ?? m.dateFin)}
                        </td>
                        <td>
                          <Statut statut={m.statut} />
                        </td>
                        <td class="nombre" data-libelle="Heures">
                          {heures(m.heuresRealisees)} / {heures(m.heuresPrevues)}
                          {m.heuresManquantes > 0 && <div class="secondaire">{heures(m.heuresManquantes)} manquantes</div>}
                        </td>
                        <td>
                          <Progression realisees={m.heuresRealisees} prevues={m.heuresPrevues} attendues={m.heuresAttendues} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <Pagination page={l.page} taillePage={l.taillePage} total={l.total} aller={setPage} />
              </>
            )
          }
        </Etat>
      </section>
    </section>
  );
}
