import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { jour } from '../commun/formats';
import { Statut } from '../commun/progression';
import '../facilitatrice.css';
import { TYPES_ENTREPRISE } from '../commun/libelles';
import { type EntrepriseResume, nomDe, useNoms } from '../commun/noms';

interface PersonneTrouvee {
  id: string;
  nom: string | null;
  prenom: string | null;
  sexe: string;
  trancheAge: string | null;
  commune: string;
  efface: boolean;
  placementsEnCours: Array<{ id: string; marcheId: string; entrepriseId: string; dateDebut: string }>;
}
interface MarcheTrouve {
  id: string;
  numero: string;
  objet: string;
  statut: string;
  dateDebut: string;
  dateFin: string;
}
interface Resultats<T> {
  items: T[];
  total: number;
}

const TAILLE = 20;
const siret = (s: string) => s.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4');

/**
 * One search box for people (name and first name), entreprises (raison sociale, SIRET or
 * SIREN) and marchés (number or object). The text lives in the address (`?q=`), so that going back returns to the results.
 */
export function Recherche() {
  const { query, route } = useLocation();
  const q = (query.q ?? '').trim();
  const [texte, setTexte] = useState(q);
  useEffect(() => setTexte(q), [q]);
  const code = encodeURIComponent(q);
  const personnes = useDonnees<Resultats<PersonneTrouvee>>(q ? `/salaries?q=${code}&taillePage=${TAILLE}` : null, positionEcrite());
  const entreprises = useDonnees<Resultats<EntrepriseResume>>(q ? `/entreprises?q=${code}&taillePage=${TAILLE}` : null);
  const marches = useDonnees<Resultats<MarcheTrouve>>(q ? `/marches?q=${code}&taillePage=${TAILLE}` : null, positionEcrite());
  const noms = useNoms();

  return (
    <section aria-labelledby="titre-recherche">
      <h1 id="titre-recherche">Rechercher</h1>
      <form
        role="search"
        class="recherche"
        onSubmit={(e) => {
          e.preventDefault();
          route(texte.trim() ? `/recherche?q=${encodeURIComponent(texte.trim())}` : '/recherche');
        }}
      >
        <label for="recherche-texte">Nom et prénom d’une personne, raison sociale ou SIRET d’une entreprise, numéro ou objet d’un marché</label>
        <div class="en-ligne">
          <input id="recherche-texte" type="search" maxLength={200} autocomplete="off" value={texte} onInput={(e) => setTexte(e.currentTarget.value)} />
          <button type="submit">Rechercher</button>
        </div>
        <p class="aide">Chaque mot doit figurer, sans tenir compte des accents ni des majuscules.</p>
      </form>

      {q && (
        <>
          <section aria-labelledby="titre-personnes">
            <h2 id="titre-personnes">Personnes</h2>
            <Etat de={personnes}>
              {(r) =>
                r.total === 0 ? (
                  <p>Aucune personne ne correspond à « {q} ».</p>
                ) : (
                  <>
                    <p class="aide">{r.total > r.items.length ? `${r.total} personnes, les ${r.items.length} premières affichées : précisez la recherche.` : `${r.total} personne(s).`}</p>
                    <ul class="resultats">
                      {r.items.map((p) => (
                        <li key={p.id} class="carte">
                          <a href={`/salaries/${p.id}`} class="titre-resultat">
                            {nomDe(p)}
                          </a>{' '}
                          <span class="secondaire">{p.commune}</span>
                          {p.placementsEnCours.length === 0 ? (
                            <p class="secondaire">Aucun placement en cours.</p>
                          ) : (
                            <ul>
                              {p.placementsEnCours.map((pl) => (
                                <li key={pl.id}>
                                  <a href={`/placements/${pl.id}`}>
                                    Placement chez {noms.entreprise(pl.entrepriseId)} depuis le {jour(pl.dateDebut)}
                                  </a>
                                  , marché{' '}
                                  <a href={`/marches/${pl.marcheId}`}>{noms.numeroMarche(pl.marcheId)}</a>
                                </li>
                              ))}
                            </ul>
                          )}
                        </li>
                      ))}
                    </ul>
                  </>
                )
              }
            </Etat>
          </section>

          <section aria-labelledby="titre-entreprises">
            <h2 id="titre-entreprises">Entreprises</h2>
            <Etat de={entreprises}>
              {(r) =>
                r.total === 0 ? (
                  <p>Aucune entreprise ne correspond à « {q} ».</p>
                ) : (
                  <>
                    <p class="aide">{r.total > r.items.length ? `${r.total} entreprises, les ${r.items.length} premières affichées : précisez la recherche.` : `${r.total} entreprise(s).`}</p>
                    <table class="tableau">
                      <caption class="visuellement-cache">Entreprises trouvées</caption>
                      <thead>
                        <tr>
                          <th scope="col">Raison sociale</th>
                          <th scope="col">SIRET</th>
                          <th scope="col">Type</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.items.map((e) => (
                          <tr key={e.id}>
                            <td>{e.raisonSociale}</td>
                            <td class="nowrap">{siret(e.siret)}</td>
                            <td>{TYPES_ENTREPRISE[e.type] ?? e.type}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </>
                )
              }
            </Etat>
          </section>

          <section aria-labelledby="titre-marches-trouves">
            <h2 id="titre-marches-trouves">Marchés</h2>
            <Etat de={marches}>
              {(r) =>
                r.total === 0 ? (
                  <p>Aucun marché ne correspond à « {q} ».</p>
                ) : (
                  <>
                    <p class="aide">{r.total > r.items.length ? `${r.total} marchés, les ${r.items.length} premiers affichés : précisez la recherche.` : `${r.total} marché(s).`}</p>
                    <ul>
                      {r.items.map((m) => (
                        <li key={m.id}>
                          <a href={`/marches/${m.id}`}>{m.numero}</a> — {m.objet} <Statut statut={m.statut} />
                        </li>
                      ))}
                    </ul>
                  </>
                )
              }
            </Etat>
          </section>
        </>
      )}
    </section>
  );
}
