import type { TestApi } from './api-app';
import { siretValide } from './fixtures';
import { SORTIES } from './sorties-publiees';

/**
 * A seeded, pseudo-random scenario written through the HTTP API, and the ledger of every
 * write the API accepted. The plan is drawn from the generator before anything is written
 * (so it does not depend on server ids or on the order concurrent writes complete); the
 * ledger only records what answered 2xx. Tests compute their expected figures from the ledger
 * with plain arithmetic: nothing here imports product code.
 */

// ---------------------------------------------------------------- generator and dates

/** mulberry32: a tiny seeded generator, deterministic across runs and platforms. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Hasard {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  reel(): number {
    return this.next();
  }
  entier(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  parmi<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)];
  }
  /** Hours with 2 decimals, in hundredths, within [min, max] hours. */
  centiemes(min: number, max: number): number {
    return this.entier(min * 100, max * 100);
  }
  date(du: string, au: string): string {
    return ajouterJours(du, this.entier(0, joursEntre(du, au)));
  }
}

const JOUR_MS = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const ajouterJours = (d: string, n: number) => new Date(ms(d) + n * JOUR_MS).toISOString().slice(0, 10);
export const joursEntre = (du: string, au: string) => Math.round((ms(au) - ms(du)) / JOUR_MS);
export const moisSuivant = (m: string) => {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};
export const moisEntre = (du: string, au: string) => {
  const out: string[] = [];
  for (let m = du; m <= au; m = moisSuivant(m)) out.push(m);
  return out;
};
export const finDuMois = (m: string) => ajouterJours(`${moisSuivant(m)}-01`, -1);
/** Whole years between a birth date and a date. */
export function age(naissance: string, date: string): number {
  const [y1, m1, d1] = naissance.split('-').map(Number);
  const [y2, m2, d2] = date.split('-').map(Number);
  return y2 - y1 - (m2 < m1 || (m2 === m1 && d2 < d1) ? 1 : 0);
}
/** The age band of an age in whole years: under 26, 26 to 49, 50 and over. */
export function trancheDe(a: number): 'moins_26' | '26_49' | '50_plus' {
  return a < 26 ? 'moins_26' : a < 50 ? '26_49' : '50_plus';
}
const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);

// ---------------------------------------------------------------- the ledger

export const SECTEURS = ['btp', 'services', 'prestations_intellectuelles'] as const;

export interface DonneurOrdreL {
  id: string;
  nom: string;
}
export interface OperationL {
  id: string;
  donneurOrdreId: string;
  nom: string;
  commune: string;
}
export interface MarcheL {
  index: number;
  id: string;
  numero: string;
  donneurOrdreId: string;
  operationId: string;
  secteur: string;
  /** `batiment` / `travaux_publics` with btp, null otherwise. */
  sousSecteur: string | null;
  heuresPrevuesCentiemes: number;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
  suivi: boolean;
  titulaireId: string;
  attributaires: string[];
  /** The terms before an avenant, and the day it took effect (its event's occurredAt, Paris day): compliance before that day uses them. */
  avantAvenant?: { depuis: string; heuresPrevuesCentiemes: number; dateFin: string };
}

/** Today in Paris, the day an avenant written now takes effect. */
export const aujourdhuiAParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const retenirAvantAvenant = (m: MarcheL) => {
  m.avantAvenant ??= { depuis: aujourdhuiAParis(), heuresPrevuesCentiemes: m.heuresPrevuesCentiemes, dateFin: m.dateFin };
};
export interface EntrepriseL {
  id: string;
  type: string;
}
export interface SalarieL {
  index: number;
  id: string;
  sexe: 'F' | 'M';
  dateNaissance: string;
  /** The Paris day the API answered the registration: the day whose age gives the person's band for good. */
  enregistreLe: string;
  quartierQpv: string | null;
  niveauFormation: string;
  eligibilites: Array<{ criteres: string[]; dateValidation: string }>;
}
/** The age band at registration (the indicators' age), from the ledger: whole years on the day the person was registered. */
export const trancheALEnregistrement = (s: SalarieL) => trancheDe(age(s.dateNaissance, s.enregistreLe));
export interface PlacementL {
  id: string;
  salarieId: string;
  marcheId: string;
  entrepriseId: string;
  entrepriseUtilisatriceId: string | null;
  modalite: string;
  typeContrat: string;
  dateDebut: string;
  fin: { dateFin: string; sortie: string } | null;
}
export interface DeclarationL {
  id: string;
  placementId: string;
  salarieId: string;
  marcheId: string;
  entrepriseId: string;
  mois: string;
  centiemes: number;
}
export interface Refus {
  ecriture: string;
  status: number;
  code: string;
  attendu: { status: number; code: string } | null;
}

