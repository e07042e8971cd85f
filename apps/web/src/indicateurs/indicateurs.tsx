import { useState } from 'preact/hooks';
import { telecharger } from '../commun/api';
import { positionEcrite, useDonnees } from '../commun/donnees';
import { Etat } from '../commun/etat';
import { compte, heures, jour, masque, moisEnClair, part, STATUTS } from '../commun/formats';
import { Graphique } from '../commun/graphique';
import { Statut } from '../commun/progression';
import { utilisateur } from '../commun/session';
import '../tableaux-de-bord.css';
import { CATEGORIES_SORTIE, CONTRATS, SECTEURS } from '../commun/libelles';
import { ChoixAnnee, useAnnee } from '../commun/annee';
import { NoteMasques, type Secret } from '../commun/secret';

type Repartition = Record<string, number | null>;

interface Indicateurs {
  heuresRealisees: number;
  etp: number;
  heuresParSecteur: Record<string, number>;
  heuresParMois: Record<string, number>;
  salaries: number | null;
  femmes: number | null;
  partFemmes: number | null;
  partFemmesHeures: number | null;
  residentsQpv: number | null;
  partQpvPersonnes: number | null;
  partQpvHeures: number | null;
  moins26Ans: number | null;
  partMoins26Ans: number | null;
  plus50Ans: number | null;
  partPlus50Ans: number | null;
  entreprises: number;
  operations: number;
  donneursOrdre: number;
  marches: number;
  placementsParContrat: Repartition;
  embauches: number | null;
  sorties: number | null;
  sortiesPositives: number | null;
  sortiesParCategorie: Repartition;
  personnesEnEmploi: number | null;
  placementsTermines: number | null;
  placementsTerminesParCategorie: Repartition;
  perimetre: { du: string; au: string; donneurOrdreId?: string | null };
  secretStatistique?: Secret;
}

interface Objectif {
  objectif: number;
  realise: number | null;
  atteint: boolean | null;
}

interface Bilan {
  annee: number;
  objectifs: { heures: Objectif; partQpvPersonnes: Objectif; personnesEnEmploi: Objectif } | null;
  conformite: { date: string; marches: number; parStatut: Record<string, number>; heuresApresCloture: number };
  operations: unknown[];
  secretStatistique?: Secret;
}

const COULEURS = { principale: '#3b6fb6', seconde: '#1f7a4d', objectif: '#b35c00' };

/** Keys of a breakdown in the catalogue's order, then any the catalogue does not know yet. */
const cles = (r: Repartition, ordre: Record<string, string>) => [...Object.keys(ordre).filter((k) => k in r), ...Object.keys(r).filter((k) => !(k in ordre))];
const libelle = (k: string, ordre: Record<string, string>) => ordre[k] ?? k;
/** Shares are 0..1; the charts read percents, rounded to a tenth. A masked share stays null (not plotted). */
const pourcent = (p: number | null | undefined) => (p === null || p === undefined ? null : Math.round(p * 1000) / 10);

