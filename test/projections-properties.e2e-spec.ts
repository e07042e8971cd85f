import fc from 'fast-check';
import { contratsAutorises, peutEtreAttributaire, type BaseJuridique, type Modalite, type TypeContrat, type TypeEntreprise } from '@suivi/domain';
import { startTestApi, FACILITATRICE, type TestApi } from './support/api-app';
import { siretValide } from './support/fixtures';
import { connectLog, fuzzSeed, type LogProbe, mixedCase, preview, PROJECTIONS, todayInParis, toJson, upperCaseIds } from './support/http-invariants';

/**
 * Property: every sequence of commands the API accepts is projected. fast-check generates
 * sequences at the HTTP level with edge values of every field (0.01 h and 220 h, 0 and
 * 10,000,000 required hours, texts at their maximum length, accents and emoji, ids in upper or
 * mixed case); a model kept by the test from what the API accepted says what each projection
 * must show. After each sequence: every projection's checkpoint reaches the head of the log
 * (none stopped at an event), and the totals are the sums of the latest values (hours after
 * corrections, required hours after avenants). Each run has its own donneur d'ordre, so runs
 * are read apart. A command the bounds accept but the API refuses is reported too.
 * FUZZ_SEED replays a run, PROPS_RUNS sets the number of runs.
 */

const SEED = fuzzSeed();
const RUNS = Number(process.env.PROPS_RUNS ?? 20);
const TODAY = todayInParis();

// ---------------------------------------------------------------------------------------------
// Generated values: edge values of each field, all within the bounds.

const WORDS = 'Réhabilitation énergétique du collège Émile-Zola à Chenôve, lot gros œuvre ; ';
function texteMax(n: number): string {
  let s = '';
  while (s.length < n) s += WORDS;
  return `x${s.slice(1, n - 1)}x`.slice(0, n);
}
const CONTROLE = /[\u0000-\u001f\u007f-\u009f]/;
const texteValide = (max: number) => (s: string) => {
  const t = s.trim();
  return t.length > 0 && t.length <= max && [...t].length <= max && !CONTROLE.test(t) && !/\p{Cs}/u.test(t);
};

/** A text the bounds accept (trimmed, no control character, at most `max` characters and UTF-16 units). */
const texte = (max: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('Dijon', 'Société d’économie mixte « Œuvre » — Ça, là, où', 'Chantier 🚧 solidaire 👷‍♀️ ✨🏗️', "Robert'); DROP TABLE event_store.events; --", '<script>alert(1)</script>', '  espaces autour  ', 'Ligne\u2028séparée', 'Ünïcödé ÆØÅ ß 漢字 עברית العربية') },
    { weight: 1, arbitrary: fc.constant(texteMax(max)) },
    { weight: 1, arbitrary: fc.constant(`  ${texteMax(max)}  `) },
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter(texteValide(max)) },
  );

type Casse = 'minuscules' | 'MAJUSCULES' | 'casse mêlée';
const casse = fc.constantFrom<Casse>('minuscules', 'MAJUSCULES', 'casse mêlée');
const enCasse = (id: string, c: Casse) => (c === 'MAJUSCULES' ? id.toUpperCase() : c === 'casse mêlée' ? mixedCase(id) : id);

/** Hours in hundredths: integers, so that the model's sums are exact. */
const heuresMois = fc.oneof(fc.constantFrom(1, 22_000, 15_167, 750), fc.integer({ min: 1, max: 22_000 }));
const heuresCorrigees = fc.oneof(fc.constantFrom(0, 1, 22_000), fc.integer({ min: 0, max: 22_000 }));
/** A marché's required hours in hundredths: strictly positive (0 is refused by the domain), at most 10,000,000 h. */
const heuresPrevues = fc.oneof(fc.constantFrom(1, 100_000, 1_000_000_000, 999_999_999), fc.integer({ min: 1, max: 1_000_000_000 }));

const SECTEURS = ['btp', 'services', 'prestations_intellectuelles'] as const;