export interface Registre {
  seed: number;
  donneursOrdre: DonneurOrdreL[];
  operations: OperationL[];
  marches: MarcheL[];
  entreprises: EntrepriseL[];
  salaries: SalarieL[];
  placements: PlacementL[];
  declarations: DeclarationL[];
  objectifs: Map<number, { heures: number; partQpvPersonnes: number; personnesEnEmploi: number }>;
  /** Every 4xx answered, with the refusal the scenario expected (null: not expected). */
  refus: Refus[];
  ecrituresAcceptees: number;
  correctionsAcceptees: number;
  /** Global position of the last accepted write. */
  dernierePosition: number;
  /** Marché indexes with a role in the scenario. */
  roles: { cloture: number; suivis: number[]; plusSuivi: number; avenantHeures: number; avenantFin: number };
}

// ---------------------------------------------------------------- the plan

type Periode = 'A' | 'B' | 'C';
interface PlanMarche {
  operation: number;
  secteur: string;
  periode: Periode;
  heuresPrevues: number;
  dateDebut: string;
  dateFin: string;
  cotraitantEi: boolean;
  soustraitantAci: boolean;
}
interface PlanPlacement {
  marche: number;
  employeur: 'titulaire' | 'ei' | 'aci' | 'etti' | 'geiq';
  modalite: string;
  typeContrat: string;
  dateDebut: string;
  declarations: Array<{ mois: string; centiemes: number; corrections: number[] }>;
  sortie: { dateFin: string; sortie: string } | null;
}
interface PlanSalarie {
  sexe: 'F' | 'M';
  dateNaissance: string;
  quartierQpv: string | null;
  niveauFormation: string;
  eligibilites: Array<{ criteres: string[]; dateValidation: string; precision?: string }>;
  placements: PlanPlacement[];
}

const AUJOURDHUI = new Date().toISOString().slice(0, 10);
const PREMIER_MOIS = '2024-11';
const DERNIER_MOIS = '2026-02';
const CLOTURE = { marche: 0, date: '2025-07-15' };
const AVENANT_FIN = { marche: 3, dateFin: '2026-02-28' };
const AVENANT_HEURES = { marche: 4 };
const SUIVIS = [0, 4];
const PLUS_SUIVI = 7;
const QPV = ['Fontaine d’Ouche', 'Les Grésilles', 'Le Mail', 'Chenôve Centre'];
const NIVEAUX = ['infra_3', 'infra_3', '3', '3', '4', '5', '6'];

/**
 * The sub-sector of each btp marché, alternating in their order (bâtiment first): drawn without the
 * generator, so that adding it left every other draw of the scenario as it was.
 */
function sousSecteurs(marches: PlanMarche[]): Array<string | null> {
  let btp = 0;
  return marches.map((m) => (m.secteur === 'btp' ? (btp++ % 2 === 0 ? 'batiment' : 'travaux_publics') : null));
}

function planMarches(h: Hasard): PlanMarche[] {
  const periodes: Periode[] = ['A', 'A', 'A', 'B', 'B', 'B', 'B', 'C', 'C', 'C'];
  return periodes.map((periode, i) => {
    const dates =
      periode === 'A'
        ? { dateDebut: `2024-06-${String(h.entier(1, 20)).padStart(2, '0')}`, dateFin: `2025-06-${String(h.entier(10, 30)).padStart(2, '0')}` }
        : periode === 'B'
          ? { dateDebut: '2025-01-01', dateFin: '2025-12-31' }
          : { dateDebut: `2025-09-${String(h.entier(1, 15)).padStart(2, '0')}`, dateFin: '2026-03-31' };
    return {
      operation: i < 6 ? i : h.entier(0, 5),
      secteur: SECTEURS[(i + h.entier(0, 2)) % 3],
      periode,
      heuresPrevues: h.entier(6, 30) * 100 + h.parmi([0, 0, 0.5, 0.25]),
      ...dates,
      cotraitantEi: h.chance(0.5),
      soustraitantAci: h.chance(0.4),
    };
  });
}

function finEffective(m: PlanMarche, index: number): string {
  return index === AVENANT_FIN.marche ? AVENANT_FIN.dateFin : m.dateFin;
}

