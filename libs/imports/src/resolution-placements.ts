import { localiserRattachement, type CommandExecutor } from '@suivi/commands';
import {
  entrepriseDecider,
  entrepriseStream,
  marcheDecider,
  marcheStream,
  moisDe,
  placementStream,
  salarieDecider,
  salarieStream,
  type PlacementState,
  type SalarieEnregistreState,
} from '@suivi/domain';
import { normaliser } from '@suivi/projections';
import type { DataSource } from 'typeorm';
import type { ErreurLigne, LigneHeures } from './lecture/ligne-heures';

export interface PlacementTrouve {
  salarieId: string;
  placementId: string;
}

/** What the tying needs of a person: their id and placements (not their whole state, kept for the file). */
interface Personne {
  salarieId: string;
  placements: Array<Pick<PlacementState, 'placementId' | 'entrepriseId' | 'marcheId' | 'dateDebut'> & { dateFin: string | null }>;
}

/**
 * Ties a row to its placement: by the placement's id (its locator stream), or by the person
 * (name and first name through the directory of decrypted names, then the birth date read from
 * the person's own stream) and, among their placements, the one with this employer's SIRET on
 * this marché's number covering the month. Answers are cached for the file: a person's twelve
 * rows cost one lookup. Error messages never repeat names: they are kept with the job.
 */
export class ResolutionPlacements {
  private readonly parPlacement = new Map<string, string | null>();
  private readonly parPersonne = new Map<string, Promise<Personne[]>>();
  private readonly siretDe = new Map<string, Promise<string | null>>();
  private readonly numeroDe = new Map<string, Promise<string | null>>();

  constructor(
    private readonly executor: CommandExecutor,
    private readonly db: DataSource,
  ) {}

  async resoudre(ligne: LigneHeures): Promise<PlacementTrouve | ErreurLigne> {
    const cible = ligne.cible;
    if ('placementId' in cible) {
      let salarieId = this.parPlacement.get(cible.placementId);
      if (salarieId === undefined) {
        salarieId = (await localiserRattachement(this.executor, placementStream(cible.placementId)))?.salarieId ?? null;
        this.parPlacement.set(cible.placementId, salarieId);
      }
      if (salarieId === null) {
        return erreur(ligne, 'placement', 'PLACEMENT_INTROUVABLE', "Aucun placement ne porte cet identifiant : vérifiez la colonne placement (l'identifiant affiché sur la fiche du placement).");
      }
      return { salarieId, placementId: cible.placementId };
    }

    const personnes = await this.personnes(cible.nom, cible.prenom, cible.dateNaissance);
    if (personnes.length === 0) {
      return erreur(
        ligne,
        'nom',
        'SALARIE_INTROUVABLE',
        "Aucune personne enregistrée ne porte ce nom, ce prénom et cette date de naissance : vérifiez l'orthographe et la date, ou enregistrez la personne avant d'importer ses heures.",
      );
    }
    if (personnes.length > 1) {
      return erreur(
        ligne,
        'nom',
        'SALARIE_AMBIGU',
        'Plusieurs personnes portent ce nom, ce prénom et cette date de naissance : identifiez le placement par son identifiant (colonne placement).',
      );
    }
    const personne = personnes[0];
    const chezLEmployeur: Personne['placements'] = [];
    for (const p of personne.placements) if ((await this.siret(p.entrepriseId)) === cible.siret) chezLEmployeur.push(p);
    if (chezLEmployeur.length === 0) {
      return erreur(ligne, 'siret', 'PLACEMENT_INTROUVABLE', `Cette personne n'a aucun placement chez l'entreprise de SIRET ${cible.siret} : vérifiez le SIRET de l'employeur.`);
    }
    const numero = normaliserNumero(cible.marche);
    const surLeMarche: Personne['placements'] = [];
    for (const p of chezLEmployeur) if (normaliserNumero((await this.numero(p.marcheId)) ?? '') === numero) surLeMarche.push(p);
    if (surLeMarche.length === 0) {
      const numeros = [...new Set(await Promise.all(chezLEmployeur.map(async (p) => (await this.numero(p.marcheId)) ?? '?')))];
      return erreur(
        ligne,
        'marche',
        'PLACEMENT_INTROUVABLE',
        `Cette personne n'a aucun placement sur le marché « ${cible.marche} » chez cet employeur : vérifiez le numéro du marché (ses placements chez cet employeur : ${numeros.join(', ')}).`,
      );
    }
    // A person may have had several placements there (one ended, a new one started): the month picks.
    const couvrant = surLeMarche.filter((p) => moisDe(p.dateDebut) <= ligne.mois && (p.dateFin === null || moisDe(p.dateFin) >= ligne.mois));
    const choisis = couvrant.length > 0 ? couvrant : surLeMarche;
    if (choisis.length > 1) {
      return erreur(
        ligne,
        'placement',
        'PLACEMENT_AMBIGU',
        `Cette personne a ${choisis.length} placements sur ce marché chez cet employeur en ${ligne.mois} : identifiez le placement par son identifiant (colonne placement).`,
      );
    }
    return { salarieId: personne.salarieId, placementId: choisis[0].placementId };
  }

  /** The people with this name and birth date; erased people have no name left in the directory. */
  private personnes(nom: string, prenom: string, dateNaissance: string): Promise<Personne[]> {
    const cle = `${normaliser(nom)} ${normaliser(prenom)}`.trim();
    const memo = `${cle}|${dateNaissance}`;
    let found = this.parPersonne.get(memo);
    if (!found) {
      found = (async () => {
        const rows: Array<{ id: string }> = await this.db.query(
          `SELECT id FROM annuaire.salaries WHERE NOT efface AND split_part(recherche, E'\\n', 1) = $1 ORDER BY id LIMIT 50`,
          [cle],
        );
        const states = await Promise.all(rows.map(async (r) => (await this.executor.load(salarieDecider, salarieStream(r.id))).state));
        return states
          .filter((s): s is SalarieEnregistreState => s.existe && !s.efface && s.dateNaissance === dateNaissance)
          .map((s) => ({
            salarieId: s.salarieId,
            placements: Object.values(s.placements).map((p) => ({
              placementId: p.placementId,
              entrepriseId: p.entrepriseId,
              marcheId: p.marcheId,
              dateDebut: p.dateDebut,
              dateFin: p.fin?.dateFin ?? null,
            })),
          }));
      })();
      this.parPersonne.set(memo, found);
    }
    return found;
  }

  private siret(entrepriseId: string): Promise<string | null> {
    let found = this.siretDe.get(entrepriseId);
    if (!found) {
      found = this.executor.load(entrepriseDecider, entrepriseStream(entrepriseId)).then(({ state }) => (state.existe ? state.siret : null));
      this.siretDe.set(entrepriseId, found);
    }
    return found;
  }

  private numero(marcheId: string): Promise<string | null> {
    let found = this.numeroDe.get(marcheId);
    if (!found) {
      found = this.executor.load(marcheDecider, marcheStream(marcheId)).then(({ state }) => (state.existe ? state.numero : null));
      this.numeroDe.set(marcheId, found);
    }
    return found;
  }
}

/** Marché numbers are compared as people type them: case and runs of spaces forgiven. */
function normaliserNumero(numero: string): string {
  return numero.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
}

function erreur(ligne: LigneHeures, colonne: ErreurLigne['colonne'], code: string, message: string): ErreurLigne {
  return { ligne: ligne.ligne, colonne, code, message };
}