const placementStep = fc.record({
  t: fc.constant('placement' as const),
  s: fc.nat(),
  m: fc.nat(),
  e: fc.nat(),
  mois: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(12)),
  modalite: fc.constantFrom('embauche_directe', 'formation', 'mise_a_disposition'),
  contrat: fc.constantFrom('cdi', 'cdd', 'cddi', 'interim', 'contrat_pro', 'apprentissage', 'formation'),
  casse,
});

const scenario = fc.record({
  donneur: fc.record({
    nom: texte(500),
    region: texte(500),
    type: fc.constantFrom('collectivite', 'etat', 'bailleur_social', 'etablissement_public', 'prive'),
    id: fc.option(fc.uuid().map((u) => u.toUpperCase())),
  }),
  operation: fc.record({ nom: texte(500), commune: texte(500), casse }),
  marches: fc.array(
    fc.record({
      numero: texte(100),
      objet: texte(500),
      secteur: fc.constantFrom(...SECTEURS),
      /** Sent with btp only (required there, refused elsewhere). */
      sousSecteur: fc.constantFrom('batiment', 'travaux_publics'),
      baseJuridique: fc.constantFrom('L2112-2', 'L2152-7', 'L2113-12', 'L2113-13', 'marche_insertion'),
      heuresPrevues,
      debut: fc.constantFrom('2024-01-01', '2024-09-15', '2025-01-01'),
      fin: fc.constantFrom('2025-06-30', '2025-12-31', '2026-03-31'),
      id: fc.option(fc.uuid().map((u) => mixedCase(u))),
      casse,
    }),
    { minLength: 1, maxLength: 2 },
  ),
  entreprises: fc.array(
    fc.record({ raisonSociale: texte(500), type: fc.constantFrom('classique', 'etti', 'ei', 'aci', 'geiq'), espaces: fc.boolean(), casse }),
    { minLength: 1, maxLength: 2 },
  ),
  salaries: fc.array(
    fc.record({
      nom: texte(200),
      prenom: texte(200),
      commune: texte(200),
      sexe: fc.constantFrom('F', 'M'),
      naissance: fc.constantFrom('1960-03-01', '1990-05-05', '2003-07-14'),
      quartierQpv: fc.option(texte(500)),
      adresse: fc.option(texte(500)),
      niveauFormation: fc.constantFrom('infra_3', '3', '4', '5', '6', '7', '8'),
      validation: fc.constantFrom('2023-12-01', '2024-01-01'),
      casse,
    }),
    { minLength: 2, maxLength: 3 },
  ),
  placements: fc.array(placementStep, { minLength: 1, maxLength: 3 }),
  steps: fc.array(
    fc.oneof(
      { weight: 2, arbitrary: placementStep },
      { weight: 9, arbitrary: fc.record({ t: fc.constant('heures' as const), p: fc.nat(), mois: fc.nat(), c: heuresMois, casse }) },
      { weight: 4, arbitrary: fc.record({ t: fc.constant('correction' as const), d: fc.nat(), c: heuresCorrigees, motif: texte(500), casse }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('fin' as const), p: fc.nat(), jours: fc.nat(90), sortie: fc.constantFrom('cdi', 'cdd_moins_6_mois', 'formation_qualifiante', 'abandon', 'autre'), casse }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('avenant' as const), m: fc.nat(), c: fc.option(heuresPrevues), fin: fc.option(fc.constantFrom('2025-09-30', '2025-12-31', '2026-06-30')), motif: texte(500), casse }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('suivi' as const), m: fc.nat(), suivi: fc.boolean(), casse }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('cloture' as const), m: fc.nat(), jours: fc.nat(700), casse }) },
      {
        weight: 1,
        arbitrary: fc.record({
          t: fc.constant('objectifs' as const),
          annee: fc.integer({ min: 2000, max: 2100 }),
          heures: fc.constantFrom(0, 1, 30_000_000, 10_000_000_000),
          part: fc.constantFrom(0, 1, 0.2, 0.25),
          personnes: fc.constantFrom(0, 45, 1_000_000),
        }),
      },
    ),
    { minLength: 6, maxLength: 20 },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// The model: what the API accepted, and what the projections must show of it.