interface Force {
  dateDebut?: string;
  sortie?: { dateFin: string; sortie: string } | null;
}

function planPlacement(h: Hasard, marches: PlanMarche[], index: number, force: Force = {}): PlanPlacement {
  const m = marches[index];
  const fin = finEffective(m, index);
  const options: Array<Pick<PlanPlacement, 'employeur' | 'modalite' | 'typeContrat'>> = [
    { employeur: 'titulaire', modalite: 'embauche_directe', typeContrat: 'cdi' },
    { employeur: 'titulaire', modalite: 'embauche_directe', typeContrat: 'cdd' },
    { employeur: 'titulaire', modalite: 'embauche_directe', typeContrat: 'contrat_pro' },
    { employeur: 'titulaire', modalite: 'embauche_directe', typeContrat: 'apprentissage' },
    { employeur: 'titulaire', modalite: 'formation', typeContrat: 'formation' },
    { employeur: 'etti', modalite: 'mise_a_disposition', typeContrat: 'interim' },
    { employeur: 'etti', modalite: 'mise_a_disposition', typeContrat: 'interim' },
    { employeur: 'geiq', modalite: 'mise_a_disposition', typeContrat: 'contrat_pro' },
    ...(m.cotraitantEi
      ? ([
          { employeur: 'ei', modalite: 'sous_traitance_siae', typeContrat: 'cddi' },
          { employeur: 'ei', modalite: 'embauche_directe', typeContrat: 'cddi' },
        ] as const)
      : []),
    ...(m.soustraitantAci ? ([{ employeur: 'aci', modalite: 'sous_traitance_siae', typeContrat: 'cddi' }] as const) : []),
  ];
  const choix = h.parmi(options);
  const dateDebut = force.dateDebut ?? h.date(max(m.dateDebut, '2024-06-01'), min(ajouterJours(fin, -20), '2026-02-15'));
  let sortie: PlanPlacement['sortie'] = null;
  if (force.sortie !== undefined) sortie = force.sortie && { ...force.sortie };
  else if (h.chance(0.4)) sortie = { dateFin: h.date(dateDebut, min(fin, '2026-02-28')), sortie: h.parmi(SORTIES) };
  const dernierMoisPossible = min(fin.slice(0, 7), DERNIER_MOIS);
  const premierMois = max(dateDebut.slice(0, 7), PREMIER_MOIS);
  let dernierMois = dernierMoisPossible;
  if (sortie) dernierMois = min(dernierMoisPossible, sortie.dateFin.slice(0, 7));
  const declarations: PlanPlacement['declarations'] = [];
  for (const mois of premierMois <= dernierMois ? moisEntre(premierMois, dernierMois) : []) {
    if (h.chance(0.12)) continue;
    const corrections: number[] = [];
    if (h.chance(0.04)) corrections.push(h.centiemes(5, 105));
    if (h.chance(0.01)) corrections.push(h.centiemes(5, 105), h.centiemes(5, 105));
    declarations.push({ mois, centiemes: h.centiemes(8, 105), corrections });
  }
  // Some exits come after a month declared by mistake: that month is corrected to 0 first.
  if (sortie && dernierMois < dernierMoisPossible && moisSuivant(dernierMois) >= premierMois && h.chance(0.5)) {
    declarations.push({ mois: moisSuivant(dernierMois), centiemes: h.centiemes(8, 105), corrections: [0] });
  }
  return { marche: index, ...choix, dateDebut, declarations, sortie };
}

function criteresPossibles(naissance: string, quartierQpv: string | null, date: string): string[] {
  const a = age(naissance, date);
  return [
    'deld',
    'brsa',
    'rqth',
    'salarie_siae',
    'refugie',
    'sous_main_justice',
    'autre',
    ...(a < 26 ? ['jeune_peu_qualifie', 'jeune_peu_qualifie'] : []),
    ...(a >= 50 ? ['senior_demandeur', 'senior_demandeur'] : []),
    ...(quartierQpv ? ['qpv_sans_emploi', 'qpv_sans_emploi'] : []),
  ];
}

/**
 * Exits and hires are counted in people: salarié 7 is hired twice more in 2025 (CDD, then CDI) and leaves
 * three times in 2025, each a positive exit in emploi_durable; salarié 4 is hired directly under a CDDI by
 * an EI (not a hire). No hours (the monthly maximum stays out of the way), nothing drawn from the generator.
 */
