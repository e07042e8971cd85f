import { useEffect, useRef, useState } from 'preact/hooks';
import { appeler, ErreurApi, telecharger } from '../commun/api';
import { ecrit } from '../commun/donnees';
import { compte } from '../commun/formats';
import '../facilitatrice.css';

interface ErreurDeLigne {
  ligne: number;
  colonne: string | null;
  code: string;
  message: string;
}
interface ImportVue {
  id: string;
  etat: string;
  simulation: boolean;
  fichier: string;
  format: string | null;
  encodage: string | null;
  colonnesIgnorees: string[];
  lignes: number;
  declarations: number;
  corrections: number;
  inchangees: number;
  erreurs: ErreurDeLigne[];
  erreursTotal: number;
  probleme: { code: string; message: string; details: unknown } | null;
  progression: { etape: string; lignesTraitees: number; lignesTotal: number | null } | null;
  position: number | null;
  termineLe: string | null;
}

const ETAPES: Record<string, string> = { lecture: 'Lecture du fichier', verification: 'Vérification des lignes', enregistrement: 'Enregistrement' };
const attendre = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The columns a whole-file refusal says are missing (`details.probleme.details.manquantes`). */
function manquantes(details: unknown): string[] {
  const m = (details as { probleme?: { details?: { manquantes?: unknown } } } | null)?.probleme?.details?.manquantes;
  return Array.isArray(m) ? m.map(String) : [];
}

/**
 * A month's timesheet from a spreadsheet: checked first (dry run, nothing recorded), then recorded
 * as a whole only when the check found no error. A long file answers 202: it is followed every second.
 */