interface MarcheM {
  id: string;
  donneurOrdreId: string;
  numero: string;
  secteur: string;
  sousSecteur: string | null;
  debut: string;
  fin: string;
  cloture: string | null;
  prevues: number;
  suivi: boolean;
  attributaires: string[];
}
interface PlacementM {
  id: string;
  salarie: SalarieM;
  marche: MarcheM;
  entreprise: string;
  typeEmployeur: string;
  modalite: string;
  debut: string;
  fin: string | null;
  mois: Map<string, DeclarationM>;
}
interface DeclarationM {
  id: string;
  placement: PlacementM;
  mois: string;
  c: number;
}
interface SalarieM {
  id: string;
  parMois: Map<string, number>;
}

const moisDe = (d: string) => d.slice(0, 7);
const ajouterMois = (mois: string, n: number) => {
  const [y, m] = mois.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
};
const ajouterJours = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const minStr = (a: string, b: string) => (a < b ? a : b);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const h = (c: number) => c / 100;

describe('projections: every accepted sequence of commands is projected, totals are the sums of the latest values', () => {
  let api: TestApi;
  let probe: LogProbe;
  let baseUrl: string;
  let siret = 800_000;
  let lastPosition = 0;
  const violations: string[] = [];
  const all = { marches: [] as MarcheM[], declarations: [] as DeclarationM[], objectifs: new Map<number, { heures: number; part: number; personnes: number }>() };
  const stats = { runs: 0, commands: 0, accepted: 0, refused: 0, skipped: 0 };
  const skips: Record<string, number> = {};
  const skip = (kind: string) => {
    stats.skipped++;
    skips[kind] = (skips[kind] ?? 0) + 1;
  };

  beforeAll(async () => {
    console.log(`projections-properties: FUZZ_SEED=${SEED} PROPS_RUNS=${RUNS} (replay: FUZZ_SEED=${SEED} npx jest test/projections-properties)`);
    api = await startTestApi('props');
    await api.app.listen(0, '127.0.0.1');
    baseUrl = `${await api.app.getUrl()}/api`;
    probe = await connectLog(api.db.url);
  });

  afterAll(async () => {
    console.log(
      `projections-properties summary: seed=${SEED} runs=${stats.runs} commands=${stats.commands} (accepted ${stats.accepted}, refused ${stats.refused}; steps the model could not make acceptable ${stats.skipped} ${JSON.stringify(skips)}) declarations=${all.declarations.length} runs with violations=${violations.length}`,
    );
    await probe?.close();
    await api?.close();
  });

  async function http(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? api.entetes : { 'content-type': 'application/json', ...api.entetes },
      body: body === undefined ? undefined : toJson(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }

  async function runScenario(sc: Scenario, run: number): Promise<void> {
    stats.runs++;
    const found: string[] = [];
    const problem = (what: string) => found.push(what);

    /** A command the bounds and the model accept: answers its id, or null (and a violation) when refused. */
    async function command(label: string, method: string, path: string, body: unknown, success = method === 'PUT' ? 200 : 201): Promise<string | null> {
      stats.commands++;
      const res = await http(method, path, body);
      if (res.status !== success) {
        stats.refused++;
        problem(`accepted-by-the-bounds command refused: ${label}\n      → ${method} ${path} ${preview(toJson(body), 400)}\n      ← ${res.status} ${preview(res.text, 400)}`);
        return null;
      }
      stats.accepted++;
      const upper = upperCaseIds(res.body);
      if (upper.length) problem(`${label}: id answered in upper case ${upper.join(', ')}`);
      if (typeof res.body?.position === 'number') lastPosition = Math.max(lastPosition, res.body.position);
      return typeof res.body?.id === 'string' ? res.body.id : null;
    }

    // The run's referential: its own donneur d'ordre, so that its figures are read apart.
    const donneurNom = sc.donneur.nom.trim();
    const donneurOrdreId = await command('POST /donneurs-ordre', 'POST', '/donneurs-ordre', { ...(sc.donneur.id ? { id: sc.donneur.id } : {}), nom: sc.donneur.nom, type: sc.donneur.type, region: sc.donneur.region });
    if (!donneurOrdreId) {
      violations.push(`run ${run}: ${found.join('\n    ')}`);
      return;
    }
    if (sc.donneur.id && donneurOrdreId !== sc.donneur.id.toLowerCase()) problem(`chosen id ${sc.donneur.id} answered as ${donneurOrdreId}`);
    const operationId = await command('POST /operations', 'POST', '/operations', { donneurOrdreId: enCasse(donneurOrdreId, sc.operation.casse), nom: sc.operation.nom, commune: sc.operation.commune });
    const entreprises: Array<{ id: string; type: string }> = [];
    for (const e of sc.entreprises) {
      const s = siretValide(++siret);
      const id = await command('POST /entreprises', 'POST', '/entreprises', { siret: e.espaces ? s.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4') : s, raisonSociale: e.raisonSociale, type: e.type });
      if (id) entreprises.push({ id, type: e.type });
    }
    const marches: MarcheM[] = [];
    for (const m of sc.marches) {
      if (!operationId) break;
      const id = await command('POST /marches', 'POST', '/marches', {
        ...(m.id ? { id: m.id } : {}),
        donneurOrdreId: enCasse(donneurOrdreId, m.casse),
        operationId: enCasse(operationId, m.casse),
        numero: m.numero,
        objet: m.objet,
        secteur: m.secteur,
        ...(m.secteur === 'btp' ? { sousSecteur: m.sousSecteur } : {}),
        baseJuridique: m.baseJuridique,
        heuresPrevues: h(m.heuresPrevues),
        dateDebut: m.debut,
        dateFin: m.fin,
      });
      if (!id) continue;
      if (m.id && id !== m.id.toLowerCase()) problem(`chosen id ${m.id} answered as ${id}`);
      const marche: MarcheM = { id, donneurOrdreId, numero: m.numero.trim(), secteur: m.secteur, sousSecteur: m.secteur === 'btp' ? m.sousSecteur : null, debut: m.debut, fin: m.fin, cloture: null, prevues: m.heuresPrevues, suivi: false, attributaires: [] };
      marches.push(marche);
      all.marches.push(marche);
      // Every entreprise of the run that the marché's legal basis admits works on it: the first one as titulaire.
      for (const [i, e] of entreprises.filter((x) => peutEtreAttributaire(m.baseJuridique as BaseJuridique, x.type as TypeEntreprise)).entries()) {
        const ok = await command('POST /marches/{id}/attributions', 'POST', `/marches/${enCasse(id, m.casse)}/attributions`, { entrepriseId: enCasse(e.id, m.casse), role: i === 0 ? 'titulaire' : 'cotraitant' });
        if (ok) marche.attributaires.push(e.id);
      }
    }
    const salaries: SalarieM[] = [];
    for (const s of sc.salaries) {
      const id = await command('POST /salaries', 'POST', '/salaries', {
        nom: s.nom,
        prenom: s.prenom,
        sexe: s.sexe,
        dateNaissance: s.naissance,
        ...(s.adresse !== null ? { adresse: s.adresse } : {}),
        commune: s.commune,
        quartierQpv: s.quartierQpv,
        niveauFormation: s.niveauFormation,
      });
      if (!id) continue;
      const ok = await command('POST /salaries/{id}/eligibilites', 'POST', `/salaries/${enCasse(id, s.casse)}/eligibilites`, { criteres: ['brsa'], dateValidation: s.validation });
      if (ok) salaries.push({ id, parMois: new Map() });
    }

    // The steps, each made acceptable by the model (or skipped when it cannot be).
    const placements: PlacementM[] = [];
    const declarations: DeclarationM[] = [];
    const objectifsFixes = new Set<number>();
    for (const step of [...sc.placements, ...sc.steps]) {
      switch (step.t) {
        case 'placement': {
          const marche = marches.length ? marches[step.m % marches.length] : undefined;
          const salarie = salaries.length ? salaries[step.s % salaries.length] : undefined;
          if (!marche || !salarie || marche.cloture || !marche.attributaires.length) {
            skip(step.t);
            break;
          }
          let modalite = step.modalite;
          let employeur = marche.attributaires[step.e % marche.attributaires.length];
          let utilisatrice: string | null = null;
          const miseADisposition = entreprises.filter((e) => e.type === 'etti' || e.type === 'geiq');
          if (modalite === 'mise_a_disposition') {
            if (!miseADisposition.length) modalite = 'embauche_directe';
            else {
              employeur = miseADisposition[step.e % miseADisposition.length].id;
              utilisatrice = marche.attributaires[0];
            }
          }
          // The step's contract when it fits the modalité and the employer, else one that does.
          const typeEmployeur = entreprises.find((e) => e.id === employeur)!.type as TypeEntreprise;
          const possibles = contratsAutorises(modalite as Modalite, typeEmployeur);
          const contrat = possibles.includes(step.contrat as TypeContrat) ? step.contrat : possibles[step.e % possibles.length];
          const debutMois = ajouterMois(moisDe(marche.debut), step.mois);
          let debut = debutMois === moisDe(marche.debut) ? marche.debut : `${debutMois}-01`;
          debut = minStr(minStr(debut, marche.fin), TODAY.day);
          if (debut < marche.debut || placements.some((p) => p.salarie === salarie && p.marche === marche && p.entreprise === employeur && p.fin === null)) {
            skip(step.t);
            break;
          }
          const id = await command('POST /placements', 'POST', '/placements', {
            salarieId: enCasse(salarie.id, step.casse),
            marcheId: enCasse(marche.id, step.casse),
            entrepriseId: enCasse(employeur, step.casse),
            entrepriseUtilisatriceId: utilisatrice === null ? null : enCasse(utilisatrice, step.casse),
            modalite,
            typeContrat: contrat,
            dateDebut: debut,
          });
          if (id) placements.push({ id, salarie, marche, entreprise: employeur, typeEmployeur, modalite, debut, fin: null, mois: new Map() });
          break;
        }
        case 'heures': {
          const p = placements.length ? placements[step.p % placements.length] : undefined;
          if (!p || p.marche.cloture) {
            skip(step.t);
            break;
          }
          let dernier = minStr(moisDe(p.marche.fin), TODAY.month);
          if (p.fin) dernier = minStr(dernier, moisDe(p.fin));
          const possibles: string[] = [];
          for (let mois = moisDe(p.debut); mois <= dernier; mois = ajouterMois(mois, 1)) {
            if (mois >= moisDe(p.marche.debut) && !p.mois.has(mois) && (p.salarie.parMois.get(mois) ?? 0) < 22_000) possibles.push(mois);
          }
          if (!possibles.length) {
            skip(step.t);
            break;
          }
          const mois = possibles[step.mois % possibles.length];
          const c = Math.min(step.c, 22_000 - (p.salarie.parMois.get(mois) ?? 0));
          const id = await command('POST /placements/{id}/heures', 'POST', `/placements/${enCasse(p.id, step.casse)}/heures`, { mois, heures: h(c) });
          if (id) {
            const d: DeclarationM = { id, placement: p, mois, c };
            p.mois.set(mois, d);
            p.salarie.parMois.set(mois, (p.salarie.parMois.get(mois) ?? 0) + c);
            declarations.push(d);
            all.declarations.push(d);
          }
          break;
        }
        case 'correction': {
          const d = declarations.length ? declarations[step.d % declarations.length] : undefined;
          if (!d) {
            skip(step.t);
            break;
          }
          const p = d.placement;
          const autres = (p.salarie.parMois.get(d.mois) ?? 0) - d.c;
          let c = Math.min(step.c, 22_000 - autres);
          if (p.fin && d.mois > moisDe(p.fin)) c = 0;
          if (c > d.c && p.marche.cloture) c = 0;
          if (c === d.c) c = d.c > 0 ? 0 : -1;
          if (c < 0) {
            skip(step.t);
            break;
          }
          const ok = await command('POST /declarations/{id}/corrections', 'POST', `/declarations/${enCasse(d.id, step.casse)}/corrections`, { heures: h(c), motif: step.motif });
          if (ok) {
            p.salarie.parMois.set(d.mois, autres + c);
            d.c = c;
          }
          break;
        }
        case 'fin': {
          const p = placements.length ? placements[step.p % placements.length] : undefined;
          if (!p || p.fin) {
            skip(step.t);
            break;
          }
          const avecHeures = [...p.mois.values()].filter((d) => d.c > 0).map((d) => d.mois).sort();
          const dernierMois = avecHeures.length ? avecHeures[avecHeures.length - 1] : moisDe(p.debut);
          let fin = `${dernierMois}-01` < p.debut ? p.debut : `${dernierMois}-01`;
          fin = minStr(ajouterJours(fin, step.jours), TODAY.day);
          if (fin < p.debut) {
            skip(step.t);
            break;
          }
          const ok = await command('POST /placements/{id}/fin', 'POST', `/placements/${enCasse(p.id, step.casse)}/fin`, { dateFin: fin, sortie: step.sortie });
          if (ok) p.fin = fin;
          break;
        }
        case 'avenant': {
          const m = marches.length ? marches[step.m % marches.length] : undefined;
          if (!m || m.cloture) {
            skip(step.t);
            break;
          }
          const changeHeures = step.c !== null && step.c !== m.prevues;
          const changeFin = step.fin !== null && step.fin !== m.fin && step.fin >= m.debut;
          if (!changeHeures && !changeFin) {
            skip(step.t);
            break;
          }
          const ok = await command('POST /marches/{id}/avenants', 'POST', `/marches/${enCasse(m.id, step.casse)}/avenants`, {
            ...(changeHeures ? { heuresPrevues: h(step.c!) } : {}),
            ...(changeFin ? { dateFin: step.fin } : {}),
            motif: step.motif,
          });
          if (ok) {
            if (changeHeures) m.prevues = step.c!;
            if (changeFin) m.fin = step.fin!;
          }
          break;
        }
        case 'suivi': {
          const m = marches.length ? marches[step.m % marches.length] : undefined;
          if (!m) {
            skip(step.t);
            break;
          }
          const ok = await command('PUT /marches/{id}/suivi-regional', 'PUT', `/marches/${enCasse(m.id, step.casse)}/suivi-regional`, { suivi: step.suivi });
          if (ok) m.suivi = step.suivi;
          break;
        }
        case 'cloture': {
          const m = marches.length ? marches[step.m % marches.length] : undefined;
          if (!m || m.cloture) {
            skip(step.t);
            break;
          }
          const date = minStr(ajouterJours(m.debut, step.jours), TODAY.day);
          const ok = await command('POST /marches/{id}/cloture', 'POST', `/marches/${enCasse(m.id, step.casse)}/cloture`, { date });
          if (ok) m.cloture = date;
          break;
        }
        case 'objectifs': {
          const ok = await command('POST /objectifs/{annee}', 'POST', `/objectifs/${step.annee}`, { heures: h(step.heures), partQpvPersonnes: step.part, personnesEnEmploi: step.personnes });
          if (ok) {
            all.objectifs.set(step.annee, { heures: step.heures, part: step.part, personnes: step.personnes });
            objectifsFixes.add(step.annee);
          }
          break;
        }
      }
    }

    // The read side follows the log: no projection stopped, every checkpoint at the head.
    const behind = await probe.waitForProjections(PROJECTIONS, 10_000);
    if (behind) problem(`projections do not reach the head of the log: ${behind}`);

    const read = async (path: string) => {
      const res = await http('GET', `${path}${path.includes('?') ? '&' : '?'}apres=${lastPosition}`);
      if (res.status !== 200) {
        problem(`GET ${path}&apres=${lastPosition} answered ${res.status} ${preview(res.text, 300)}`);
        return null;
      }
      const upper = upperCaseIds(res.body);
      if (upper.length) problem(`GET ${path}: id answered in upper case ${upper.join(', ')}`);
      return res.body;
    };
    const expectEqual = (what: string, actual: unknown, expected: unknown) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) problem(`${what}: API ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)} (sum of the latest accepted values)`);
    };

    // Hours: the run's donneur d'ordre, each sector, each marché, and the whole store.
    const runDecls = declarations;
    const indicateurs = await read(`/indicateurs?donneurOrdreId=${enCasse(donneurOrdreId, 'MAJUSCULES')}`);
    if (indicateurs) {
      expectEqual(`GET /indicateurs?donneurOrdreId (run ${run}) heuresRealisees`, indicateurs.heuresRealisees, h(sum(runDecls.map((d) => d.c))));
      for (const secteur of SECTEURS) {
        const attendu = h(sum(runDecls.filter((d) => d.placement.marche.secteur === secteur).map((d) => d.c)));
        expectEqual(`GET /indicateurs?donneurOrdreId (run ${run}) heuresParSecteur.${secteur}`, indicateurs.heuresParSecteur?.[secteur], attendu);
      }
      // The breakdowns of the same hours: by the placement's modalité, by the kind of its employer.
      for (const modalite of ['embauche_directe', 'mise_a_disposition', 'sous_traitance_siae', 'formation']) {
        const attendu = h(sum(runDecls.filter((d) => d.placement.modalite === modalite).map((d) => d.c)));
        expectEqual(`GET /indicateurs?donneurOrdreId (run ${run}) heuresParModalite.${modalite}`, indicateurs.heuresParModalite?.[modalite], attendu);
      }
      for (const type of ['classique', 'ei', 'ai', 'aci', 'etti', 'geiq', 'esat', 'ea']) {
        const attendu = h(sum(runDecls.filter((d) => d.placement.typeEmployeur === type).map((d) => d.c)));
        expectEqual(`GET /indicateurs?donneurOrdreId (run ${run}) heuresParTypeEmployeur.${type}`, indicateurs.heuresParTypeEmployeur?.[type], attendu);
      }
    }
    const global = await read('/indicateurs');
    if (global) expectEqual('GET /indicateurs (whole store) heuresRealisees', global.heuresRealisees, h(sum(all.declarations.map((d) => d.c))));

    for (const m of marches) {
      const decls = runDecls.filter((d) => d.placement.marche === m);
      const parMarche = await read(`/indicateurs?marcheId=${enCasse(m.id, 'casse mêlée')}`);
      if (parMarche) expectEqual(`GET /indicateurs?marcheId=${m.id} heuresRealisees`, parMarche.heuresRealisees, h(sum(decls.map((d) => d.c))));
      const conformite = await read(`/marches/${enCasse(m.id, 'MAJUSCULES')}/conformite`);
      if (conformite) {
        const jusqua = m.cloture ? minStr(moisDe(m.cloture), TODAY.month) : TODAY.month;
        expectEqual(`GET /marches/${m.id}/conformite heuresPrevues`, conformite.heuresPrevues, h(m.prevues));
        expectEqual(`GET /marches/${m.id}/conformite heuresRealisees`, conformite.heuresRealisees, h(sum(decls.filter((d) => d.mois <= jusqua).map((d) => d.c))));
        expectEqual(`GET /marches/${m.id}/conformite dateFin`, conformite.dateFin, m.fin);
        expectEqual(`GET /marches/${m.id}/conformite dateCloture`, conformite.dateCloture, m.cloture);
        if (conformite.marcheId !== m.id) problem(`GET /marches/{id}/conformite marcheId ${conformite.marcheId} instead of ${m.id}`);
      }
    }

    const liste = await read(`/marches?donneurOrdreId=${enCasse(donneurOrdreId, 'casse mêlée')}&taillePage=500`);
    if (liste) {
      expectEqual(`GET /marches?donneurOrdreId (run ${run}) total`, liste.total, marches.length);
      expectEqual(
        `GET /marches?donneurOrdreId (run ${run}) items`,
        [...(liste.items ?? [])].map((i: any) => ({ id: i.id, numero: i.numero, heuresPrevues: i.heuresPrevues, suiviRegional: i.suiviRegional })).sort((a, b) => a.id.localeCompare(b.id)),
        marches.map((m) => ({ id: m.id, numero: m.numero, heuresPrevues: h(m.prevues), suiviRegional: m.suivi })).sort((a, b) => a.id.localeCompare(b.id)),
      );
    }

    // The regional coordination's own projection: the marchés it follows now, with their whole history.
    const coordination = await read('/coordination-regionale/marches?taillePage=500');
    if (coordination) {
      const suivis = (coordination.items ?? []).filter((i: any) => i.donneurOrdreId === donneurOrdreId);
      expectEqual(
        `GET /coordination-regionale/marches (run ${run}) followed marchés`,
        suivis.map((i: any) => ({ id: i.id, donneurOrdreNom: i.donneurOrdreNom, numero: i.numero, heuresPrevues: i.heuresPrevues, heuresRealisees: i.heuresRealisees })).sort((a: any, b: any) => a.id.localeCompare(b.id)),
        marches
          .filter((m) => m.suivi)
          .map((m) => ({ id: m.id, donneurOrdreNom: donneurNom, numero: m.numero, heuresPrevues: h(m.prevues), heuresRealisees: h(sum(runDecls.filter((d) => d.placement.marche === m && d.mois <= TODAY.month).map((d) => d.c))) }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
    }
    const coordinationTotaux = await read('/coordination-regionale/indicateurs');
    if (coordinationTotaux) {
      const suivis = all.marches.filter((m) => m.suivi);
      expectEqual('GET /coordination-regionale/indicateurs marchesSuivis', coordinationTotaux.marchesSuivis, suivis.length);
      expectEqual('GET /coordination-regionale/indicateurs heuresPrevues', coordinationTotaux.heuresPrevues, h(sum(suivis.map((m) => m.prevues))));
      expectEqual('GET /coordination-regionale/indicateurs heuresRealisees', coordinationTotaux.heuresRealisees, h(sum(all.declarations.filter((d) => d.placement.marche.suivi).map((d) => d.c))));
    }

    // The write side agrees: each placement's total after corrections.
    for (const p of placements) {
      const res = await http('GET', `/placements/${enCasse(p.id, 'MAJUSCULES')}`);
      if (res.status !== 200) problem(`GET /placements/${p.id} answered ${res.status} ${preview(res.text, 200)}`);
      else expectEqual(`GET /placements/${p.id} heuresTotales`, res.body.heuresTotales, h(sum([...p.mois.values()].map((d) => d.c))));
    }

    for (const annee of objectifsFixes) {
      const bilan = await read(`/bilans/${annee}`);
      const o = all.objectifs.get(annee)!;
      if (bilan) {
        expectEqual(`GET /bilans/${annee} objectifs`, {
          heures: bilan.objectifs?.heures?.objectif,
          partQpvPersonnes: bilan.objectifs?.partQpvPersonnes?.objectif,
          personnesEnEmploi: bilan.objectifs?.personnesEnEmploi?.objectif,
        }, { heures: h(o.heures), partQpvPersonnes: o.part, personnesEnEmploi: o.personnes });
      }
    }

    if (found.length) violations.push(`run ${run} (${sc.steps.length} steps, ${declarations.length} declarations):\n    ${found.join('\n    ')}`);
  }

  it(`projects every accepted sequence; checkpoints reach the head; totals are the sums of the latest values (FUZZ_SEED=${SEED})`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        await runScenario(sc, ++run);
        if (process.env.FUZZ_FAIL_FAST && violations.length) throw new Error(violations[0]);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (violations.length) throw new Error(`${violations.length} run(s) with violations (FUZZ_SEED=${SEED}):\n\n${violations.join('\n\n')}`);
  }, 120_000);
});
