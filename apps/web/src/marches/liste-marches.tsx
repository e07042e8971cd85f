import { useState } from 'preact/hooks';
import { telecharger } from '../commun/api';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { heures, jour, STATUTS } from '../commun/formats';
import { Progression, Statut } from '../commun/progression';
import { Pagination } from '../commun/pagination';

interface MarcheDeListe {
  id: string;
  numero: string;
  objet: string;
  statut: string;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
  heuresPrevues: number;
  heuresRealisees: number;
  heuresAttendues: number;
  heuresManquantes: number;
}

interface ListeMarches {
  items: MarcheDeListe[];
  total: number;
  page: number;
  taillePage: number;
  date: string;
}

const TAILLE_PAGE = 20;

/** The marchés the caller may read (an acheteur: their donneur d'ordre's), with compliance and progress. */
export function ListeMarches() {
  const [statut, setStatut] = useState('');
  const [page, setPage] = useState(1);
  const [erreurExport, setErreurExport] = useState<string | null>(null);
  const filtres = `${statut ? `statut=${statut}&` : ''}taillePage=${TAILLE_PAGE}&page=${page}`;
  const liste = useDonnees<ListeMarches>(`/marches?${filtres}`, positionEcrite());

  return (
    <section aria-labelledby="titre-marches">
      <div class="titre-page">
        <h1 id="titre-marches">Marchés</h1>
        <button
          type="button"
          onClick={() =>
            telecharger(`/marches?format=xlsx${statut ? `&statut=${statut}` : ''}`, 'marches.xlsx').then(
              () => setErreurExport(null),
              (e: Error) => setErreurExport(e.message),
            )
          }
        >
          Télécharger (XLSX)
        </button>
      </div>
      {erreurExport && (
        <p class="alerte alerte-erreur" role="alert">
          {erreurExport}
        </p>
      )}
      <div class="filtres">
        <label for="filtre-statut">Statut</label>
        <select
          id="filtre-statut"
          value={statut}
          onChange={(e) => {
            setStatut(e.currentTarget.value);
            setPage(1);
          }}
        >
          <option value="">Tous</option>
          {Object.entries(STATUTS).map(([valeur, libelle]) => (
            <option key={valeur} value={valeur}>
              {libelle}
            </option>
          ))}
        </select>
      </div>
      <Etat de={liste}>
        {(l) =>
          l.total === 0 ? (
            <p>Aucun marché ne correspond.</p>
          ) : (
            <>
              <p class="aide">
                {l.total} marché(s), statut au {jour(l.date)}.
              </p>
              <table class="tableau">
                <caption class="visuellement-cache">Marchés, leur statut et leur avancement</caption>
                <thead>
                  <tr>
                    <th scope="col">Marché</th>
                    <th scope="col">Période</th>
                    <th scope="col">Statut</th>
                    <th scope="col">Heures réalisées / prévues</th>
                    <th scope="col">Avancement</th>
                  </tr>
                </thead>
                <tbody>
                  {l.items.map((m) => (
                    <tr key={m.id}>
                      <td>
                        <a href={`/marches/${m.id}`}>{m.numero}</a>
                        <div class="secondaire">{m.objet}</div>
                      </td>
                      <td>
                        {jour(m.dateDebut)} → {jour(m.dateCloture ?? m.dateFin)}
                      </td>
                      <td>
                        <Statut statut={m.statut} />
                      </td>
                      <td class="nombre">
                        {heures(m.heuresRealisees)} / {heures(m.heuresPrevues)}
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
  );
}
