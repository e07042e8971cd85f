import { useEffect, useState } from 'preact/hooks';
import { appeler, ErreurApi } from '../commun/api';
import { useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { compte } from '../commun/formats';
import '../tableaux-de-bord.css';
import { Pagination } from '../commun/pagination';

interface Evenement {
  position: number;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  data: unknown;
  metadata: { schemaVersion: number; occurredAt: string; recordedAt: string; userId: string; correlationId: string; causationId: string | null };
}

interface Flux {
  streamId: string;
  items: Evenement[];
  total: number;
  page: number;
  taillePage: number;
}

interface EtatAgregat {
  type: string;
  id: string;
  connuLe: string;
  revision: number | null;
  evenements: number;
  position: number | null;
  etat: Record<string, unknown>;
}

interface Difference {
  projection: string;
  table: string;
  colonnesCle: string[];
  lignesEnDirect: number;
  lignesRejouees: number;
  seulementEnDirect: number;
  seulementRejouees: number;
  exemples: Array<{ cle: Record<string, unknown>; enDirect: boolean; rejouee: boolean; colonnes: string[] }>;
}

interface Verification {
  etat: 'jamais' | 'en_cours' | 'terminee' | 'echec';
  demarreeLe: string | null;
  termineeLe: string | null;
  position: number | null;
  progression: { projection: string; position: number; cible: number } | null;
  resultat: {
    conforme: boolean;
    projections: Array<{ projection: string; position: number; evenements: number; secondesRejeu: number; secondesComparaison: number; tables: number; lignes: number; conforme: boolean }>;
    differences: Difference[];
  } | null;
  erreur: string | null;
}

const TYPES_AGREGATS: Record<string, string> = {
  marche: 'Marché',
  salarie: 'Salarié (avec ses placements et déclarations)',
  donneurordre: "Donneur d'ordre",
  operation: 'Opération',
  entreprise: 'Entreprise',
  utilisateur: 'Utilisateur',
  calibration: 'Calibration',
};

const instant = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' });
const horodatage = (iso: string | null | undefined) => (iso ? instant.format(new Date(iso)) : '—');
const json = (v: unknown) => JSON.stringify(v, null, 2);
const enErreur = (e: unknown) => (e instanceof ErreurApi ? e : new ErreurApi(0, 'INCONNUE', String(e), null));
const TAILLE_PAGE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const aujourdhui = () => new Date().toISOString().slice(0, 10);

/** The auditor's page: a stream's events, an aggregate's state at a past instant, the read models' verification. */
export function Audit() {
  // The state section can send its stream to the history section.
  const [flux, setFlux] = useState<{ flux: string; fois: number } | null>(null);
  return (
    <section aria-labelledby="titre-audit">
      <h1 id="titre-audit">Audit</h1>
      <p class="aide">
        Le journal des événements est la source de vérité : chaque flux retrace un agrégat (un marché, une personne avec ses placements…), avec qui a enregistré
        chaque fait et quand.
      </p>
      <HistoriqueFlux demande={flux} />
      <EtatALaDate voirFlux={(f) => setFlux((d) => ({ flux: f, fois: (d?.fois ?? 0) + 1 }))} />
      <VerificationModeles />
    </section>
  );
}

function HistoriqueFlux({ demande }: { demande: { flux: string; fois: number } | null }) {
  const [saisie, setSaisie] = useState('');
  const [recherche, setRecherche] = useState<{ flux: string; page: number } | null>(null);
  const lu = useDonnees<Flux>(recherche ? `/audit/flux/${encodeURIComponent(recherche.flux)}?page=${recherche.page}&taillePage=${TAILLE_PAGE}` : null);

  useEffect(() => {
    if (!demande) return;
    setSaisie(demande.flux);
    setRecherche({ flux: demande.flux, page: 1 });
    // Keyboard and screen-reader users land where the history appears.
    document.getElementById('flux')?.focus();
  }, [demande]);

  return (
    <section aria-labelledby="titre-flux">
      <h2 id="titre-flux">Historique d'un flux</h2>
      <form
        class="recherche-audit"
        onSubmit={(e) => {
          e.preventDefault();
          const f = saisie.trim();
          if (f) setRecherche({ flux: f, page: 1 });
        }}
      >
        <div>
          <label for="flux">Identifiant du flux</label>
          <input
            id="flux"
            type="text"
            value={saisie}
            onInput={(e) => setSaisie(e.currentTarget.value)}
            placeholder="marche-3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11"
            aria-describedby="aide-flux"
            autoComplete="off"
            spellcheck={false}
            required
          />
        </div>
        <button type="submit">Afficher l'historique</button>
      </form>
      <p class="aide" id="aide-flux">
        Sous la forme <code>type-identifiant</code> : <code>marche-…</code>, <code>salarie-…</code>, <code>donneurordre-…</code>, <code>operation-…</code>,{' '}
        <code>entreprise-…</code>, <code>utilisateur-…</code>, <code>calibration-…</code> ou <code>calibration-metiers</code>.
      </p>
      {recherche && (
        <Etat de={lu}>
          {(f) => (
            <>
              <p role="status">
                {compte(f.total)} événement(s) dans le flux <code>{f.streamId}</code>
                {f.total > f.taillePage ? `, page ${f.page} sur ${Math.ceil(f.total / f.taillePage)}` : ''}.
              </p>
              <table class="tableau">
                <caption class="visuellement-cache">Événements du flux {f.streamId}, dans l'ordre</caption>
                <thead>
                  <tr>
                    <th scope="col">Révision</th>
                    <th scope="col">Type</th>
                    <th scope="col">Position</th>
                    <th scope="col">Enregistré le</th>
                    <th scope="col">Par</th>
                    <th scope="col">Données</th>
                  </tr>
                </thead>
                <tbody>
                  {f.items.map((e) => (
                    <tr key={e.eventId}>
                      <td class="nombre" data-libelle="Révision">
                        {e.revision}
                      </td>
                      <th scope="row">{e.type}</th>
                      <td class="nombre" data-libelle="Position">
                        {e.position}
                      </td>
                      <td data-libelle="Enregistré le">
                        {horodatage(e.metadata.recordedAt)}
                        {horodatage(e.metadata.occurredAt) !== horodatage(e.metadata.recordedAt) && <div class="secondaire">survenu le {horodatage(e.metadata.occurredAt)}</div>}
                      </td>
                      <td data-libelle="Par">
                        {UUID.test(e.metadata.userId) ? (
                          // A user's id: their own stream says who they are (identifiant, role).
                          <button
                            type="button"
                            class="discret lien-flux"
                            title="Voir le flux de cet utilisateur"
                            onClick={() => {
                              setSaisie(`utilisateur-${e.metadata.userId}`);
                              setRecherche({ flux: `utilisateur-${e.metadata.userId}`, page: 1 });
                            }}
                          >
                            <code>{e.metadata.userId}</code>
                          </button>
                        ) : (
                          <code>{e.metadata.userId}</code>
                        )}
                      </td>
                      <td>
                        <details>
                          <summary>Données</summary>
                          <pre class="json">{json(e.data)}</pre>
                        </details>
                        <details>
                          <summary>Métadonnées</summary>
                          <pre class="json">{json({ eventId: e.eventId, ...e.metadata })}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {f.total > f.taillePage && (
                <Pagination nom="Pages du flux" page={f.page} taillePage={f.taillePage} total={f.total} aller={(page) => setRecherche({ flux: f.streamId, page })} />
              )}
            </>
          )}
        </Etat>
      )}
    </section>
  );
}

function EtatALaDate({ voirFlux }: { voirFlux: (flux: string) => void }) {
  const [type, setType] = useState('marche');
  const [id, setId] = useState('');
  const [date, setDate] = useState(aujourdhui());
  const [heure, setHeure] = useState('');
  const [chemin, setChemin] = useState<string | null>(null);
  const lu = useDonnees<EtatAgregat>(chemin);

  return (
    <section aria-labelledby="titre-etat">
      <h2 id="titre-etat">État d'un agrégat à une date</h2>
      <form
        class="recherche-audit"
        onSubmit={(e) => {
          e.preventDefault();
          // A time is the auditor's local time, sent as an instant; a date alone means the end of that day in Paris.
          const quand = heure ? new Date(`${date}T${heure}`).toISOString() : date;
          setChemin(`/audit/etat/${type}/${encodeURIComponent(id.trim())}?date=${encodeURIComponent(quand)}`);
        }}
      >
        <div>
          <label for="etat-type">Type</label>
          <select id="etat-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {Object.entries(TYPES_AGREGATS).map(([valeur, libelle]) => (
              <option key={valeur} value={valeur}>
                {libelle}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="etat-id">Identifiant</label>
          <input id="etat-id" type="text" value={id} onInput={(e) => setId(e.currentTarget.value)} required autoComplete="off" spellcheck={false} />
        </div>
        <div>
          <label for="etat-date">Date</label>
          <input id="etat-date" type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} required />
        </div>
        <div>
          <label for="etat-heure">Heure (facultative)</label>
          <input id="etat-heure" type="time" value={heure} onInput={(e) => setHeure(e.currentTarget.value)} aria-describedby="aide-etat" />
        </div>
        <button type="submit">Afficher l'état</button>
      </form>
      <p class="aide" id="aide-etat">
        Sans heure : l'état connu à la fin de ce jour (heure de Paris). Seuls les événements enregistrés jusque-là sont rejoués.
      </p>
      {chemin && (
        <Etat de={lu}>
          {(e) => (
            <div class="carte">
              <p role="status">
                {e.etat.existe === false
                  ? `Cet agrégat n'existait pas encore le ${horodatage(e.connuLe)} (aucun événement enregistré jusque-là).`
                  : `État connu le ${horodatage(e.connuLe)} : ${compte(e.evenements)} événement(s) rejoué(s), révision ${e.revision ?? '—'}, dernière position ${e.position ?? '—'}.`}
              </p>
              <pre class="json" aria-label={`État de ${e.type}-${e.id}`} tabIndex={0}>
                {json(e.etat)}
              </pre>
              <div class="actions">
                <button type="button" class="secondaire" onClick={() => voirFlux(`${e.type}-${e.id}`)}>
                  Voir l'historique du flux {e.type}-{e.id.slice(0, 8)}…
                </button>
              </div>
            </div>
          )}
        </Etat>
      )}
    </section>
  );
}

function VerificationModeles() {
  const [verification, setVerification] = useState<Verification | null>(null);
  const [erreur, setErreur] = useState<ErreurApi | null>(null);
  const [tour, setTour] = useState(0);
  const [demarrage, setDemarrage] = useState(false);

  // Read the state, then again every 2 s while a verification runs.
  useEffect(() => {
    let actuel = true;
    appeler<Verification>('/audit/verification').then(
      (v) => {
        if (!actuel) return;
        setVerification(v);
        setErreur(null);
      },
      (e: unknown) => actuel && setErreur(enErreur(e)),
    );
    return () => {
      actuel = false;
    };
  }, [tour]);
  useEffect(() => {
    if (verification?.etat !== 'en_cours') return;
    const minuterie = setTimeout(() => setTour((t) => t + 1), 2000);
    return () => clearTimeout(minuterie);
  }, [verification]);

  const lancer = () => {
    setDemarrage(true);
    appeler<Verification>('/audit/verification', { methode: 'POST' })
      .then(
        (v) => {
          setVerification(v);
          setErreur(null);
        },
        (e: unknown) => {
          setErreur(enErreur(e));
          // Already running elsewhere: follow that one.
          setTour((t) => t + 1);
        },
      )
      .finally(() => setDemarrage(false));
  };

  const v = verification;
  return (
    <section aria-labelledby="titre-verification">
      <h2 id="titre-verification">Vérification des modèles de lecture</h2>
      <p class="aide">
        Rejoue tout le journal dans des tables à part et les compare, ligne à ligne, aux tables que lisent les pages (indicateurs, marchés, coordination…).
      </p>
      {erreur && (
        <div class="alerte alerte-erreur" role="alert">
          <p>{erreur.message}</p>
        </div>
      )}
      <div role="status" aria-live="polite">
        {v === null && !erreur && <p class="chargement">Chargement…</p>}
        {v?.etat === 'jamais' && <p>Aucune vérification n'a été lancée depuis le démarrage du service.</p>}
        {v?.etat === 'en_cours' && (
          <p>
            Vérification en cours depuis le {horodatage(v.demarreeLe)} (journal jusqu'à la position {v.position ?? '—'})
            {v.progression ? ` : rejeu de « ${v.progression.projection} », position ${compte(v.progression.position)} sur ${compte(v.progression.cible)}` : ''}…
          </p>
        )}
        {v?.etat === 'terminee' && v.resultat && (
          <p class={`alerte ${v.resultat.conforme ? 'alerte-succes' : 'alerte-erreur'}`}>
            {v.resultat.conforme
              ? `Vérification terminée le ${horodatage(v.termineeLe)} : les modèles de lecture sont identiques au rejeu du journal.`
              : `Vérification terminée le ${horodatage(v.termineeLe)} : ${v.resultat.differences.length} table(s) diffèrent du rejeu du journal.`}
          </p>
        )}
        {v?.etat === 'echec' && <p class="alerte alerte-erreur">Vérification interrompue le {horodatage(v.termineeLe)} : {v.erreur}</p>}
      </div>
      {v?.etat === 'en_cours' && v.progression && (
        <progress max={Math.max(v.progression.cible, 1)} value={Math.min(v.progression.position, v.progression.cible)} aria-label={`Rejeu de ${v.progression.projection}`} />
      )}
      <div class="actions">
        <button type="button" onClick={lancer} disabled={demarrage || v?.etat === 'en_cours'}>
          {v?.etat === 'en_cours' ? 'Vérification en cours…' : 'Lancer une vérification'}
        </button>
        <button type="button" class="secondaire" onClick={() => setTour((t) => t + 1)}>
          Actualiser
        </button>
      </div>
      {v?.resultat && v.resultat.differences.length > 0 && <Differences differences={v.resultat.differences} />}
      {v?.resultat && (
        <details>
          <summary>Détail par projection ({v.resultat.projections.length})</summary>
          <table class="tableau">
            <caption class="visuellement-cache">Projections comparées au rejeu du journal</caption>
            <thead>
              <tr>
                <th scope="col">Projection</th>
                <th scope="col">Position comparée</th>
                <th scope="col">Événements rejoués</th>
                <th scope="col">Tables</th>
                <th scope="col">Lignes</th>
                <th scope="col">Durée</th>
                <th scope="col">Résultat</th>
              </tr>
            </thead>
            <tbody>
              {v.resultat.projections.map((p) => (
                <tr key={p.projection}>
                  <th scope="row">{p.projection}</th>
                  <td class="nombre" data-libelle="Position">
                    {p.position}
                  </td>
                  <td class="nombre" data-libelle="Événements">
                    {compte(p.evenements)}
                  </td>
                  <td class="nombre" data-libelle="Tables">
                    {p.tables}
                  </td>
                  <td class="nombre" data-libelle="Lignes">
                    {compte(p.lignes)}
                  </td>
                  <td class="nombre" data-libelle="Durée">
                    {(p.secondesRejeu + p.secondesComparaison).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s
                  </td>
                  <td data-libelle="Résultat">{p.conforme ? 'Identique' : 'Différences'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}

function Differences({ differences }: { differences: Difference[] }) {
  return (
    <>
      <h3>Tables qui diffèrent</h3>
      <p class="aide">Les lignes sont désignées par leur clé et leurs colonnes différentes, jamais par leurs valeurs (la commande audit:verify les affiche).</p>
      <table class="tableau">
        <caption class="visuellement-cache">Tables des modèles de lecture qui diffèrent du rejeu</caption>
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col">Lignes en service / rejouées</th>
            <th scope="col">Seulement en service</th>
            <th scope="col">Seulement rejouées</th>
            <th scope="col">Exemples</th>
          </tr>
        </thead>
        <tbody>
          {differences.map((d) => (
            <tr key={d.table}>
              <th scope="row">
                <code>{d.table}</code>
                <div class="secondaire">projection {d.projection}</div>
              </th>
              <td class="nombre" data-libelle="Lignes">
                {compte(d.lignesEnDirect)} / {compte(d.lignesRejouees)}
              </td>
              <td class="nombre" data-libelle="Seulement en service">
                {compte(d.seulementEnDirect)}
              </td>
              <td class="nombre" data-libelle="Seulement rejouées">
                {compte(d.seulementRejouees)}
              </td>
              <td>
                <details>
                  <summary>{d.exemples.length} ligne(s)</summary>
                  <ul>
                    {d.exemples.map((x, n) => (
                      <li key={n}>
                        <code>{JSON.stringify(x.cle)}</code> :{' '}
                        {x.enDirect && x.rejouee ? `colonnes ${x.colonnes.join(', ')}` : x.enDirect ? 'absente du rejeu' : 'absente du modèle en service'}
                      </li>
                    ))}
                  </ul>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
