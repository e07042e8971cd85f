import { useState } from 'preact/hooks';
import { appeler } from '../commun/api';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { heures, jour, moisEnClair } from '../commun/formats';
import { moisEntre } from '../marches/prorata';
import '../facilitatrice.css';
import { CATEGORIES_SORTIE, CONTRATS, GROUPES_SORTIES, MODALITES, SORTIES } from '../commun/libelles';
import { aujourdhui, moisCourant } from '../commun/dates';
import { Champ, type Ecriture, HEURES_ILLISIBLES, lireHeures, Retour, useFormulaire } from '../commun/formulaire';
import { nomDe, useNoms, type MarcheResume } from '../commun/noms';
import { declarerHeures } from './declarer-heures';

// ---------------------------------------------------------------------------------------------
// The placement's page.

interface Correction {
  id: string;
  heures: number;
  heuresPrecedentes: number;
  motif: string;
}
interface Declaration {
  id: string;
  mois: string;
  heures: number;
  heuresDeclarees: number;
  corrections: Correction[];
}
export interface Placement {
  id: string;
  salarieId: string;
  marcheId: string;
  entrepriseId: string;
  entrepriseUtilisatriceId: string | null;
  modalite: string;
  typeContrat: string;
  dateDebut: string;
  statut: 'en_cours' | 'termine';
  dateFin: string | null;
  sortie: string | null;
  sortiePositive: boolean | null;
  categorieSortie: string | null;
  declarations: Declaration[];
  heuresTotales: number;
  revision: number;
}
interface Personne {
  id: string;
  nom: string | null;
  prenom: string | null;
  efface: boolean;
  identiteVisible: boolean;
}

