import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { appeler, ErreurApi } from '../commun/api';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { heures, jour } from '../commun/formats';
import { NIVEAUX_FORMATION, SEXES } from './nouvelle-personne';
import '../facilitatrice.css';
import { AIDE_MODALITE, CONTRATS, MODALITES, TYPES_ENTREPRISE } from '../commun/libelles';
import { aujourdhui } from '../commun/dates';
import { Champ, type Ecriture, Retour, useFormulaire } from '../commun/formulaire';
import { type EntrepriseResume, nomDe, useNoms } from '../commun/noms';

export const CRITERES: Record<string, string> = {
  deld: 'Demandeur d’emploi de longue durée',
  brsa: 'Bénéficiaire du RSA ou d’un minimum social',
  jeune_peu_qualifie: 'Jeune de moins de 26 ans peu qualifié',
  rqth: 'Travailleur handicapé (RQTH)',
  senior_demandeur: 'Demandeur d’emploi de 50 ans ou plus',
  qpv_sans_emploi: 'Sans emploi, résidant dans un QPV',
  salarie_siae: 'Salarié d’une SIAE',
  refugie: 'Réfugié ou bénéficiaire de la protection internationale',
  sous_main_justice: 'Personne placée sous main de justice',
  autre: 'Autre (à préciser)',
};

const TRANCHES: Record<string, string> = { moins_26: 'moins de 26 ans', '26_49': '26 à 49 ans', '50_plus': '50 ans ou plus' };

interface Salarie {
  id: string;
  identiteVisible: boolean;
  nom: string | null;
  prenom: string | null;
  sexe: string;
  dateNaissance: string | null;
  adresse: string | null;
  trancheAge: string;
  efface: boolean;
  commune: string;
  quartierQpv: string | null;
  niveauFormation: string;
  eligibilites: Array<{ criteres: string[]; dateValidation: string; precision: string | null; validePar: string }>;
  placements: string[];
  revision: number;
}
interface PlacementDeListe {
  id: string;
  marcheId: string;
  entrepriseId: string;
  modalite: string;
  typeContrat: string;
  dateDebut: string;
  dateFin: string | null;
  enCours: boolean;
  heuresTotales: number;
}
interface Liste<T> {
  items: T[];
  total: number;
}
interface MarcheDetail {
  id: string;
  numero: string;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
  // `raisonSociale` is being added to the marché's answer; until then the name comes from the list.
  attributaires: Array<{ entrepriseId: string; role: string; raisonSociale?: string | null }>;
}

