import { NotFoundException } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { conformites } from '@suivi/projections';
import { restreindre, type Portee } from '../acces/portee';
import { csvFrancais, heures as heuresFr, entier as entierFr, texte as texteFr } from '../bilans/bilan.csv';
import { classeurXlsx, type Cellule, type Feuille } from '../exports-xlsx/classeur';
import { fraicheurCommune } from '../placements/placements.queries';
import type { Fraicheur } from '../read-side/freshness';
import { ProjectionReader } from '../read-side/projection-reader';
import type { Groupe } from '../secret-statistique/secret-statistique';
import { marqueDuMasque, type AvecSecret } from '../secret-statistique/secret-statistique';

/*
 * A marché's monthly statement (issue 16): its declared hours (after corrections) by month, with the number of
 * people who worked that month; and, for a caller who sees identities, by person and month. The count of people
 * of a month is a count of people (statistical secrecy); hours are not.
 */

export interface MoisReleve {
  /** `YYYY-MM`. */
  mois: string;
  heures: number;
  /** People with hours in that month. */
  salaries: number;
}

export interface LigneReleveParPersonne {
  salarieId: string;
  /** null once the person's identity is erased (efface: true). */
  nom: string | null;
  prenom: string | null;
  efface: boolean;
  mois: string;
  heures: number;
}

export interface ReleveVue {
  marcheId: string;
  numero: string;
  objet: string;
  donneurOrdreId: string;
  heuresTotal: number;
  mois: MoisReleve[];
  /** Only for a caller who sees identities (facilitatrice; admin when configured). */
  parPersonne?: LigneReleveParPersonne[];
  fraicheur: Fraicheur;
}

export class LireReleve extends Query<ReleveVue> {
  constructor(readonly marcheId: string, readonly apres: number | undefined, readonly portee: Portee) {
    super();
  }
}

interface LigneSql {
  salarie_id: string;
  mois: string;
  centiemes: string;
  nom: string | null;
  prenom: string | null;
  efface: boolean | null;
}

@QueryHandler(LireReleve)
export class LireReleveHandler implements IQueryHandler<LireReleve, ReleveVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ marcheId, apres, portee }: LireReleve): Promise<ReleveVue> {
    const fraicheur = portee.voitIdentites ? await fraicheurCommune(this.reader, ['annuaire', 'indicateurs'], apres) : await this.reader.prepare('indicateurs', apres);
    const em = this.reader.dataSource.manager;
    // Another donneur d'ordre's marché is not in an acheteur's rows: the same 404 as an unknown id.
    const [marche] = await conformites(em, restreindre({ marcheId }, portee), this.reader.today(), this.reader.tolerance);
    if (!marche) {
      throw new NotFoundException({
        code: 'MARCHE_INTROUVABLE',
        message: "Aucun marché ne porte cet identifiant dans les indicateurs : vérifiez l'URL (ou ajoutez ?apres= la position de votre écriture).",
      });
    }
    // Names are read only for a caller who sees identities.
    const lignes: LigneSql[] = await em.query(
      `SELECT d.salarie_id, d.mois, sum(d.centiemes)::bigint AS centiemes,
              ${portee.voitIdentites ? 's.nom, s.prenom, s.efface' : 'NULL::text AS nom, NULL::text AS prenom, NULL::boolean AS efface'}
         FROM indicateurs.declarations d
         ${portee.voitIdentites ? 'LEFT JOIN annuaire.salaries s ON s.id = d.salarie_id' : ''}
        WHERE d.marche_id = $1
        GROUP BY d.salarie_id, d.mois${portee.voitIdentites ? ', s.nom, s.prenom, s.efface' : ''}
        ORDER BY d.mois, d.salarie_id`,
      [marche.marcheId],
    );
    const parMois = new Map<string, { centiemes: number; salaries: number }>();
    for (const l of lignes) {
      const m = parMois.get(l.mois) ?? { centiemes: 0, salaries: 0 };
      const c = Number(l.centiemes);
      m.centiemes += c;
      if (c > 0) m.salaries += 1;
      parMois.set(l.mois, m);
    }
    const mois = [...parMois.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([m, v]) => ({ mois: m, heures: v.centiemes / 100, salaries: v.salaries }));
    const vue: ReleveVue = {
      marcheId: marche.marcheId,
      numero: marche.numero,
      objet: marche.objet,
      donneurOrdreId: marche.donneurOrdreId,
      heuresTotal: lignes.reduce((s, l) => s + Number(l.centiemes), 0) / 100,
      mois,
      fraicheur,
    };
    if (portee.voitIdentites) {
      const efface = (l: LigneSql) => l.efface === true;
      vue.parPersonne = lignes
        .filter((l) => Number(l.centiemes) !== 0)
        .map((l) => ({
          salarieId: l.salarie_id,
          nom: efface(l) ? null : l.nom,
          prenom: efface(l) ? null : l.prenom,
          efface: efface(l),
          mois: l.mois,
          heures: Number(l.centiemes) / 100,
        }))
        .sort((a, b) => cle(a).localeCompare(cle(b), 'fr') || (a.mois < b.mois ? -1 : a.mois > b.mois ? 1 : 0));
    }
    return vue;
  }
}