export function ImportHeures() {
  const [fichier, setFichier] = useState<File | null>(null);
  const [enCours, setEnCours] = useState<'verification' | 'enregistrement' | null>(null);
  const [rapport, setRapport] = useState<ImportVue | null>(null);
  const [verifie, setVerifie] = useState(false);
  const [alerte, setAlerte] = useState<{ message: string; colonnes: string[] } | null>(null);
  const [succes, setSucces] = useState<string | null>(null);
  const [erreurModele, setErreurModele] = useState<string | null>(null);
  const actif = useRef(true);
  useEffect(
    () => () => {
      actif.current = false;
    },
    [],
  );

  const choisir = (f: File | null) => {
    // Another file: its own check is needed before recording.
    setFichier(f);
    setRapport(null);
    setVerifie(false);
    setAlerte(null);
    setSucces(null);
  };

  const lancer = async (simulation: boolean) => {
    if (!fichier) {
      setAlerte({ message: 'Choisissez d’abord un fichier CSV ou XLSX.', colonnes: [] });
      document.getElementById('import-fichier')?.focus();
      return;
    }
    setEnCours(simulation ? 'verification' : 'enregistrement');
    setAlerte(null);
    setSucces(null);
    if (!simulation) setVerifie(false);
    const formulaire = new FormData();
    formulaire.append('fichier', fichier);
    try {
      let vue = await appeler<ImportVue>(`/imports/heures${simulation ? '?simulation=true' : ''}`, { methode: 'POST', formulaire });
      // 202: the file takes longer; follow it until it is done.
      while (vue.termineLe === null && actif.current) {
        setRapport(vue);
        await attendre(1000);
        vue = await appeler<ImportVue>(`/imports/${vue.id}`);
      }
      terminer(vue);
    } catch (e) {
      const erreur = e instanceof ErreurApi ? e : new ErreurApi(0, 'INCONNUE', String(e), null);
      if (erreur.code === 'IMPORT_REFUSE' && erreur.details) {
        terminer(erreur.details as ImportVue, erreur.message);
      } else {
        // A whole-file problem (FICHIER_*, 413), or the service (503): no report of rows.
        setRapport(null);
        setAlerte({ message: erreur.message, colonnes: erreur.code === 'FICHIER_COLONNES_MANQUANTES' ? manquantes(erreur.details) : [] });
      }
    } finally {
      setEnCours(null);
    }
  };

  const terminer = (vue: ImportVue, message?: string) => {
    setRapport(vue);
    if (vue.position) ecrit(vue.position);
    if (vue.probleme) return setAlerte({ message: vue.probleme.message, colonnes: vue.probleme.code === 'FICHIER_COLONNES_MANQUANTES' ? manquantes({ probleme: vue.probleme }) : [] });
    switch (vue.etat) {
      case 'simule':
        setVerifie(vue.erreursTotal === 0);
        if (vue.erreursTotal > 0) setAlerte({ message: `Le fichier contient ${vue.erreursTotal} erreur(s) : corrigez les lignes indiquées ci-dessous, puis vérifiez-le à nouveau.`, colonnes: [] });
        else setSucces(`Le fichier est correct : ${compte(vue.declarations)} déclaration(s) et ${compte(vue.corrections)} correction(s) seront enregistrées. Rien n’est encore enregistré.`);
        return;
      case 'enregistre':
        setSucces(`Import enregistré : ${compte(vue.declarations)} déclaration(s), ${compte(vue.corrections)} correction(s), ${compte(vue.inchangees)} ligne(s) déjà à jour.`);
        return;
      case 'enregistre_partiellement':
        setAlerte({
          message: `Import enregistré en partie : ${vue.erreursTotal} ligne(s) refusée(s) parce que les mêmes mois ont changé entre-temps. Corrigez-les puis importez le fichier à nouveau : rien ne sera enregistré deux fois.`,
          colonnes: [],
        });
        return;
      case 'interrompu':
        setAlerte({ message: 'Le service s’est arrêté pendant la vérification : rien n’a été enregistré. Importez le fichier à nouveau.', colonnes: [] });
        return;
      default:
        setAlerte({ message: message ?? `Le fichier contient ${vue.erreursTotal} erreur(s) : rien n’a été enregistré.`, colonnes: [] });
    }
  };

  const modele = (format: 'xlsx' | 'csv') =>
    telecharger(`/imports/heures/modele.${format}`, `modele-heures.${format}`).then(
      () => setErreurModele(null),
      (e: Error) => setErreurModele(e.message),
    );

  const progression = enCours && rapport?.progression;

  return (
    <section aria-labelledby="titre-import">
      <h1 id="titre-import">Importer des heures</h1>
      <p>
        Les employeurs envoient leurs relevés d’heures du mois dans un tableur. Chaque ligne nomme un placement (son identifiant, ou le SIRET de l’employeur, la
        personne et le numéro du marché), le mois et les heures. Tout le fichier est vérifié avant d’enregistrer : une seule erreur, et rien n’est enregistré.
      </p>
      <div class="actions">
        <button type="button" class="secondaire" onClick={() => modele('xlsx')}>
          Télécharger le modèle (XLSX)
        </button>
        <button type="button" class="secondaire" onClick={() => modele('csv')}>
          Télécharger le modèle (CSV)
        </button>
      </div>
      {erreurModele && (
        <p class="alerte alerte-erreur" role="alert">
          {erreurModele}
        </p>
      )}

      <form
        class="carte formulaire"
        aria-labelledby="titre-form-import"
        onSubmit={(e) => {
          e.preventDefault();
          void lancer(true);
        }}
      >
        <h2 id="titre-form-import">Le fichier</h2>
        {alerte && (
          <div id="import-alerte" class="alerte alerte-erreur" role="alert">
            <p class="sans-marge">{alerte.message}</p>
            {alerte.colonnes.some((c) => !alerte.message.includes(c)) && <p class="sans-marge">Colonnes manquantes : {alerte.colonnes.join(', ')}.</p>}
          </div>
        )}
        <div role="status" class={succes ? 'alerte alerte-succes' : 'statut-vide'}>
          {succes}
        </div>
        <div class="champ">
          <label for="import-fichier">Fichier d’heures (CSV ou XLSX, 20 Mo au plus)</label>
          <input
            id="import-fichier"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-invalid={alerte && !rapport ? true : undefined}
            aria-describedby={alerte && !rapport ? 'import-alerte' : undefined}
            onChange={(e) => choisir(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <div class="actions">
          <button type="submit" disabled={enCours !== null}>
            {enCours === 'verification' ? 'Vérification…' : 'Vérifier'}
          </button>
          <button type="button" disabled={!verifie || enCours !== null} aria-describedby="import-aide-enregistrer" onClick={() => void lancer(false)}>
            {enCours === 'enregistrement' ? 'Enregistrement…' : 'Enregistrer'}
          </button>
        </div>
        <p id="import-aide-enregistrer" class="aide">
          « Enregistrer » s’active quand la vérification n’a trouvé aucune erreur.
        </p>
        {progression && (
          <div class="champ">
            <label for="import-progression">
              {ETAPES[progression.etape] ?? progression.etape} : {compte(progression.lignesTraitees)} ligne(s)
              {progression.lignesTotal ? ` sur ${compte(progression.lignesTotal)}` : ''}
            </label>
            <progress id="import-progression" max={progression.lignesTotal ?? undefined} value={progression.lignesTotal ? progression.lignesTraitees : undefined} />
          </div>
        )}
      </form>

      {rapport && !progression && <Rapport vue={rapport} />}
    </section>
  );
}

function Rapport({ vue }: { vue: ImportVue }) {
  return (
    <section aria-labelledby="titre-rapport">
      <h2 id="titre-rapport">{vue.simulation ? 'Vérification' : 'Import'} de « {vue.fichier} »</h2>
      <dl class="compteurs">
        <div>
          <dt>Lignes lues</dt>
          <dd>{compte(vue.lignes)}</dd>
        </div>
        <div>
          <dt>Nouvelles déclarations</dt>
          <dd>{compte(vue.declarations)}</dd>
        </div>
        <div>
          <dt>Corrections</dt>
          <dd>{compte(vue.corrections)}</dd>
        </div>
        <div>
          <dt>Déjà à jour</dt>
          <dd>{compte(vue.inchangees)}</dd>
        </div>
        <div>
          <dt>Erreurs</dt>
          <dd>{compte(vue.erreursTotal)}</dd>
        </div>
      </dl>
      {vue.colonnesIgnorees.length > 0 && <p class="aide">Colonnes ignorées : {vue.colonnesIgnorees.join(', ')}.</p>}
      {vue.erreurs.length > 0 && (
        <>
          <h3>Erreurs par ligne</h3>
          {vue.erreursTotal > vue.erreurs.length && (
            <p class="aide">
              Les {compte(vue.erreurs.length)} premières erreurs sur {compte(vue.erreursTotal)}.
            </p>
          )}
          <table class="tableau">
            <caption class="visuellement-cache">Erreurs du fichier, par ligne et par colonne (la ligne d’en-tête est la 1)</caption>
            <thead>
              <tr>
                <th scope="col" class="nombre">
                  Ligne
                </th>
                <th scope="col">Colonne</th>
                <th scope="col">Erreur</th>
              </tr>
            </thead>
            <tbody>
              {vue.erreurs.map((e, i) => (
                <tr key={i}>
                  <td class="nombre">{e.ligne}</td>
                  <td>{e.colonne ?? 'toute la ligne'}</td>
                  <td>
                    {e.message} <span class="secondaire">({e.code})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