/** A person: identity, eligibilities and placements; validating an eligibility and starting a placement. */
export function FicheSalarie({ id }: { id: string }) {
  const { query } = useLocation();
  const salarie = useDonnees<Salarie>(`/salaries/${id}`, positionEcrite());
  const placements = useDonnees<Liste<PlacementDeListe>>(`/placements?salarieId=${id}&taillePage=500`, positionEcrite());
  const noms = useNoms();

  return (
    <Etat de={salarie}>
      {(s) => (
        <article aria-labelledby="titre-salarie">
          <p class="fil">
            <a href="/recherche">Rechercher</a> › {nomDe(s)}
          </p>
          <h1 id="titre-salarie">{nomDe(s)}</h1>
          {query.nouveau && (
            <p class="alerte alerte-succes" role="status">
              La personne est enregistrée. Validez son éligibilité, puis démarrez son placement.
            </p>
          )}
          {s.efface && (
            <p class="alerte alerte-info">
              L’identité de cette personne a été effacée : ses chiffres restent, mais plus rien ne peut être enregistré pour elle.
            </p>
          )}
          <section class="carte" aria-label="Identité">
            <dl class="fiche">
              <dt>Sexe</dt>
              <dd>{SEXES[s.sexe] ?? s.sexe}</dd>
              <dt>Date de naissance</dt>
              <dd>
                {s.dateNaissance ? jour(s.dateNaissance) : '—'} <span class="secondaire">({TRANCHES[s.trancheAge] ?? s.trancheAge} à l’inscription)</span>
              </dd>
              <dt>Adresse</dt>
              <dd>{s.adresse ?? '—'}</dd>
              <dt>Commune</dt>
              <dd>{s.commune}</dd>
              <dt>QPV</dt>
              <dd>{s.quartierQpv ?? 'Hors QPV'}</dd>
              <dt>Niveau de formation</dt>
              <dd>{NIVEAUX_FORMATION[s.niveauFormation] ?? s.niveauFormation}</dd>
            </dl>
          </section>

          <section aria-labelledby="titre-eligibilites">
            <h2 id="titre-eligibilites">Éligibilité</h2>
            {s.eligibilites.length === 0 ? (
              <p>Aucune éligibilité validée : elle est nécessaire avant tout placement.</p>
            ) : (
              <ul>
                {s.eligibilites.map((e, i) => (
                  <li key={i}>
                    Validée le {jour(e.dateValidation)} : {e.criteres.map((c) => CRITERES[c] ?? c).join(', ')}
                    {e.precision ? ` (${e.precision})` : ''}
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="titre-placements">
            <h2 id="titre-placements">Placements</h2>
            <Etat de={placements}>
              {(l) =>
                l.total === 0 ? (
                  <p>Aucun placement.</p>
                ) : (
                  <table class="tableau">
                    <caption class="visuellement-cache">Placements de la personne</caption>
                    <thead>
                      <tr>
                        <th scope="col">Placement</th>
                        <th scope="col">Marché</th>
                        <th scope="col">Employeur</th>
                        <th scope="col">Modalité et contrat</th>
                        <th scope="col" class="nombre">
                          Heures
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {l.items.map((p) => (
                        <tr key={p.id}>
                          <td>
                            <a href={`/placements/${p.id}`}>
                              {p.enCours ? `En cours depuis le ${jour(p.dateDebut)}` : `Du ${jour(p.dateDebut)} au ${jour(p.dateFin)}`}
                            </a>
                          </td>
                          <td>
                            <a href={`/marches/${p.marcheId}`}>{noms.numeroMarche(p.marcheId)}</a>
                          </td>
                          <td>{noms.entreprise(p.entrepriseId)}</td>
                          <td>
                            {MODALITES[p.modalite] ?? p.modalite}, {CONTRATS[p.typeContrat] ?? p.typeContrat}
                          </td>
                          <td class="nombre">{heures(p.heuresTotales)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )
              }
            </Etat>
          </section>

          {!s.efface && (
            <div class="formulaires">
              <FormulaireEligibilite s={s} recharger={salarie.recharger} />
              <FormulairePlacement
                s={s}
                marches={noms.marches.donnees?.items ?? []}
                nomEntreprise={noms.entreprise}
                demarre={() => {
                  salarie.recharger();
                  placements.recharger();
                }}
              />
            </div>
          )}
        </article>
      )}
    </Etat>
  );
}

function FormulaireEligibilite({ s, recharger }: { s: Salarie; recharger: () => void }) {
  const f = useFormulaire();
  const [criteres, setCriteres] = useState<string[]>([]);
  const [dateValidation, setDateValidation] = useState(aujourdhui());
  const [precision, setPrecision] = useState('');
  const erreurCriteres = f.erreur('criteres');

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const r = await f.envoyer(
      e.currentTarget as HTMLFormElement,
      () => appeler<Ecriture>(`/salaries/${s.id}/eligibilites`, { methode: 'POST', corps: { criteres, dateValidation, precision: precision.trim() ? precision : null } }),
      () => `Éligibilité validée le ${jour(dateValidation)}.`,
    );
    if (r) {
      setCriteres([]);
      setPrecision('');
      recharger();
    }
  };

  return (
    <form class="carte formulaire" onSubmit={envoyer} aria-labelledby="titre-form-eligibilite" noValidate>
      <h2 id="titre-form-eligibilite">Valider une éligibilité</h2>
      <Retour f={f} />
      <fieldset class="groupe" aria-describedby={erreurCriteres ? 'eligibilite-criteres-erreur' : undefined}>
        <legend>Critères (au moins un)</legend>
        {Object.entries(CRITERES).map(([valeur, libelle]) => (
          <label class="case" key={valeur}>
            <input
              type="checkbox"
              name="criteres"
              value={valeur}
              aria-invalid={erreurCriteres ? true : undefined}
              checked={criteres.includes(valeur)}
              onChange={(e) => setCriteres(e.currentTarget.checked ? [...criteres, valeur] : criteres.filter((c) => c !== valeur))}
            />{' '}
            {libelle}
          </label>
        ))}
        {erreurCriteres && (
          <p id="eligibilite-criteres-erreur" class="erreur-champ">
            {erreurCriteres}
          </p>
        )}
      </fieldset>
      <Champ id="eligibilite-date" libelle="Date de validation" erreur={f.erreur('dateValidation')}>
        {(a) => <input {...a} type="date" max={aujourdhui()} value={dateValidation} onInput={(e) => setDateValidation(e.currentTarget.value)} />}
      </Champ>
      <Champ id="eligibilite-precision" libelle="Précision" aide="Obligatoire avec le critère « Autre »." erreur={f.erreur('precision')}>
        {(a) => <input {...a} maxLength={500} autocomplete="off" value={precision} onInput={(e) => setPrecision(e.currentTarget.value)} />}
      </Champ>
      <button type="submit" disabled={f.envoi}>
        {f.envoi ? 'Enregistrement…' : 'Valider l’éligibilité'}
      </button>
    </form>
  );
}

interface MarcheDeListe {
  id: string;
  numero: string;
  objet: string;
  dateCloture: string | null;
}

const ROLES_ATTRIBUTAIRE: Record<string, string> = { titulaire: 'titulaire', cotraitant: 'cotraitant', soustraitant: 'sous-traitant' };

function FormulairePlacement({ s, marches, nomEntreprise, demarre }: { s: Salarie; marches: MarcheDeListe[]; nomEntreprise: (id: string) => string; demarre: () => void }) {
  const f = useFormulaire();
  const [marcheId, setMarcheId] = useState('');
  const [entrepriseId, setEntrepriseId] = useState('');
  const [utilisatriceId, setUtilisatriceId] = useState('');
  const [modalite, setModalite] = useState('embauche_directe');
  const [typeContrat, setTypeContrat] = useState('');
  const [dateDebut, setDateDebut] = useState('');
  const [cherche, setCherche] = useState('');
  const [trouvees, setTrouvees] = useState<EntrepriseResume[] | null>(null);
  const [erreurRecherche, setErreurRecherche] = useState<string | null>(null);
  // The chosen marché's period and attributaires (the employer is usually one of them).
  const marche = useDonnees<MarcheDetail>(marcheId ? `/marches/${marcheId}` : null);
  const m = marche.donnees?.id === marcheId ? marche.donnees : null;
  const attributaires = m?.attributaires ?? [];

  const chercher = async () => {
    setErreurRecherche(null);
    try {
      const r = await appeler<Liste<EntrepriseResume>>(`/entreprises?q=${encodeURIComponent(cherche.trim())}&taillePage=50`);
      setTrouvees(r.items);
      if (r.items.length > 0 && !attributaires.some((a) => a.entrepriseId === entrepriseId)) setEntrepriseId(r.items[0].id);
    } catch (e) {
      setErreurRecherche(e instanceof ErreurApi ? e.message : String(e));
    }
  };

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const corps = {
      salarieId: s.id,
      marcheId,
      entrepriseId,
      entrepriseUtilisatriceId: modalite === 'mise_a_disposition' ? utilisatriceId || null : null,
      modalite,
      typeContrat,
      dateDebut,
    };
    const r = await f.envoyer(
      e.currentTarget as HTMLFormElement,
      () => appeler<Ecriture>('/placements', { methode: 'POST', corps }),
      (r) => (
        <>
          Placement démarré le {jour(dateDebut)}. <a href={`/placements/${r.id}`}>Voir le placement</a>
        </>
      ),
    );
    if (r) demarre();
  };

  const autres = (trouvees ?? []).filter((t) => !attributaires.some((a) => a.entrepriseId === t.id));

  return (
    <form class="carte formulaire" onSubmit={envoyer} aria-labelledby="titre-form-placement" noValidate>
      <h2 id="titre-form-placement">Démarrer un placement</h2>
      <Retour f={f} />
      <Champ id="placement-marche" libelle="Marché" erreur={f.erreur('marcheId')}>
        {(a) => (
          <select {...a} value={marcheId} onChange={(e) => setMarcheId(e.currentTarget.value)}>
            <option value="">— Choisir un marché —</option>
            {marches.map((x) => (
              <option key={x.id} value={x.id} disabled={x.dateCloture !== null}>
                {x.numero} — {x.objet}
                {x.dateCloture ? ' (clôturé)' : ''}
              </option>
            ))}
          </select>
        )}
      </Champ>
      {m && (
        <p class="aide">
          Période d’exécution du {jour(m.dateDebut)} au {jour(m.dateFin)}.
        </p>
      )}
      <Champ id="placement-modalite" libelle="Modalité" aide={AIDE_MODALITE[modalite]} erreur={f.erreur('modalite')}>
        {(a) => (
          <select {...a} value={modalite} onChange={(e) => setModalite(e.currentTarget.value)}>
            {Object.entries(MODALITES).map(([valeur, libelle]) => (
              <option key={valeur} value={valeur}>
                {libelle}
              </option>
            ))}
          </select>
        )}
      </Champ>
      <div class="champ">
        <label for="placement-recherche">Chercher l’employeur (raison sociale ou SIRET)</label>
        <div class="en-ligne">
          <input
            id="placement-recherche"
            type="search"
            autocomplete="off"
            maxLength={200}
            value={cherche}
            onInput={(e) => setCherche(e.currentTarget.value)}
            // Enter searches here: it must not send the placement.
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void chercher();
              }
            }}
          />
          <button type="button" class="secondaire" onClick={() => void chercher()}>
            Chercher
          </button>
        </div>
        {erreurRecherche && (
          <p class="erreur-champ" role="alert">
            {erreurRecherche}
          </p>
        )}
        <p class="aide" aria-live="polite">
          {trouvees === null ? 'Les attributaires du marché sont proposés ; cherchez une autre structure (une ETTI, par exemple) au besoin.' : `${trouvees.length} entreprise(s) trouvée(s).`}
        </p>
      </div>
      <Champ id="placement-employeur" libelle="Employeur" erreur={f.erreur('entrepriseId')}>
        {(a) => (
          <select {...a} value={entrepriseId} onChange={(e) => setEntrepriseId(e.currentTarget.value)}>
            <option value="">— Choisir l’employeur —</option>
            {attributaires.length > 0 && (
              <optgroup label="Attributaires du marché">
                {attributaires.map((x) => (
                  <option key={x.entrepriseId} value={x.entrepriseId}>
                    {x.raisonSociale ?? nomEntreprise(x.entrepriseId)} ({ROLES_ATTRIBUTAIRE[x.role] ?? x.role})
                  </option>
                ))}
              </optgroup>
            )}
            {autres.length > 0 && (
              <optgroup label="Résultats de la recherche">
                {autres.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.raisonSociale} — {TYPES_ENTREPRISE[x.type] ?? x.type}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        )}
      </Champ>
      {modalite === 'mise_a_disposition' && (
        <Champ id="placement-utilisatrice" libelle="Entreprise utilisatrice (l’attributaire qui accueille la personne)" erreur={f.erreur('entrepriseUtilisatriceId')}>
          {(a) => (
            <select {...a} value={utilisatriceId} onChange={(e) => setUtilisatriceId(e.currentTarget.value)}>
              <option value="">— Choisir l’attributaire —</option>
              {attributaires.map((x) => (
                <option key={x.entrepriseId} value={x.entrepriseId}>
                  {x.raisonSociale ?? nomEntreprise(x.entrepriseId)} ({ROLES_ATTRIBUTAIRE[x.role] ?? x.role})
                </option>
              ))}
            </select>
          )}
        </Champ>
      )}
      <Champ id="placement-contrat" libelle="Type de contrat" erreur={f.erreur('typeContrat')}>
        {(a) => (
          <select {...a} value={typeContrat} onChange={(e) => setTypeContrat(e.currentTarget.value)}>
            <option value="">— Choisir —</option>
            {Object.entries(CONTRATS).map(([valeur, libelle]) => (
              <option key={valeur} value={valeur}>
                {libelle}
              </option>
            ))}
          </select>
        )}
      </Champ>
      <Champ id="placement-debut" libelle="Date de début" aide="Dans la période du marché, et après la validation de l’éligibilité." erreur={f.erreur('dateDebut')}>
        {(a) => <input {...a} type="date" min={m?.dateDebut} max={m?.dateFin} value={dateDebut} onInput={(e) => setDateDebut(e.currentTarget.value)} />}
      </Champ>
      <button type="submit" disabled={f.envoi}>
        {f.envoi ? 'Enregistrement…' : 'Démarrer le placement'}
      </button>
    </form>
  );
}