const cle = (l: LigneReleveParPersonne) => `${l.nom ?? '\uffff'} ${l.prenom ?? ''} ${l.salarieId}`;

/** The counts of people of a statement: each month's. */
export function groupesReleve(corps: { mois?: unknown[] }): Groupe[] {
  return (corps.mois ?? []).map((_, k): Groupe => ({ type: 'effectif', chemin: `mois[${k}].salaries` }));
}

const moisFr = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;
const NOM_EFFACE = '(identité effacée)';

/** A safe file name from the marché's numéro. */
export function nomFichierReleve(releve: { numero: string }, extension: string): string {
  return `releve-${releve.numero.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80)}.${extension}`;
}

/** The statement as an XLSX workbook: "Par mois", then "Par personne" for a caller who sees identities. */
export function releveEnXlsx(releve: AvecSecret<ReleveVue>): Promise<Buffer> {
  const feuilles: Feuille[] = [
    {
      titre: 'Par mois',
      colonnes: [
        { titre: 'Mois', type: 'mois' },
        { titre: 'Heures', type: 'heures' },
        { titre: 'Salariés (personnes)', type: 'entier' },
      ],
      lignes: [...releve.mois.map((m): Cellule[] => [m.mois, m.heures, m.salaries]), ['Total', releve.heuresTotal, undefined]],
      lignesEnGras: [releve.mois.length],
    },
  ];
  if (releve.parPersonne) {
    feuilles.push({
      titre: 'Par personne',
      colonnes: [
        { titre: 'Nom', type: 'texte' },
        { titre: 'Prénom', type: 'texte' },
        { titre: 'Mois', type: 'mois' },
        { titre: 'Heures', type: 'heures' },
      ],
      lignes: releve.parPersonne.map((p) => [p.efface ? NOM_EFFACE : (p.nom ?? undefined), p.prenom ?? undefined, p.mois, p.heures]),
    });
  }
  return classeurXlsx(feuilles, releve.secretStatistique?.seuil);
}

/**
 * The statement as a French CSV (UTF-8 with a BOM, `;`, CRLF, decimal comma, months as MM/AAAA): the table by
 * month, then, for a caller who sees identities, after a blank line, the table by person and month.
 */
export function releveEnCsv(releve: AvecSecret<ReleveVue>): string {
  const masque = marqueDuMasque(releve.secretStatistique?.seuil);
  const tables = [
    [
      ['Mois', 'Heures', 'Salariés (personnes)'],
      ...releve.mois.map((m) => [moisFr(m.mois), heuresFr(m.heures ?? 0), m.salaries === null ? masque : entierFr(m.salaries)]),
      ['Total', heuresFr(releve.heuresTotal ?? 0), ''],
    ],
  ];
  if (releve.parPersonne) {
    tables.push([
      ['Nom', 'Prénom', 'Mois', 'Heures'],
      ...releve.parPersonne.map((p) => [p.efface ? NOM_EFFACE : texteFr(p.nom ?? ''), texteFr(p.prenom ?? ''), moisFr(p.mois), heuresFr(p.heures ?? 0)]),
    ]);
  }
  return csvFrancais(tables);
}