/** A placement: its terms, its declarations with their corrections, and the forms that follow it month by month until its exit. */
export function FichePlacement({ id }: { id: string }) {
  const placement = useDonnees<Placement>(`/placements/${id}`, positionEcrite());
  const salarieId = placement.donnees?.salarieId;
  const marcheId = placement.donnees?.marcheId;
  const personne = useDonnees<Personne>(salarieId ? `/salaries/${salarieId}` : null);
  const marche = useDonnees<MarcheResume>(marcheId ? `/marches/${marcheId}` : null);
  const noms = useNoms();
  const [aCorriger, setACorriger] = useState<string>('');

  return (
    <Etat de={placement}>
      {(p) => {
        const qui = personne.donnees ? nomDe(personne.donnees) : '…';
        const m = marche.donnees;
        return (
          <article aria-labelledby="titre-placement">
            <p class="fil">
              <a href="/recherche">Rechercher</a> › <a href={`/salaries/${p.salarieId}`}>{qui}</a> › Placement
            </p>
            <h1 id="titre-placement">
              Placement de {qui} <span class="secondaire">{m ? `sur le marché ${m.numero}` : ''}</span>
            </h1>
            <section class="carte" aria-label="Le placement">
              <dl class="fiche">
                <dt>Marché</dt>
                <dd>
                  <a href={`/marches/${p.marcheId}`}>{m?.numero ?? noms.numeroMarche(p.marcheId)}</a>
                  {m && <span class="secondaire"> — {m.objet}</span>}
                </dd>
                <dt>Employeur</dt>
                <dd>{noms.entreprise(p.entrepriseId)}</dd>
                {p.entrepriseUtilisatriceId && (
                  <>
                    <dt>Entreprise utilisatrice</dt>
                    <dd>{noms.entreprise(p.entrepriseUtilisatriceId)}</dd>
                  </>
                )}
                <dt>Modalité</dt>
                <dd>{MODALITES[p.modalite] ?? p.modalite}</dd>
                <dt>Contrat</dt>
                <dd>{CONTRATS[p.typeContrat] ?? p.typeContrat}</dd>
                <dt>Début</dt>
                <dd>{jour(p.dateDebut)}</dd>
                <dt>Statut</dt>
                <dd>
                  {p.statut === 'en_cours' ? (
                    'En cours'
                  ) : (
                    <>
                      Terminé le {jour(p.dateFin)} : {SORTIES[p.sortie ?? ''] ?? p.sortie} ({CATEGORIES_SORTIE[p.categorieSortie ?? ''] ?? p.categorieSortie}
                      {p.sortiePositive ? ', sortie positive' : ''})
                    </>
                  )}
                </dd>
                <dt>Heures déclarées</dt>
                <dd>{heures(p.heuresTotales)}</dd>
              </dl>
            </section>

            <section aria-labelledby="titre-declarations">
              <h2 id="titre-declarations">Heures déclarées</h2>
              {p.declarations.length === 0 ? (
                <p>Aucune heure déclarée pour l’instant.</p>
              ) : (
                <table class="tableau">
                  <caption class="visuellement-cache">Heures déclarées par mois, avec leurs corrections</caption>
                  <thead>
                    <tr>
                      <th scope="col">Mois</th>
                      <th scope="col" class="nombre">
                        Heures
                      </th>
                      <th scope="col">Corrections</th>
                      <th scope="col">
                        <span class="visuellement-cache">Action</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...p.declarations]
                      .sort((a, b) => a.mois.localeCompare(b.mois))
                      .map((d) => (
                        <tr key={d.id}>
                          <th scope="row">{moisEnClair(d.mois)}</th>
                          <td class="nombre">{heures(d.heures)}</td>
                          <td>
                            {d.corrections.length === 0 ? (
                              <span class="secondaire">—</span>
                            ) : (
                              <ul class="sans-puces">
                                <li class="secondaire">Déclarées : {heures(d.heuresDeclarees)}</li>
                                {d.corrections.map((c) => (
                                  <li key={c.id}>
                                    {heures(c.heuresPrecedentes)} → {heures(c.heures)} : {c.motif}
                                  </li>
                                ))}
                              </ul>
                            )}
                          </td>
                          <td>
                            <button
                              type="button"
                              class="secondaire"
                              onClick={() => {
                                setACorriger(d.id);
                                setTimeout(() => document.getElementById('correction-heures')?.focus());
                              }}
                            >
                              Corriger <span class="visuellement-cache">{moisEnClair(d.mois)}</span>
                            </button>
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              )}
            </section>

            <div class="formulaires">
              {p.statut === 'en_cours' && <FormulaireHeures p={p} marche={m} recharger={placement.recharger} />}
              {p.declarations.length > 0 && <FormulaireCorrection p={p} declarationId={aCorriger} choisir={setACorriger} recharger={placement.recharger} />}
              <FormulaireFin p={p} recharger={placement.recharger} />
            </div>
          </article>
        );
      }}
    </Etat>
  );
}

/** The months one may still declare: from the placement's start to this month, within the marché, not yet declared. */
function moisADeclarer(p: Placement, m: MarcheResume | null): string[] {
  const debut = [p.dateDebut, m?.dateDebut ?? p.dateDebut].sort()[1];
  const fin = [aujourdhui(), p.dateFin ?? aujourdhui(), m?.dateCloture ?? aujourdhui(), m?.dateFin ?? aujourdhui()].sort()[0];
  if (fin < debut) return [];
  const declares = new Set(p.declarations.map((d) => d.mois));
  return moisEntre(debut, fin).filter((x) => !declares.has(x));
}

function FormulaireHeures({ p, marche, recharger }: { p: Placement; marche: MarcheResume | null; recharger: () => void }) {
  const f = useFormulaire();
  const possibles = moisADeclarer(p, marche);
  const [mois, setMois] = useState('');
  const [saisie, setSaisie] = useState('');
  // By default the last month gone by (hours come after the month), else the latest one.
  const passes = possibles.filter((x) => x < moisCourant());
  const choisi = possibles.includes(mois) ? mois : (passes[passes.length - 1] ?? possibles[possibles.length - 1] ?? '');

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const h = await declarerHeures(f, e.currentTarget as HTMLFormElement, p.id, choisi, saisie, (x) => `${heures(x)} déclarées pour ${moisEnClair(choisi)}.`);
    if (h !== null) {
      setSaisie('');
      setMois('');
      recharger();
    }
  };

  return (
    <form class="carte formulaire" onSubmit={envoyer} aria-labelledby="titre-form-heures" noValidate>
      <h2 id="titre-form-heures">Déclarer les heures d’un mois</h2>
      <Retour f={f} />
      {possibles.length === 0 ? (
        <p>Aucun mois à déclarer : chaque mois écoulé du placement l’est déjà. Pour changer des heures, corrigez la déclaration.</p>
      ) : (
        <>
          <Champ id="heures-mois" libelle="Mois" erreur={f.erreur('mois')}>
            {(a) => (
              <select {...a} value={choisi} onChange={(e) => setMois(e.currentTarget.value)}>
                {possibles.map((x) => (
                  <option key={x} value={x}>
                    {moisEnClair(x)}
                  </option>
                ))}
              </select>
            )}
          </Champ>
          <Champ id="heures-heures" libelle="Heures travaillées" aide="Par exemple 151,67 (au plus 2 décimales)." erreur={f.erreur('heures')}>
            {(a) => <input {...a} inputMode="decimal" autocomplete="off" required value={saisie} onInput={(e) => setSaisie(e.currentTarget.value)} />}
          </Champ>
          <button type="submit" disabled={f.envoi}>
            {f.envoi ? 'Enregistrement…' : 'Déclarer'}
          </button>
        </>
      )}
    </form>
  );
}

