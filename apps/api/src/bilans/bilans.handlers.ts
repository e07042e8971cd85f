import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { periodeChevauche } from '@suivi/domain';
import { In } from 'typeorm';
import { calculerIndicateurs, calculerRepartitions, conformites, DonneurOrdreLu, ObjectifsLus, operationsDuBilan, type Indicateurs, type OperationBilan, type Repartitions } from '@suivi/projections';
import { ProjectionReader } from '../read-side/projection-reader';
import type { PerimetreBilanDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';
import { restreindre, type Portee } from '../acces/portee';

export interface Objectif {
  objectif: number;
  realise: number;
  atteint: boolean;
}

/** One marché of the compliance scope (`conformite`), judged at `conformite.date`, with its donneur d'ordre's name. */
export interface MarcheBilan {
  marcheId: string;
  numero: string;
  objet: string;
  secteur: string;
  donneurOrdreId: string;
  donneurOrdre: string;
  operationId: string;
  dateDebut: string;
  /** The end of the period in force at the date. */
  dateFin: string;
  dateCloture: string | null;
  heuresPrevues: number;
  heuresRealisees: number;
  /** Expected at `conformite.date` by the pro-rata of the period. */
  heuresAttendues: number;
  tauxRealisation: number;
  statut: string;
  heuresManquantes: number;
  heuresApresCloture: number;
}

export interface BilanVue {
  annee: number;
  /** Hours of one full-time equivalent (setting HEURES_PAR_ETP): the divisor of `indicateurs.etp`. */
  heuresParEtp: number;
  perimetre: Record<string, unknown>;
  /** The indicators of /indicateurs, with their breakdowns (repartitions.queries.ts). */
  indicateurs: Indicateurs & Repartitions;
  /** Per opération: hours required vs realised, people (operationsDuBilan). */
  operations: OperationBilan[];
  objectifs: { heures: Objectif; partQpvPersonnes: Objectif; personnesEnEmploi: Objectif } | null;
  /**
   * The marchés whose performance period (in force at `date`, ended early by a closing) overlaps the year, judged at
   * `date`; `heuresApresCloture`: their hours of months after their closing, apart from their compliance (but in
   * `indicateurs.heuresRealisees`, since they were worked).
   */
  conformite: { date: string; marches: number; parStatut: Record<string, number>; heuresApresCloture: number };
  /** Those marchés one by one (sorted by numéro), as `conformite` counts them. */
  marches: MarcheBilan[];
  fraicheur: Fraicheur;
}

export class LireBilan extends Query<BilanVue> {
  constructor(readonly annee: number, readonly dto: PerimetreBilanDto, readonly portee: Portee) {
    super();
  }
}

/** The yearly report: every indicator of the year, the funder's objectives and whether each is met. */
@QueryHandler(LireBilan)
export class LireBilanHandler implements IQueryHandler<LireBilan, BilanVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ annee, dto, portee }: LireBilan): Promise<BilanVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const em = this.reader.dataSource.manager;
    const demande = { du: `${annee}-01-01`, au: `${annee}-12-31`, donneurOrdreId: dto.donneurOrdreId, operationId: dto.operationId, marcheId: dto.marcheId, secteur: dto.secteur };
    // An acheteur's report covers their donneur d'ordre's marchés only, whatever the filters asked.
    const perimetre = restreindre(demande, portee);
    // The same categories as /indicateurs (PERSONNES_EN_EMPLOI_CATEGORIES): the report states them in indicateurs.categoriesPersonnesEnEmploi.
    const indicateurs = {
      ...(await calculerIndicateurs(em, perimetre, this.reader.optionsIndicateurs)),
      ...(await calculerRepartitions(em, perimetre)),
    };
    const operations = await operationsDuBilan(em, perimetre);
    // The funder's objectives measure the team's whole activity: not one donneur d'ordre's share of it.
    const cibles = portee.donneurOrdreId === null ? await em.findOneBy(ObjectifsLus, { annee }) : null;
    // Compliance as at the end of the year, or today while the year runs.
    const date = [`${annee}-12-31`, this.reader.today()].sort()[0];
    const periode = { du: `${annee}-01-01`, au: `${annee}-12-31` };
    const marches = (await conformites(em, perimetre, date, this.reader.tolerance, periode)).filter((m) => periodeChevauche(m, periode.du, periode.au));
    const parStatut: Record<string, number> = {};
    for (const m of marches) parStatut[m.statut] = (parStatut[m.statut] ?? 0) + 1;
    const idsDonneursOrdre = [...new Set(marches.map((m) => m.donneurOrdreId))];
    const donneursOrdre = new Map(
      (idsDonneursOrdre.length === 0 ? [] : await em.findBy(DonneurOrdreLu, { id: In(idsDonneursOrdre) })).map((d) => [d.id, d.nom]),
    );
    return {
      annee,
      heuresParEtp: this.reader.heuresParEtp,
      perimetre: JSON.parse(JSON.stringify(demande)),
      indicateurs,
      operations,
      objectifs: cibles
        ? {
            heures: objectif(cibles.heures, indicateurs.heuresRealisees),
            partQpvPersonnes: objectif(cibles.partQpvPersonnes, indicateurs.partQpvPersonnes),
            personnesEnEmploi: objectif(cibles.personnesEnEmploi, indicateurs.personnesEnEmploi),
          }
        : null,
      conformite: {
        date,
        marches: marches.length,
        parStatut,
        heuresApresCloture: marches.reduce((s, m) => s + Math.round(m.heuresApresCloture * 100), 0) / 100,
      },
      marches: marches.map((m) => ({
        marcheId: m.marcheId,
        numero: m.numero,
        objet: m.objet,
        secteur: m.secteur,
        donneurOrdreId: m.donneurOrdreId,
        donneurOrdre: donneursOrdre.get(m.donneurOrdreId) ?? m.donneurOrdreId,
        operationId: m.operationId,
        dateDebut: m.dateDebut,
        dateFin: m.dateFin,
        dateCloture: m.dateCloture,
        heuresPrevues: m.heuresPrevues,
        heuresRealisees: m.heuresRealisees,
        heuresAttendues: m.heuresAttendues,
        tauxRealisation: m.tauxRealisation,
        statut: m.statut,
        heuresManquantes: m.heuresManquantes,
        heuresApresCloture: m.heuresApresCloture,
      })),
      fraicheur,
    };
  }
}

function objectif(cible: number, realise: number): Objectif {
  return { objectif: Number(cible), realise, atteint: realise >= Number(cible) };
}