/** In place of a chart whose every figure is masked: nothing to draw, each category reads "<5". */
function ToutMasque({ titre, etiquettes, seuil }: { titre: string; etiquettes: string[]; seuil?: number }) {
  return (
    <div class="graphique">
      <p class="titre-graphique">{titre}</p>
      <p>
        Tous ces effectifs sont inférieurs à {seuil ?? 5} personnes : ils sont masqués (secret statistique).
      </p>
      <ul>
        {etiquettes.map((e) => (
          <li key={e}>
            {e} : {masque(seuil)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The year's months up to this one (a month not begun has no hours yet), each with its hours (0 when none). */
function moisDeLAnnee(annee: number, heuresParMois: Record<string, number>): Array<{ mois: string; heures: number }> {
  const aujourdhui = new Date();
  const dernier = annee < aujourdhui.getFullYear() ? 12 : annee > aujourdhui.getFullYear() ? 0 : aujourdhui.getMonth() + 1;
  return Array.from({ length: dernier }, (_, i) => {
    const mois = `${annee}-${String(i + 1).padStart(2, '0')}`;
    return { mois, heures: heuresParMois[mois] ?? 0 };
  });
}

function Chiffre({ titre, valeur, precision }: { titre: string; valeur: string; precision?: string }) {
  return (
    <div>
      <dt>{titre}</dt>
      <dd>
        {valeur}
        {precision && <span class="precision">{precision}</span>}
      </dd>
    </div>
  );
}

/** The year's figures of the caller's scope (an acheteur: their donneur d'ordre's), against the funder's objectives. */
export function Indicateurs() {
  const [annee, setAnnee] = useAnnee();
  const apres = positionEcrite();
  const indicateurs = useDonnees<Indicateurs>(`/indicateurs?annee=${annee}`, apres);
  const bilan = useDonnees<Bilan>(`/bilans/${annee}`, apres);
  const moi = utilisateur.value!;
  const donneurOrdre = useDonnees<{ nom: string }>(moi.donneurOrdreId ? `/donneurs-ordre/${moi.donneurOrdreId}` : null);
  const [erreurExport, setErreurExport] = useState<string | null>(null);
  const [exportEnCours, setExportEnCours] = useState<string | null>(null);
  const exporter = (format: 'csv' | 'xlsx') => {
    setExportEnCours(format);
    telecharger(`/bilans/${annee}?format=${format}`, `bilan-${annee}.${format}`)
      .then(
        () => setErreurExport(null),
        (e: Error) => setErreurExport(e.message),
      )
      .finally(() => setExportEnCours(null));
  };

  return (
    <section aria-labelledby="titre-indicateurs">
      <div class="titre-page">
        <h1 id="titre-indicateurs">Indicateurs {annee}</h1>
        <div class="actions">
          <button type="button" onClick={() => exporter('xlsx')} disabled={exportEnCours !== null}>
            Télécharger le bilan (XLSX)
          </button>
          <button type="button" class="secondaire" onClick={() => exporter('csv')} disabled={exportEnCours !== null}>
            Télécharger le bilan (CSV)
          </button>
        </div>
      </div>
      {exportEnCours && (
        <p class="aide" role="status">
          Préparation du fichier {exportEnCours.toUpperCase()}…
        </p>
      )}
      {erreurExport && (
        <p class="alerte alerte-erreur" role="alert">
          {erreurExport}
        </p>
      )}
      <ChoixAnnee annee={annee} onChange={setAnnee} />
      {moi.donneurOrdreId && (
        <p class="aide">
          Chiffres des marchés de votre donneur d'ordre{donneurOrdre.donnees ? ` : ${donneurOrdre.donnees.nom}` : ''}.
        </p>
      )}
      <Etat de={indicateurs}>
        {(i) => {
          const secret = i.secretStatistique;
          const seuil = secret?.seuil;
          return (
            <>
              <p class="aide">
                Période du {jour(i.perimetre.du)} au {jour(i.perimetre.au)}.
                {secret && ` Les effectifs de moins de ${seuil} personnes sont masqués (${masque(seuil)}).`}
              </p>
              <h2>Chiffres clés</h2>
              <dl class="chiffres">
                <Chiffre titre="Heures réalisées" valeur={heures(i.heuresRealisees)} />
                <Chiffre titre="Équivalents temps plein" valeur={compteDecimal(i.etp)} />
                <Chiffre titre="Personnes" valeur={compte(i.salaries, seuil)} />
                <Chiffre titre="Femmes" valeur={part(i.partFemmes, seuil)} precision={`${compte(i.femmes, seuil)} personnes · ${part(i.partFemmesHeures, seuil)} des heures`} />
                <Chiffre titre="Résidents QPV" valeur={part(i.partQpvPersonnes, seuil)} precision={`${compte(i.residentsQpv, seuil)} personnes · ${part(i.partQpvHeures, seuil)} des heures`} />
                <Chiffre titre="Moins de 26 ans" valeur={part(i.partMoins26Ans, seuil)} precision={`${compte(i.moins26Ans, seuil)} personnes`} />
                <Chiffre titre="50 ans et plus" valeur={part(i.partPlus50Ans, seuil)} precision={`${compte(i.plus50Ans, seuil)} personnes`} />
                <Chiffre titre="Embauches directes" valeur={compte(i.embauches, seuil)} precision="personnes" />
                <Chiffre titre="Sorties" valeur={compte(i.sorties, seuil)} precision={`personnes · ${compte(i.placementsTermines, seuil)} placements terminés`} />
                <Chiffre
                  titre="Sorties positives"
                  valeur={compte(i.sortiesPositives, seuil)}
                  precision={i.sorties && i.sortiesPositives !== null ? `${part(i.sortiesPositives / i.sorties)} des sorties` : 'personnes'}
                />
                <Chiffre titre="Personnes en emploi" valeur={compte(i.personnesEnEmploi, seuil)} precision="à leur sortie" />
                <Chiffre titre="Entreprises" valeur={compte(i.entreprises)} />
                <Chiffre titre="Marchés" valeur={compte(i.marches)} precision={`${compte(i.operations)} opérations · ${compte(i.donneursOrdre)} donneurs d'ordre`} />
              </dl>
              <Etat de={bilan}>{(b) => <ObjectifsEtConformite bilan={b} moi={moi.role} />}</Etat>
              <h2>Heures</h2>
              {i.heuresRealisees === 0 ? (
                <p>Aucune heure d'insertion n'est déclarée pour {annee} sur ce périmètre.</p>
              ) : (
                <>
                  <div class="graphiques">
                    <div>
                      <Graphique
                        titre={`Heures d'insertion réalisées en ${annee}, par secteur`}
                        etiquettes={cles(i.heuresParSecteur, SECTEURS).map((k) => libelle(k, SECTEURS))}
                        series={[{ libelle: 'Heures réalisées', valeurs: cles(i.heuresParSecteur, SECTEURS).map((k) => i.heuresParSecteur[k]), couleur: COULEURS.principale }]}
                      />
                    </div>
                    <div>
                      {moisDeLAnnee(annee, i.heuresParMois).length === 0 ? (
                        <p>L'année {annee} n'a pas commencé : aucune heure par mois.</p>
                      ) : (
                        <Graphique
                          titre={`Heures d'insertion réalisées en ${annee}, par mois`}
                          etiquettes={moisDeLAnnee(annee, i.heuresParMois).map((x) => moisEnClair(x.mois))}
                          series={[{ libelle: 'Heures du mois', valeurs: moisDeLAnnee(annee, i.heuresParMois).map((x) => x.heures), couleur: COULEURS.principale }]}
                        />
                      )}
                    </div>
                  </div>
                  <h2>Publics</h2>
                  <Etat de={bilan}>{(b) => <GraphiquePublics i={i} bilan={b} annee={annee} />}</Etat>
                </>
              )}
              <h2>Contrats et sorties</h2>
              <div class="graphiques">
                <div>
                  <GraphiqueRepartition
                    titre={`Placements démarrés en ${annee}, par type de contrat`}
                    repartition={i.placementsParContrat}
                    ordre={CONTRATS}
                    series={[{ libelle: 'Placements', repartition: i.placementsParContrat, couleur: COULEURS.principale }]}
                    seuil={seuil}
                  />
                </div>
                <div>
                  <GraphiqueRepartition
                    titre={`Sorties en ${annee}, par catégorie`}
                    repartition={i.sortiesParCategorie}
                    ordre={CATEGORIES_SORTIE}
                    series={[
                      { libelle: 'Personnes', repartition: i.sortiesParCategorie, couleur: COULEURS.principale },
                      { libelle: 'Placements terminés', repartition: i.placementsTerminesParCategorie, couleur: COULEURS.seconde },
                    ]}
                    seuil={seuil}
                  />
                  <p class="aide">Une personne sortie deux fois dans l'année peut compter dans deux catégories.</p>
                </div>
              </div>
            </>
          );
        }}
      </Etat>
    </section>
  );
}

const decimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
const compteDecimal = (n: number) => decimal.format(n);

function GraphiqueRepartition({
  titre,
  repartition,
  ordre,
  series,
  seuil,
}: {
  titre: string;
  repartition: Repartition;
  ordre: Record<string, string>;
  series: Array<{ libelle: string; repartition: Repartition; couleur: string }>;
  seuil?: number;
}) {
  const k = cles(repartition, ordre);
  if (k.length === 0) return <p>{titre} : aucune donnée.</p>;
  // A masked cell is null: not plotted (never a 0), and named under the chart.
  if (series.every((s) => k.every((c) => s.repartition[c] === null))) return <ToutMasque titre={titre} etiquettes={k.map((c) => libelle(c, ordre))} seuil={seuil} />;
  const masques = series.flatMap((s) => k.filter((c) => s.repartition[c] === null).map((c) => (series.length > 1 ? `${libelle(c, ordre)} (${s.libelle.toLowerCase()})` : libelle(c, ordre))));
  return (
    <>
      <Graphique
        titre={titre}
        unite=""
        etiquettes={k.map((c) => libelle(c, ordre))}
        series={series.map((s) => ({ libelle: s.libelle, valeurs: k.map((c) => s.repartition[c] ?? null), couleur: s.couleur }))}
        absent={masque(seuil)}
      />
      <NoteMasques noms={masques} seuil={seuil} />
    </>
  );
}

/** Women's and QPV residents' shares; the funder's objective only exists for the QPV share of people. */
function GraphiquePublics({ i, bilan, annee }: { i: Indicateurs; bilan: Bilan; annee: number }) {
  const etiquettes = ['Résidents QPV (personnes)', 'Résidents QPV (heures)', 'Femmes (personnes)', 'Femmes (heures)'];
  const realise = [i.partQpvPersonnes, i.partQpvHeures, i.partFemmes, i.partFemmesHeures];
  const objectif = bilan.objectifs?.partQpvPersonnes.objectif;
  const series = [{ libelle: 'Part réalisée', valeurs: realise.map(pourcent), couleur: COULEURS.principale }];
  if (objectif !== undefined) series.push({ libelle: 'Objectif du financeur', valeurs: [pourcent(objectif), null, null, null], couleur: COULEURS.objectif });
  const titre = `Part des résidents QPV et des femmes en ${annee}${objectif !== undefined ? ', face à l’objectif du financeur' : ''}`;
  return (
    <>
      {objectif === undefined && realise.every((r) => r === null) ? (
        <ToutMasque titre={titre} etiquettes={etiquettes} seuil={i.secretStatistique?.seuil} />
      ) : (
        <>
          <Graphique titre={titre} unite="%" etiquettes={etiquettes} series={series} />
          <NoteMasques noms={etiquettes.filter((_, n) => realise[n] === null)} seuil={i.secretStatistique?.seuil} />
        </>
      )}
      {bilan.objectifs === null && (
        <p class="aide">
          {utilisateur.value?.role === 'acheteur'
            ? 'Les objectifs du financeur portent sur toute l’activité de l’équipe : ils ne sont pas comparés aux chiffres de vos seuls marchés.'
            : `Aucun objectif du financeur n'est fixé pour ${annee}.`}
        </p>
      )}
    </>
  );
}

function ObjectifsEtConformite({ bilan, moi }: { bilan: Bilan; moi: string }) {
  const seuil = bilan.secretStatistique?.seuil;
  const o = bilan.objectifs;
  const lignes: Array<[string, Objectif, (v: number | null) => string]> = o
    ? [
        ['Heures d’insertion', o.heures, (v) => heures(v, seuil)],
        ['Part des personnes résidant en QPV', o.partQpvPersonnes, (v) => part(v, seuil)],
        ['Personnes en emploi à leur sortie', o.personnesEnEmploi, (v) => compte(v, seuil)],
      ]
    : [];
  return (
    <>
      {o && (
        <>
          <h2>Objectifs du financeur</h2>
          <table class="tableau">
            <caption class="visuellement-cache">Objectifs du financeur pour {bilan.annee} et leur réalisation</caption>
            <thead>
              <tr>
                <th scope="col">Objectif</th>
                <th scope="col">Cible</th>
                <th scope="col">Réalisé</th>
                <th scope="col">Atteint</th>
              </tr>
            </thead>
            <tbody>
              {lignes.map(([nom, ob, f]) => (
                <tr key={nom}>
                  <th scope="row">{nom}</th>
                  <td class="nombre" data-libelle="Cible">
                    {f(ob.objectif)}
                  </td>
                  <td class="nombre" data-libelle="Réalisé">
                    {f(ob.realise)}
                  </td>
                  <td data-libelle="Atteint">
                    {ob.atteint === null ? `non publié (${masque(seuil)})` : <Statut statut={ob.atteint ? 'atteint' : 'non_atteint'} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Conformité des marchés</h2>
      <p>
        {compte(bilan.conformite.marches)} marché(s) en exécution sur l'année, jugés au {jour(bilan.conformite.date)}
        {moi === 'acheteur' ? ' (vos marchés)' : ''}.
        {bilan.conformite.heuresApresCloture > 0 && ` ${heures(bilan.conformite.heuresApresCloture)} déclarées après clôture ne comptent pas dans leur conformité.`}
      </p>
      <ul class="statuts" aria-label="Marchés par statut">
        {Object.keys(STATUTS)
          .filter((s) => (bilan.conformite.parStatut[s] ?? 0) > 0)
          .map((s) => (
            <li key={s}>
              <Statut statut={s} /> {compte(bilan.conformite.parStatut[s])}
            </li>
          ))}
      </ul>
    </>
  );
}