function FormulaireCorrection({ p, declarationId, choisir, recharger }: { p: Placement; declarationId: string; choisir: (id: string) => void; recharger: () => void }) {
  const f = useFormulaire();
  const declarations = [...p.declarations].sort((a, b) => b.mois.localeCompare(a.mois));
  const choisie = declarations.find((d) => d.id === declarationId) ?? declarations[0];
  const [saisie, setSaisie] = useState('');
  const [motif, setMotif] = useState('');

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const formulaire = e.currentTarget as HTMLFormElement;
    const h = lireHeures(saisie);
    if (h === null) return f.signaler(formulaire, { heures: HEURES_ILLISIBLES });
    const r = await f.envoyer(
      formulaire,
      () => appeler<Ecriture>(`/declarations/${choisie.id}/corrections`, { methode: 'POST', corps: { heures: h, motif } }),
      () => `Heures de ${moisEnClair(choisie.mois)} corrigées : ${heures(choisie.heures)} → ${heures(h)}.`,
    );
    if (r) {
      setSaisie('');
      setMotif('');
      recharger();
    }
  };

  return (
    <form class="carte formulaire" onSubmit={envoyer} aria-labelledby="titre-form-correction" noValidate>
      <h2 id="titre-form-correction">Corriger une déclaration</h2>
      <Retour f={f} />
      <Champ id="correction-declaration" libelle="Mois déclaré">
        {(a) => (
          <select {...a} value={choisie.id} onChange={(e) => choisir(e.currentTarget.value)}>
            {declarations.map((d) => (
              <option key={d.id} value={d.id}>
                {moisEnClair(d.mois)} ({heures(d.heures)})
              </option>
            ))}
          </select>
        )}
      </Champ>
      <Champ
        id="correction-heures"
        libelle="Heures corrigées"
        aide={`Elles remplacent les ${heures(choisie.heures)} actuelles ; 0 annule le mois.`}
        erreur={f.erreur('heures')}
      >
        {(a) => <input {...a} inputMode="decimal" autocomplete="off" required value={saisie} onInput={(e) => setSaisie(e.currentTarget.value)} />}
      </Champ>
      <Champ id="correction-motif" libelle="Motif" aide="Par exemple : relevé d’heures rectifié par l’employeur." erreur={f.erreur('motif')}>
        {(a) => <input {...a} maxLength={500} required value={motif} onInput={(e) => setMotif(e.currentTarget.value)} />}
      </Champ>
      <button type="submit" disabled={f.envoi}>
        {f.envoi ? 'Enregistrement…' : 'Corriger'}
      </button>
    </form>
  );
}

function FormulaireFin({ p, recharger }: { p: Placement; recharger: () => void }) {
  const f = useFormulaire();
  const [dateFin, setDateFin] = useState('');
  const [sortie, setSortie] = useState('');

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const r = await f.envoyer(
      e.currentTarget as HTMLFormElement,
      () => appeler<Ecriture>(`/placements/${p.id}/fin`, { methode: 'POST', corps: { dateFin, sortie } }),
      () => `Placement terminé le ${jour(dateFin)} : ${SORTIES[sortie] ?? sortie}.`,
    );
    if (r) {
      recharger();
      // The form goes with the running placement: its message stays, and takes the focus.
      setTimeout(() => document.getElementById('fin-statut')?.focus());
    }
  };

  // Once ended, the form keeps only its message (which has the focus).
  if (p.statut === 'termine' && !f.succes) return null;
  return (
    <form class="carte formulaire" onSubmit={envoyer} aria-labelledby="titre-form-fin" noValidate>
      <h2 id="titre-form-fin">Terminer le placement</h2>
      <Retour f={f} id="fin-statut" />
      {p.statut === 'en_cours' && (
        <>
          <Champ id="fin-date" libelle="Date de fin" aide={`Du ${jour(p.dateDebut)} à aujourd’hui ; aucune heure ne doit être déclarée après.`} erreur={f.erreur('dateFin')}>
            {(a) => <input {...a} type="date" required min={p.dateDebut} max={aujourdhui()} value={dateFin} onInput={(e) => setDateFin(e.currentTarget.value)} />}
          </Champ>
          <Champ id="fin-sortie" libelle="Situation à la sortie" erreur={f.erreur('sortie')}>
            {(a) => (
              <select {...a} required value={sortie} onChange={(e) => setSortie(e.currentTarget.value)}>
                <option value="">— Choisir —</option>
                {GROUPES_SORTIES.map(([groupe, sorties]) => (
                  <optgroup key={groupe} label={groupe}>
                    {sorties.map(([valeur, libelle]) => (
                      <option key={valeur} value={valeur}>
                        {libelle}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            )}
          </Champ>
          <button type="submit" disabled={f.envoi}>
            {f.envoi ? 'Enregistrement…' : 'Terminer le placement'}
          </button>
        </>
      )}
    </form>
  );
}