function comptesEnPersonnes(marches: PlanMarche[], i: number): PlanPlacement[] {
  // Two marchés: exits are written after every placement, and one placement at a time per marché and employer.
  const titulaire = { employeur: 'titulaire', modalite: 'embauche_directe' } as const;
  if (i === 7) {
    return [
      { ...titulaire, declarations: [], marche: 5, typeContrat: 'cdd', dateDebut: '2025-09-01', sortie: { dateFin: '2025-10-31', sortie: 'cdd_6_mois_et_plus' } },
      { ...titulaire, declarations: [], marche: 4, typeContrat: 'cdi', dateDebut: '2025-11-03', sortie: { dateFin: '2025-12-15', sortie: 'cdi' } },
    ];
  }
  const avecEi = marches.findIndex((m) => m.periode === 'B' && m.cotraitantEi);
  if (i === 4 && avecEi >= 0) {
    return [{ marche: avecEi, employeur: 'ei', modalite: 'embauche_directe', typeContrat: 'cddi', dateDebut: '2025-06-02', declarations: [], sortie: null }];
  }
  return [];
}

function planSalaries(h: Hasard, marches: PlanMarche[]): PlanSalarie[] {
  const marchesA = marches.map((m, i) => (m.periode === 'A' ? i : -1)).filter((i) => i >= 0);
  const autres = marches.map((m, i) => (m.periode !== 'A' ? i : -1)).filter((i) => i >= 0);
  return Array.from({ length: 40 }, (_, i) => {
    const groupe = h.reel();
    let dateNaissance =
      groupe < 0.3 ? h.date('1998-06-01', '2006-06-30') : groupe < 0.55 ? h.date('1958-01-01', '1976-12-31') : h.date('1977-01-01', '1998-05-31');
    // Bands that change after the first hours: under 26 in February 2025 (26 on 2025-04-10), 49 in January 2025
    // (50 on 2025-06-15); registered later (the scenario runs after those days), they are 26_49 and 50_plus.
    if (i === 5) dateNaissance = '1999-04-10';
    if (i === 6) dateNaissance = '1975-06-15';
    const quartierQpv = h.chance(0.3) ? h.parmi(QPV) : null;
    const placements: PlanPlacement[] = [];
    if (i < 3) {
      // Exits in 2024: a placement on a marché of 2024-2025 ended in December 2024, then another one.
      const a = i === 0 ? CLOTURE.marche : marchesA[i];
      placements.push(
        planPlacement(h, marches, a, {
          dateDebut: `2024-${String(7 + i).padStart(2, '0')}-${String(h.entier(1, 28)).padStart(2, '0')}`,
          sortie: { dateFin: `2024-12-${String(h.entier(1, 20)).padStart(2, '0')}`, sortie: ['cdi', 'abandon', 'cdd_moins_6_mois'][i] },
        }),
      );
      placements.push(planPlacement(h, marches, h.parmi(autres)));
    } else if (i >= 4 && i < 8) {
      // Edge cases of the period 2025-03-15..2025-08-10: a start in March before the 15th, an exit in
      // August after the 10th, and people whose age band changes during 2025 (before their registration).
      const cas: Record<number, { marche: number; force: Force }> = {
        4: { marche: 5, force: { dateDebut: '2025-03-05', sortie: null } },
        5: { marche: 6, force: { dateDebut: '2025-02-03', sortie: null } },
        6: { marche: 5, force: { dateDebut: '2025-01-10', sortie: null } },
        7: { marche: 6, force: { dateDebut: '2025-04-01', sortie: { dateFin: '2025-08-20', sortie: 'cdi' } } },
      };
      placements.push(planPlacement(h, marches, cas[i].marche, cas[i].force));
      placements.push(...comptesEnPersonnes(marches, i));
    } else {
      const premier = i === 3 ? CLOTURE.marche : h.entier(0, marches.length - 1);
      placements.push(planPlacement(h, marches, premier));
      if (h.chance(0.3)) {
        let second = h.entier(0, marches.length - 1);
        if (second === premier) second = (second + 1) % marches.length;
        placements.push(planPlacement(h, marches, second));
      }
    }
    const premierDebut = placements.map((p) => p.dateDebut).sort()[0];
    const e1 = ajouterJours(premierDebut, -h.entier(0, 90));
    const c1 = criteresPossibles(dateNaissance, quartierQpv, e1);
    const criteres1 = [...new Set([h.parmi(c1), ...(h.chance(0.5) ? [h.parmi(c1)] : [])])];
    const eligibilites: PlanSalarie['eligibilites'] = [{ criteres: criteres1, dateValidation: e1 }];
    if (i === 5) {
      eligibilites.push({ criteres: ['rqth'], dateValidation: '2025-09-01' }); // after 2025-08-10, within 2025
    } else if (h.chance(0.35)) {
      const e2 = h.date('2025-03-01', '2026-01-31');
      eligibilites.push({ criteres: [h.parmi(criteresPossibles(dateNaissance, quartierQpv, e2))], dateValidation: e2 });
    }
    for (const e of eligibilites) if (e.criteres.includes('autre')) e.precision = 'Situation validée en commission';
    return { sexe: h.chance(0.4) ? 'F' : 'M', dateNaissance, quartierQpv, niveauFormation: h.parmi(NIVEAUX), eligibilites, placements };
  });
}

