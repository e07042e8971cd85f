import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { heures, jour, moisEnClair } from '../commun/formats';
import '../facilitatrice.css';
import { moisAvant, moisCourant } from '../commun/dates';
import { Champ, useFormulaire } from '../commun/formulaire';
import { declarerHeures } from '../placements/declarer-heures';
import { nomDe, useNoms } from '../commun/noms';
import { Pagination } from '../commun/pagination';

interface Manquante {
  id: string;
  placementId: string;
  salarieId: string;
  nom: string | null;
  prenom: string | null;
  efface: boolean;
  marcheId: string;
  numeroMarche: string;
  entrepriseId: string;
  dateDebut: string;
  dateFin: string | null;
}
interface Manquantes {
  items: Manquante[];
  total: number;
  page: number;
  taillePage: number;
  mois: string;
}

const TAILLE_PAGE = 50;
const MOIS_PROPOSES = 24;

/**
 * The month's to-do list: the placements running that month without hours, each with its own
 * hours form. A row answered leaves the list (read again after the write), and the focus goes to
 * the next row's hours, so that a whole month can be typed from the keyboard.
 */
export function AFaire() {
  const { query, route } = useLocation();
  const courant = moisCourant();
  const mois = /^\d{4}-(0[1-9]|1[0-2])$/.test(query.mois ?? '') && query.mois! <= courant ? query.mois! : moisAvant(courant);
  const [page, setPage] = useState(1);
  const [annonce, setAnnonce] = useState<string | null>(null);
  const liste = useDonnees<Manquantes>(`/declarations/manquantes?mois=${mois}&taillePage=${TAILLE_PAGE}&page=${page}`, positionEcrite());
  const noms = useNoms();
  // The row answered: once the list is read again, its successor (same place) takes the focus.
  const aFocaliser = useRef<number | null>(null);

  useEffect(() => {
    const items = liste.donnees?.items;
    if (aFocaliser.current === null || !items || liste.chargement) return;
    const suivant = items[Math.min(aFocaliser.current, items.length - 1)];
    aFocaliser.current = null;
    (document.getElementById(suivant ? `heures-${suivant.id}` : 'titre-a-faire') as HTMLElement | null)?.focus();
  }, [liste.donnees, liste.chargement]);

  const moisProposes: string[] = [];
  for (let m = courant, i = 0; i < MOIS_PROPOSES; i++, m = moisAvant(m)) moisProposes.push(m);

  return (
    <section aria-labelledby="titre-a-faire">
      <h1 id="titre-a-faire" tabIndex={-1}>
        À faire : les heures de {moisEnClair(mois)}
      </h1>
      <div class="filtres">
        <label for="a-faire-mois">Mois</label>
        <select
          id="a-faire-mois"
          value={mois}
          onChange={(e) => {
            setPage(1);
            setAnnonce(null);
            route(`/a-faire?mois=${e.currentTarget.value}`);
          }}
        >
          {moisProposes.map((m) => (
            <option key={m} value={m}>
              {moisEnClair(m)}
            </option>
          ))}
        </select>
      </div>
      <div role="status" class={annonce ? 'alerte alerte-succes' : 'statut-vide'}>
        {annonce}
      </div>
      <Etat de={liste}>
        {(l) =>
          l.total === 0 ? (
            <p>Rien à déclarer pour {moisEnClair(mois)} : chaque placement en cours ce mois-là a ses heures.</p>
          ) : (
            <>
              <p class="aide">
                {l.total} placement(s) sans heures pour {moisEnClair(mois)}. Saisissez les heures du mois (par exemple 151,67), puis Entrée.
              </p>
              <table class="tableau a-faire">
                <caption class="visuellement-cache">Placements en cours en {moisEnClair(mois)} sans heures déclarées</caption>
                <thead>
                  <tr>
                    <th scope="col">Personne</th>
                    <th scope="col">Marché</th>
                    <th scope="col">Employeur</th>
                    <th scope="col">Placement</th>
                    <th scope="col">Heures du mois</th>
                  </tr>
                </thead>
                <tbody>
                  {l.items.map((item, index) => (
                    <Ligne
                      key={item.id}
                      item={item}
                      mois={mois}
                      employeur={noms.entreprise(item.entrepriseId)}
                      enregistre={(message) => {
                        setAnnonce(message);
                        aFocaliser.current = index;
                        liste.recharger();
                      }}
                    />
                  ))}
                </tbody>
              </table>
              {l.total > l.taillePage && (
                <Pagination page={l.page} taillePage={l.taillePage} total={l.total} aller={setPage} />
              )}
            </>
          )
        }
      </Etat>
    </section>
  );
}

function Ligne({ item, mois, employeur, enregistre }: { item: Manquante; mois: string; employeur: string; enregistre: (message: string) => void }) {
  const f = useFormulaire();
  const [saisie, setSaisie] = useState('');
  const qui = nomDe(item);

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const h = await declarerHeures(f, e.currentTarget as HTMLFormElement, item.placementId, mois, saisie, () => null);
    if (h !== null) enregistre(`${heures(h)} enregistrées pour ${qui} (${moisEnClair(mois)}, marché ${item.numeroMarche}).`);
  };

  return (
    <tr>
      <td>
        <a href={`/salaries/${item.salarieId}`}>{qui}</a>
      </td>
      <td class="nowrap">
        <a href={`/marches/${item.marcheId}`}>{item.numeroMarche}</a>
      </td>
      <td>{employeur}</td>
      <td>
        <a href={`/placements/${item.placementId}`}>
          Depuis le {jour(item.dateDebut)}
          <span class="visuellement-cache"> ({qui})</span>
        </a>
        {item.dateFin && <div class="secondaire">fin le {jour(item.dateFin)}</div>}
      </td>
      <td>
        <form class="heures-en-ligne" onSubmit={envoyer} noValidate>
          {/* A field error is enough in a row; a rule broken (422, 409) is said on top. */}
          {f.alerte && !f.erreur('heures') && (
            <div class="alerte alerte-erreur" role="alert" tabIndex={-1}>
              {f.alerte}
            </div>
          )}
          <Champ
            id={`heures-${item.id}`}
            libelle={
              <>
                Heures<span class="visuellement-cache"> de {qui} en {moisEnClair(mois)}</span>
              </>
            }
            erreur={f.erreur('heures')}
          >
            {(a) => <input {...a} inputMode="decimal" autocomplete="off" size={8} value={saisie} onInput={(e) => setSaisie(e.currentTarget.value)} />}
          </Champ>
          <button type="submit" disabled={f.envoi}>
            {f.envoi ? 'Envoi…' : 'Enregistrer'}
            <span class="visuellement-cache"> les heures de {qui}</span>
          </button>
        </form>
      </td>
    </tr>
  );
}
