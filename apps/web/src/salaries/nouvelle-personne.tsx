import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { appeler } from '../commun/api';
import '../facilitatrice.css';
import { aujourdhui } from '../commun/dates';
import { Champ, type Ecriture, Retour, useFormulaire } from '../commun/formulaire';

export const SEXES: Record<string, string> = { F: 'Femme', M: 'Homme' };

export const NIVEAUX_FORMATION: Record<string, string> = {
  infra_3: 'Infra 3 : sans diplôme',
  '3': 'Niveau 3 : CAP, BEP',
  '4': 'Niveau 4 : baccalauréat',
  '5': 'Niveau 5 : bac + 2 (BTS, DUT)',
  '6': 'Niveau 6 : bac + 3 (licence, BUT)',
  '7': 'Niveau 7 : bac + 5 (master)',
  '8': 'Niveau 8 : doctorat',
};

/** A person's registration (`POST /salaries`), then their page, where eligibility and placements follow. */
export function NouvellePersonne() {
  const { route } = useLocation();
  const f = useFormulaire();
  const [v, setV] = useState({ nom: '', prenom: '', sexe: '', dateNaissance: '', adresse: '', commune: '', niveauFormation: '' });
  const [enQpv, setEnQpv] = useState(false);
  const [quartier, setQuartier] = useState('');
  const changer = (champ: keyof typeof v) => (e: Event) => setV({ ...v, [champ]: (e.currentTarget as HTMLInputElement).value });

  const envoyer = async (e: Event) => {
    e.preventDefault();
    const corps = { ...v, adresse: v.adresse.trim() ? v.adresse : null, quartierQpv: enQpv ? quartier : null };
    const r = await f.envoyer(
      e.currentTarget as HTMLFormElement,
      () => appeler<Ecriture>('/salaries', { methode: 'POST', corps }),
      () => `${v.prenom} ${v.nom} est enregistré(e).`,
    );
    if (r) route(`/salaries/${r.id}?nouveau=1`);
  };

  return (
    <section aria-labelledby="titre-nouvelle">
      <h1 id="titre-nouvelle">Nouvelle personne</h1>
      <form class="carte formulaire" onSubmit={envoyer} noValidate>
        <Retour f={f} />
        <p class="aide">Tous les champs sont obligatoires, sauf l’adresse.</p>
        <Champ id="personne-nom" libelle="Nom" erreur={f.erreur('nom')}>
          {(a) => <input {...a} maxLength={200} autocomplete="off" value={v.nom} onInput={changer('nom')} />}
        </Champ>
        <Champ id="personne-prenom" libelle="Prénom" erreur={f.erreur('prenom')}>
          {(a) => <input {...a} maxLength={200} autocomplete="off" value={v.prenom} onInput={changer('prenom')} />}
        </Champ>
        <Champ id="personne-sexe" libelle="Sexe" erreur={f.erreur('sexe')}>
          {(a) => (
            <select {...a} value={v.sexe} onChange={changer('sexe')}>
              <option value="">— Choisir —</option>
              {Object.entries(SEXES).map(([valeur, libelle]) => (
                <option key={valeur} value={valeur}>
                  {libelle}
                </option>
              ))}
            </select>
          )}
        </Champ>
        <Champ id="personne-naissance" libelle="Date de naissance" aide="La personne doit avoir de 14 à 100 ans." erreur={f.erreur('dateNaissance')}>
          {(a) => <input {...a} type="date" max={aujourdhui()} value={v.dateNaissance} onInput={changer('dateNaissance')} />}
        </Champ>
        <Champ id="personne-adresse" libelle="Adresse (facultative)" erreur={f.erreur('adresse')}>
          {(a) => <input {...a} maxLength={500} autocomplete="off" value={v.adresse} onInput={changer('adresse')} />}
        </Champ>
        <Champ id="personne-commune" libelle="Commune de résidence" erreur={f.erreur('commune')}>
          {(a) => <input {...a} maxLength={200} autocomplete="off" value={v.commune} onInput={changer('commune')} />}
        </Champ>
        <fieldset class="groupe" aria-describedby={f.erreur('quartierQpv') ? 'personne-qpv-erreur' : undefined}>
          <legend>Quartier prioritaire de la politique de la ville (QPV)</legend>
          <label class="case">
            <input type="radio" name="qpv" checked={!enQpv} onChange={() => setEnQpv(false)} /> Hors QPV
          </label>
          <label class="case">
            <input type="radio" name="qpv" checked={enQpv} onChange={() => setEnQpv(true)} /> Réside dans un QPV
          </label>
          {enQpv && (
            <Champ id="personne-qpv" libelle="Nom du quartier" erreur={f.erreur('quartierQpv')}>
              {(a) => <input {...a} maxLength={500} autocomplete="off" value={quartier} onInput={(e) => setQuartier(e.currentTarget.value)} />}
            </Champ>
          )}
          {!enQpv && f.erreur('quartierQpv') && (
            <p id="personne-qpv-erreur" class="erreur-champ">
              {f.erreur('quartierQpv')}
            </p>
          )}
        </fieldset>
        <Champ id="personne-niveau" libelle="Niveau de formation" erreur={f.erreur('niveauFormation')}>
          {(a) => (
            <select {...a} value={v.niveauFormation} onChange={changer('niveauFormation')}>
              <option value="">— Choisir —</option>
              {Object.entries(NIVEAUX_FORMATION).map(([valeur, libelle]) => (
                <option key={valeur} value={valeur}>
                  {libelle}
                </option>
              ))}
            </select>
          )}
        </Champ>
        <button type="submit" disabled={f.envoi}>
          {f.envoi ? 'Enregistrement…' : 'Enregistrer la personne'}
        </button>
      </form>
    </section>
  );
}