// ---------------------------------------------------------------- execution

type Reponse = { status: number; body: any };

class Ecrivain {
  constructor(
    private readonly api: TestApi,
    private readonly registre: Registre,
  ) {}

  /** A write the scenario expects to be accepted: its answer, or null (recorded as an unexpected refusal). */
  async ecrire(methode: 'post' | 'put', chemin: string, corps: unknown): Promise<{ id: string; position: number } | null> {
    const res: Reponse = await this.api[methode](chemin, corps);
    if (res.status === 200 || res.status === 201) {
      this.accepter(res);
      return res.body;
    }
    this.registre.refus.push({ ecriture: `${methode.toUpperCase()} ${chemin} ${JSON.stringify(corps)}`, status: res.status, code: res.body?.code, attendu: null });
    return null;
  }

  /** A write the scenario expects to be refused with this status and code. */
  async tenter(chemin: string, corps: unknown, attendu: { status: number; code: string }): Promise<void> {
    const res: Reponse = await this.api.post(chemin, corps);
    if (res.status === 200 || res.status === 201) this.accepter(res); // a refusal that did not happen: the test reports it
    this.registre.refus.push({ ecriture: `POST ${chemin} ${JSON.stringify(corps)}`, status: res.status, code: res.body?.code, attendu });
  }

  private accepter(res: Reponse): void {
    this.registre.ecrituresAcceptees++;
    this.registre.dernierePosition = Math.max(this.registre.dernierePosition, res.body.position);
  }
}

async function enParallele<T>(items: T[], largeur: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: largeur }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Writes the scenario of `seed` through the API and answers its ledger. */
export async function construireScenario(api: TestApi, seed = 20250317): Promise<Registre> {
  const h = new Hasard(seed);
  const plan = planMarches(h);
  const sousSecteurDe = sousSecteurs(plan);
  const planS = planSalaries(h, plan);
  const r: Registre = {
    seed,
    donneursOrdre: [],
    operations: [],
    marches: [],
    entreprises: [],
    salaries: [],
    placements: [],
    declarations: [],
    objectifs: new Map(),
    refus: [],
    ecrituresAcceptees: 0,
    correctionsAcceptees: 0,
    dernierePosition: 0,
    roles: { cloture: CLOTURE.marche, suivis: SUIVIS, plusSuivi: PLUS_SUIVI, avenantHeures: AVENANT_HEURES.marche, avenantFin: AVENANT_FIN.marche },
  };
  const w = new Ecrivain(api, r);

  // The referential.
  const donneurs = [
    { nom: 'Région Bourgogne-Franche-Comté', type: 'collectivite', region: 'Bourgogne-Franche-Comté' },
    { nom: 'DIR Centre-Est', type: 'etat', region: 'Bourgogne-Franche-Comté' },
    { nom: 'Grand Dijon Habitat', type: 'bailleur_social', region: 'Bourgogne-Franche-Comté' },
    { nom: 'Promoteur Valmy', type: 'prive', region: 'Bourgogne-Franche-Comté' },
  ];
  for (const d of donneurs) {
    const res = await w.ecrire('post', '/donneurs-ordre', d);
    if (res) r.donneursOrdre.push({ id: res.id, nom: d.nom });
  }
  const doDesOperations = [0, 0, 1, 2, 3, 3];
  for (const [i, di] of doDesOperations.entries()) {
    const donneurOrdreId = r.donneursOrdre[di].id;
    const operation = { donneurOrdreId, nom: `Opération ${i + 1}`, commune: h.parmi(['Dijon', 'Chenôve', 'Besançon', 'Auxerre']) };
    const res = await w.ecrire('post', '/operations', operation);
    if (res) r.operations.push({ id: res.id, ...operation });
  }
  const typesEntreprises = ['classique', 'classique', 'classique', 'classique', 'ei', 'aci', 'etti', 'geiq'];
  for (const [i, type] of typesEntreprises.entries()) {
    const res = await w.ecrire('post', '/entreprises', { siret: siretValide((seed % 1000) * 100 + i), raisonSociale: `Entreprise ${i + 1} (${type})`, type });
    if (res) r.entreprises.push({ id: res.id, type });
  }
  const parType = (type: string) => r.entreprises.filter((e) => e.type === type);
  const [ei, aci, etti, geiq] = ['ei', 'aci', 'etti', 'geiq'].map((t) => parType(t)[0].id);
  for (const [i, m] of plan.entries()) {
    const operation = r.operations[m.operation];
    const numero = `2025-M${String(i + 1).padStart(2, '0')}`;
    const res = await w.ecrire('post', '/marches', {
      donneurOrdreId: operation.donneurOrdreId,
      operationId: operation.id,
      numero,
      objet: `Lot ${i + 1}`,
      secteur: m.secteur,
      ...(sousSecteurDe[i] ? { sousSecteur: sousSecteurDe[i] } : {}),
      // Ordinary titulaires: no reserved basis (L2113-12/13, marché d'insertion), which would refuse them (422 MARCHE_RESERVE).
      baseJuridique: h.parmi(['L2112-2', 'L2112-2', 'L2152-7', 'L2112-2', 'L2152-7']),
      heuresPrevues: m.heuresPrevues,
      dateDebut: m.dateDebut,
      dateFin: m.dateFin,
    });
    if (!res) throw new Error(`marché ${i} refusé: ${JSON.stringify(r.refus)}`);
    // Ordinary companies mostly work in one trade: the first takes the bâtiment marchés, the second the travaux publics
    // ones, the last two the others; the last marché goes to the first whatever its sector, so that one company has
    // hours in two trades (its trade in entreprisesParMetier is the one with the most hours).
    const sousSecteur = sousSecteurDe[i];
    const titulaireId = parType('classique')[i === plan.length - 1 ? 0 : sousSecteur === 'batiment' ? 0 : sousSecteur === 'travaux_publics' ? 1 : 2 + (i % 2)].id;
    const marche: MarcheL = {
      index: i,
      id: res.id,
      numero,
      donneurOrdreId: operation.donneurOrdreId,
      operationId: operation.id,
      secteur: m.secteur,
      sousSecteur: sousSecteurDe[i],
      heuresPrevuesCentiemes: Math.round(m.heuresPrevues * 100),
      dateDebut: m.dateDebut,
      dateFin: m.dateFin,
      dateCloture: null,
      suivi: false,
      titulaireId,
      attributaires: [],
    };
    r.marches.push(marche);
    const attributions: Array<[string, string]> = [[titulaireId, 'titulaire']];
    if (m.cotraitantEi) attributions.push([ei, 'cotraitant']);
    if (m.soustraitantAci) attributions.push([aci, 'soustraitant']);
    for (const [entrepriseId, role] of attributions) {
      if (await w.ecrire('post', `/marches/${res.id}/attributions`, { entrepriseId, role })) marche.attributaires.push(entrepriseId);
    }
  }
  // The end-date amendment comes before the placements, which use the new period.
  const mFin = r.marches[AVENANT_FIN.marche];
  if (await w.ecrire('post', `/marches/${mFin.id}/avenants`, { dateFin: AVENANT_FIN.dateFin, motif: 'Prolongation du chantier' })) {
    retenirAvantAvenant(mFin);
    mFin.dateFin = AVENANT_FIN.dateFin;
  }
  for (const i of [...SUIVIS, PLUS_SUIVI]) {
    if (await w.ecrire('put', `/marches/${r.marches[i].id}/suivi-regional`, { suivi: true })) r.marches[i].suivi = true;
  }

  // The people, their eligibility, placements and monthly hours (one salarié's writes in order, several salariés at once).
  const employeurs = { ei, aci, etti, geiq } as Record<string, string>;
  const corrections: Array<{ declaration: DeclarationL; heures: number[] }> = [];
  const sorties: Array<{ placement: PlacementL; dateFin: string; sortie: string }> = [];
  const parSalarie = planS.map((s, index) => ({ s, index }));
  await enParallele(parSalarie, 6, async ({ s, index }) => {
    const res = await w.ecrire('post', '/salaries', {
      nom: `Nom${index}`,
      prenom: `Prénom${index}`,
      sexe: s.sexe,
      dateNaissance: s.dateNaissance,
      adresse: `${index} rue des Tests`,
      commune: s.quartierQpv ? 'Dijon' : 'Talant',
      quartierQpv: s.quartierQpv,
      niveauFormation: s.niveauFormation,
    });
    if (!res) return;
    // The day after the answer: the server's registration day unless Paris midnight fell during the request.
    const enregistreLe = aujourdhuiAParis();
    const salarie: SalarieL = { index, id: res.id, sexe: s.sexe, dateNaissance: s.dateNaissance, enregistreLe, quartierQpv: s.quartierQpv, niveauFormation: s.niveauFormation, eligibilites: [] };
    r.salaries.push(salarie);
    for (const e of s.eligibilites) {
      if (await w.ecrire('post', `/salaries/${salarie.id}/eligibilites`, e)) salarie.eligibilites.push({ criteres: e.criteres, dateValidation: e.dateValidation });
    }
    for (const p of s.placements) {
      const marche = r.marches[p.marche];
      const entrepriseId = p.employeur === 'titulaire' ? marche.titulaireId : employeurs[p.employeur];
      const entrepriseUtilisatriceId = p.modalite === 'mise_a_disposition' ? marche.titulaireId : null;
      const corps = { salarieId: salarie.id, marcheId: marche.id, entrepriseId, entrepriseUtilisatriceId, modalite: p.modalite, typeContrat: p.typeContrat, dateDebut: p.dateDebut };
      const pr = await w.ecrire('post', '/placements', corps);
      if (!pr) continue;
      const placement: PlacementL = { id: pr.id, ...corps, fin: null };
      r.placements.push(placement);
      for (const d of p.declarations) {
        const dr = await w.ecrire('post', `/placements/${placement.id}/heures`, { mois: d.mois, heures: d.centiemes / 100 });
        if (!dr) continue;
        const declaration: DeclarationL = { id: dr.id, placementId: placement.id, salarieId: salarie.id, marcheId: marche.id, entrepriseId, mois: d.mois, centiemes: d.centiemes };
        r.declarations.push(declaration);
        if (d.corrections.length > 0) corrections.push({ declaration, heures: d.corrections });
      }
      if (p.sortie) sorties.push({ placement, ...p.sortie });
    }
  });

  // Corrections (one to 0 at least: the months declared after an exit), then exits.
  for (const { declaration, heures } of corrections) {
    for (const c of heures) {
      const cible = c === declaration.centiemes ? c + 100 : c;
      if (await w.ecrire('post', `/declarations/${declaration.id}/corrections`, { heures: cible / 100, motif: 'Feuille de temps rectifiée' })) {
        declaration.centiemes = cible;
        r.correctionsAcceptees++;
      }
    }
  }
  for (const { placement, dateFin, sortie } of sorties) {
    if (await w.ecrire('post', `/placements/${placement.id}/fin`, { dateFin, sortie })) placement.fin = { dateFin, sortie };
  }

  // The closing, the hours amendment, the end of a regional follow-up, the funder's objectives.
  const mClos = r.marches[CLOTURE.marche];
  if (await w.ecrire('post', `/marches/${mClos.id}/cloture`, { date: CLOTURE.date })) mClos.dateCloture = CLOTURE.date;
  const mHeures = r.marches[AVENANT_HEURES.marche];
  const nouvellesHeures = mHeures.heuresPrevuesCentiemes + 35050;
  if (await w.ecrire('post', `/marches/${mHeures.id}/avenants`, { heuresPrevues: nouvellesHeures / 100, motif: 'Tranche optionnelle affermie' })) {
    retenirAvantAvenant(mHeures);
    mHeures.heuresPrevuesCentiemes = nouvellesHeures;
  }
  const mPlus = r.marches[PLUS_SUIVI];
  if (await w.ecrire('put', `/marches/${mPlus.id}/suivi-regional`, { suivi: false })) mPlus.suivi = false;
  const heures2025 = r.declarations.filter((d) => d.mois.startsWith('2025-')).reduce((s, d) => s + d.centiemes, 0);
  const objectifs = [
    { heures: 1000, partQpvPersonnes: 0.1, personnesEnEmploi: 50 },
    // Fixed again: replaces the first. Hours met (below the realised ones), QPV share missed, people in employment near.
    { heures: Math.floor(heures2025 / 100) - 1234.5, partQpvPersonnes: 0.85, personnesEnEmploi: 3 },
  ];
  for (const o of objectifs) if (await w.ecrire('post', '/objectifs/2025', o)) r.objectifs.set(2025, o);

  // Refusals the rules must give (nothing is recorded for them).
  r.salaries.sort((a, b) => a.index - b.index);
  const declClose = r.declarations.find((d) => d.marcheId === mClos.id && d.centiemes > 0);
  // A closed marché takes no more hours: a correction upwards is refused (downwards stays possible).
  if (declClose) await w.tenter(`/declarations/${declClose.id}/corrections`, { heures: declClose.centiemes / 100 + 1, motif: 'Trop tard' }, { status: 422, code: 'MARCHE_CLOTURE' });
  await w.tenter(`/marches/${mClos.id}/avenants`, { heuresPrevues: 99, motif: 'Trop tard' }, { status: 422, code: 'MARCHE_CLOTURE' });
  const dejaDeclaree = r.declarations.find((d) => d.centiemes > 0 && d.marcheId !== mClos.id)!;
  await w.tenter(`/placements/${dejaDeclaree.placementId}/heures`, { mois: dejaDeclaree.mois, heures: 10 }, { status: 409, code: 'DECLARATION_EXISTANTE' });
  await w.tenter(`/placements/${dejaDeclaree.placementId}/heures`, { mois: dejaDeclaree.mois, heures: 220.5 }, { status: 422, code: 'HEURES_MAX_MOIS_DEPASSEES' });
  // Two declarations of one person in one month: raising one to 220 h breaks the monthly maximum.
  const memeMois = r.declarations.find((d) =>
    r.declarations.some((o) => o !== d && o.salarieId === d.salarieId && o.mois === d.mois && o.centiemes > 0 && o.marcheId !== mClos.id) && d.marcheId !== mClos.id && d.centiemes > 0,
  );
  if (memeMois) await w.tenter(`/declarations/${memeMois.id}/corrections`, { heures: 220, motif: 'x' }, { status: 422, code: 'HEURES_MAX_MOIS_DEPASSEES' });
  const senior = r.salaries.find((s) => age(s.dateNaissance, AUJOURDHUI) >= 52);
  if (senior) await w.tenter(`/salaries/${senior.id}/eligibilites`, { criteres: ['jeune_peu_qualifie'], dateValidation: '2025-05-05' }, { status: 422, code: 'CRITERE_INCOMPATIBLE' });
  const marcheB = r.marches.find((m) => m.dateDebut === '2025-01-01' && m.dateCloture === null)!;
  const premiereEligibilite = (s: SalarieL) => s.eligibilites.map((e) => e.dateValidation).sort()[0];
  const tardif = r.salaries.find((s) => s.eligibilites.length > 0 && premiereEligibilite(s) > '2025-01-02' && premiereEligibilite(s) <= '2025-12-31');
  if (tardif) {
    await w.tenter(
      '/placements',
      { salarieId: tardif.id, marcheId: marcheB.id, entrepriseId: marcheB.titulaireId, modalite: 'embauche_directe', typeContrat: 'cdd', dateDebut: ajouterJours(premiereEligibilite(tardif), -1) },
      { status: 422, code: 'ELIGIBILITE_NON_VALIDEE' },
    );
  }
  await w.tenter(
    '/placements',
    { salarieId: r.salaries[0].id, marcheId: marcheB.id, entrepriseId: etti, modalite: 'embauche_directe', typeContrat: 'cdd', dateDebut: '2025-06-02' },
    { status: 422, code: 'ENTREPRISE_NON_ATTRIBUTAIRE' },
  );

  return r;
}

/** Waits until a projection has applied the ledger's last write (a read with ?apres= that does not answer 503). */
export async function attendreLecture(api: TestApi, chemin: string, position: number, delaiMs = 20_000): Promise<void> {
  const fin = Date.now() + delaiMs;
  for (;;) {
    const res = await api.get(`${chemin}${chemin.includes('?') ? '&' : '?'}apres=${position}`);
    if (res.status === 200) return;
    if (res.status !== 503 || Date.now() > fin) throw new Error(`${chemin} answered ${res.status}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
