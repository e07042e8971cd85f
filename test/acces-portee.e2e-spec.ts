import { randomUUID } from 'node:crypto';
import { siretValide } from './support/fixtures';
import { startTestApi, type TestApi } from './support/api-app';

/**
 * Issue 14, row-level scopes: one policy decides for every route and every row. An acheteur sees only
 * their donneur d'ordre's marchés, opérations, compliance and indicators: another donneur d'ordre's row
 * answers exactly what an unknown id answers, lists, filters, sorts and pages never reach it, and the
 * indicators are their scope's without asking. Only the facilitatrice (and the admin when configured)
 * sees a salarié's identity.
 *
 * Two donneurs d'ordre, A and B, whose marchés interleave in every sort order; the expected figures are
 * computed from the ledger below with plain arithmetic, and the acheteur's answers are also compared with
 * an auditeur's answers to the same request filtered on A (both are masked alike by the statistical secret).
 */

const DATE = '2025-06-30';
const STATUTS = ['en_avance', 'conforme', 'en_retard', 'atteint', 'non_atteint'] as const;
const TRIS = ['numero', 'tauxRealisation', 'heuresRealisees', 'heuresManquantes', 'heuresPrevues', 'dateFin'] as const;
const SECTEURS = ['btp', 'services', 'prestations_intellectuelles'] as const;

interface MarcheL {
  cle: string;
  donneurOrdre: 'A' | 'B';
  operation: string;
  secteur: (typeof SECTEURS)[number];
  sousSecteur?: string;
  heuresPrevues: number;
  dateFin: string;
  /** Hours per month, from January 2025. */
  heuresParMois: number[];
  cloture?: string;
  /** Compliance at DATE, by the documented definition (attendues = 1000 × 181 / 365 ≈ 495.9 for a 2025 marché). */
  statut: (typeof STATUTS)[number];
  id?: string;
}

// Numbers interleave A and B, so any filtering done after sorting or paging would show.
const MARCHES: MarcheL[] = [
  { cle: 'M-01', donneurOrdre: 'A', operation: 'A1', secteur: 'btp', sousSecteur: 'batiment', heuresPrevues: 1000, dateFin: '2025-12-31', heuresParMois: [100, 100, 100, 100, 100], statut: 'conforme' },
  { cle: 'M-02', donneurOrdre: 'B', operation: 'B1', secteur: 'btp', sousSecteur: 'batiment', heuresPrevues: 1000, dateFin: '2025-12-31', heuresParMois: [100, 100, 100, 100, 100], statut: 'conforme' },
  { cle: 'M-03', donneurOrdre: 'A', operation: 'A1', secteur: 'services', heuresPrevues: 1000, dateFin: '2025-12-31', heuresParMois: [50, 50], statut: 'en_retard' },
  { cle: 'M-04', donneurOrdre: 'B', operation: 'B2', secteur: 'services', heuresPrevues: 1000, dateFin: '2025-12-31', heuresParMois: [180, 180, 180, 180, 180], statut: 'en_avance' },
  { cle: 'M-05', donneurOrdre: 'A', operation: 'A2', secteur: 'prestations_intellectuelles', heuresPrevues: 800, dateFin: '2025-12-31', heuresParMois: [], statut: 'en_retard' },
  { cle: 'M-06', donneurOrdre: 'B', operation: 'B1', secteur: 'btp', sousSecteur: 'travaux_publics', heuresPrevues: 1200, dateFin: '2025-12-31', heuresParMois: [100], statut: 'en_retard' },
  { cle: 'M-07', donneurOrdre: 'A', operation: 'A2', secteur: 'btp', sousSecteur: 'travaux_publics', heuresPrevues: 300, dateFin: '2025-03-31', heuresParMois: [100, 100, 100], cloture: '2025-03-31', statut: 'atteint' },
  { cle: 'M-08', donneurOrdre: 'B', operation: 'B2', secteur: 'services', heuresPrevues: 300, dateFin: '2025-03-31', heuresParMois: [50, 50], cloture: '2025-03-31', statut: 'non_atteint' },
];

describe('portée des lectures : un acheteur ne voit que son donneur d’ordre, seule la facilitatrice voit les identités', () => {
  let api: TestApi;
  let apres = 0;
  const ids: Record<string, string> = {};
  let acheteurA: Record<string, string>;
  let auditeur: Record<string, string>;
  let admin: Record<string, string>;
  let coordination: Record<string, string>;
  let salarieIdentifie = '';
  let placementIdentifie = '';

  const ecrire = async (res: Promise<{ status: number; body: any }>, attendu = 201) => {
    const { status, body } = await res;
    expect({ status, body }).toMatchObject({ status: attendu });
    apres = Math.max(apres, body.position ?? 0);
    return body.id as string;
  };
  /** A read as `qui` once the projections include every write above. */
  const lire = (chemin: string, qui: Record<string, string>) => api.get(`${chemin}${chemin.includes('?') ? '&' : '?'}apres=${apres}`, qui);
  const corps = async (chemin: string, qui: Record<string, string>) => {
    const res = await lire(chemin, qui);
    expect({ chemin, status: res.status }).toEqual({ chemin, status: 200 });
    const { fraicheur: _f, ...reste } = res.body;
    return reste;
  };
  const deA = () => MARCHES.filter((m) => m.donneurOrdre === 'A');
  const heures = (ms: MarcheL[], du = '2025-01', au = '2025-12') =>
    ms.reduce((s, m) => s + m.heuresParMois.reduce((t, h, i) => t + (`2025-${String(i + 1).padStart(2, '0')}` >= du && `2025-${String(i + 1).padStart(2, '0')}` <= au ? h : 0), 0), 0);

  beforeAll(async () => {
    api = await startTestApi('acces_portee');
    for (const d of ['A', 'B']) {
      ids[d] = await ecrire(api.post('/donneurs-ordre', { nom: `Donneur ${d}`, type: 'collectivite', region: 'Bourgogne-Franche-Comté' }));
      for (const o of ['1', '2']) ids[`${d}${o}`] = await ecrire(api.post('/operations', { donneurOrdreId: ids[d], nom: `Opération ${d}${o}`, commune: 'Dijon' }));
    }
    const entreprise = await ecrire(api.post('/entreprises', { siret: siretValide(4242), raisonSociale: 'Titulaire SA', type: 'classique' }));
    for (const m of MARCHES) {
      m.id = await ecrire(
        api.post('/marches', {
          donneurOrdreId: ids[m.donneurOrdre],
          operationId: ids[m.operation],
          numero: m.cle,
          objet: `Marché ${m.cle}`,
          secteur: m.secteur,
          ...(m.sousSecteur ? { sousSecteur: m.sousSecteur } : {}),
          baseJuridique: 'L2112-2',
          heuresPrevues: m.heuresPrevues,
          dateDebut: '2025-01-01',
          dateFin: m.dateFin,
        }),
      );
      await ecrire(api.post(`/marches/${m.id}/attributions`, { entrepriseId: entreprise, role: 'titulaire' }));
      if (m.heuresParMois.length === 0) continue;
      const salarie = await ecrire(
        api.post('/salaries', {
          nom: `Martin ${m.cle}`,
          prenom: 'Camille',
          sexe: 'F',
          dateNaissance: '1990-03-12',
          adresse: '12 rue des Lilas',
          commune: 'Dijon',
          quartierQpv: null,
          niveauFormation: '3',
        }),
      );
      await ecrire(api.post(`/salaries/${salarie}/eligibilites`, { criteres: ['deld'], dateValidation: '2024-12-01' }));
      const placement = await ecrire(
        api.post('/placements', { salarieId: salarie, marcheId: m.id, entrepriseId: entreprise, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-01-02' }),
      );
      for (const [i, h] of m.heuresParMois.entries()) await ecrire(api.post(`/placements/${placement}/heures`, { mois: `2025-${String(i + 1).padStart(2, '0')}`, heures: h }));
      if (m.cloture) {
        await ecrire(api.post(`/placements/${placement}/fin`, { dateFin: m.cloture, sortie: 'cdi' }));
        await ecrire(api.post(`/marches/${m.id}/cloture`, { date: m.cloture }));
      }
      if (!salarieIdentifie) [salarieIdentifie, placementIdentifie] = [salarie, placement];
    }
    acheteurA = api.auth(await api.jetonPour('acheteur', { identifiant: 'acheteur-a', donneurOrdreId: ids.A }));
    auditeur = api.auth(await api.jetonPour('auditeur'));
    admin = api.auth(await api.jetonPour('admin'));
    coordination = api.auth(await api.jetonPour('coordination'));
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  const marcheB = () => MARCHES.filter((m) => m.donneurOrdre === 'B').map((m) => m.id!);

  describe('lectures par identifiant', () => {
    it("voit son donneur d'ordre, ses opérations et ses marchés", async () => {
      expect(await corps(`/donneurs-ordre/${ids.A}`, acheteurA)).toMatchObject({ id: ids.A, nom: 'Donneur A' });
      for (const o of ['A1', 'A2']) expect(await corps(`/operations/${ids[o]}`, acheteurA)).toMatchObject({ id: ids[o], donneurOrdreId: ids.A });
      for (const m of deA()) {
        expect(await corps(`/marches/${m.id}`, acheteurA)).toMatchObject({ id: m.id, donneurOrdreId: ids.A, numero: m.cle });
        expect(await corps(`/marches/${m.id}/conformite?date=${DATE}`, acheteurA)).toMatchObject({ marcheId: m.id, statut: m.statut });
      }
    });

    it("ce qui est à B répond exactement ce que répond un identifiant inconnu (404, même code, même message), quelle que soit la casse, avec ou sans apres et date", async () => {
      const routes: Array<[string, string[]]> = [
        ['/donneurs-ordre/:id', [ids.B]],
        ['/operations/:id', [ids.B1, ids.B2]],
        ['/marches/:id', marcheB()],
        ['/marches/:id/conformite', marcheB()],
        ['/marches/:id/conformite?date=2025-12-31', marcheB()],
      ];
      for (const [route, deB] of routes) {
        const inconnu = await lire(route.replace(':id', randomUUID()), acheteurA);
        expect({ route, status: inconnu.status, code: inconnu.body.code }).toEqual({ route, status: 404, code: expect.stringMatching(/_INTROUVABLE$/) });
        for (const id of deB) {
          for (const variante of [id, id.toUpperCase()]) {
            const res = await lire(route.replace(':id', variante), acheteurA);
            expect({ route, id, status: res.status, body: res.body }).toEqual({ route, id, status: 404, body: inconnu.body });
            // Without ?apres= too: the same answer.
            const sansApres = await api.get(route.replace(':id', variante), acheteurA);
            expect({ route, id, status: sansApres.status, body: sansApres.body }).toEqual({ route, id, status: 404, body: inconnu.body });
          }
          // The row exists: the facilitatrice and the auditeur read it.
          expect((await lire(route.replace(':id', id), {})).status).toBe(200);
          expect((await lire(route.replace(':id', id), auditeur)).status).toBe(200);
        }
      }
    });
  });

  describe('GET /marches', () => {
    /** The acheteur's list for `query`: only A's rows, and exactly the auditeur's list of the same request on A. */
    const verifierListe = async (query: string, oracle: string | null) => {
      const liste = await corps(`/marches?date=${DATE}${query}`, acheteurA);
      expect({ query, horsPortee: liste.items.filter((m: any) => m.donneurOrdreId !== ids.A) }).toEqual({ query, horsPortee: [] });
      if (oracle !== null) expect({ query, liste }).toEqual({ query, liste: await corps(`/marches?date=${DATE}${oracle}`, auditeur) });
      return liste;
    };

    it('ne liste que ses marchés, avec leur statut à la date, et un total qui ne compte qu’eux', async () => {
      const liste = await verifierListe('&taillePage=500', `&taillePage=500&donneurOrdreId=${ids.A}`);
      expect(liste.total).toBe(deA().length);
      expect(Object.fromEntries(liste.items.map((m: any) => [m.numero, m.statut]))).toEqual(Object.fromEntries(deA().map((m) => [m.cle, m.statut])));
      // B's marchés are there for the others: the filter is the scope's.
      expect((await corps(`/marches?date=${DATE}&taillePage=500`, auditeur)).total).toBe(MARCHES.length);
    });

    it("chaque filtre, chaque statut : les identifiants de B, seuls ou mêlés aux siens, répondent la liste vide d'un identifiant inconnu", async () => {
      const inconnu = randomUUID();
      const filtres: Array<{ query: string; horsPortee: boolean }> = [
        { query: '', horsPortee: false },
        { query: `&donneurOrdreId=${ids.A}`, horsPortee: false },
        ...['A1', 'A2'].map((o) => ({ query: `&operationId=${ids[o]}`, horsPortee: false })),
        ...SECTEURS.map((s) => ({ query: `&secteur=${s}`, horsPortee: false })),
        { query: `&donneurOrdreId=${ids.A}&operationId=${ids.A1}&secteur=btp`, horsPortee: false },
        { query: `&donneurOrdreId=${ids.B}`, horsPortee: true },
        { query: `&donneurOrdreId=${ids.B.toUpperCase()}`, horsPortee: true },
        ...['B1', 'B2'].map((o) => ({ query: `&operationId=${ids[o]}`, horsPortee: true })),
        { query: `&donneurOrdreId=${ids.A}&operationId=${ids.B1}`, horsPortee: true },
        { query: `&donneurOrdreId=${ids.B}&operationId=${ids.A1}`, horsPortee: true },
        { query: `&donneurOrdreId=${ids.B}&secteur=btp`, horsPortee: true },
      ];
      for (const statut of ['', ...STATUTS.map((s) => `&statut=${s}`)]) {
        for (const { query, horsPortee } of filtres) {
          const q = `${statut}${query}&taillePage=500`;
          const liste = await verifierListe(q, query.includes('donneurOrdreId') ? null : `${q}&donneurOrdreId=${ids.A}`);
          if (horsPortee) {
            const vide = await corps(`/marches?date=${DATE}${statut}&donneurOrdreId=${inconnu}&taillePage=500`, acheteurA);
            expect({ q, liste }).toEqual({ q, liste: vide });
            expect(liste).toMatchObject({ items: [], total: 0 });
          }
        }
        // By statut, the ledger's A marchés and none of B's (en_avance and non_atteint are only B's).
        const attendus = deA().filter((m) => !statut || m.statut === statut.slice('&statut='.length));
        const parStatut = await verifierListe(`${statut}&taillePage=500`, null);
        expect({ statut, numeros: parStatut.items.map((m: any) => m.numero).sort() }).toEqual({ statut, numeros: attendus.map((m) => m.cle).sort() });
      }
    });

    it('chaque clé de tri, chaque ordre, chaque taille de page et chaque page : les pages mises bout à bout sont sa liste, sans rien de B', async () => {
      for (const tri of TRIS) {
        for (const ordre of ['asc', 'desc']) {
          const base = `&tri=${tri}&ordre=${ordre}`;
          const complete = await verifierListe(`${base}&taillePage=500`, `${base}&taillePage=500&donneurOrdreId=${ids.A}`);
          expect(complete.total).toBe(deA().length);
          for (let taillePage = 1; taillePage <= deA().length + 1; taillePage++) {
            const vus: unknown[] = [];
            const dernierePage = Math.ceil(deA().length / taillePage) + 1;
            for (let page = 1; page <= dernierePage; page++) {
              const q = `${base}&taillePage=${taillePage}&page=${page}`;
              const morceau = await verifierListe(q, `${q}&donneurOrdreId=${ids.A}`);
              expect({ q, total: morceau.total, page: morceau.page, taillePage: morceau.taillePage }).toEqual({ q, total: deA().length, page, taillePage });
              vus.push(...morceau.items);
            }
            expect({ tri, ordre, taillePage, vus }).toEqual({ tri, ordre, taillePage, vus: complete.items });
          }
        }
      }
    }, 120_000);
  });

  describe('GET /indicateurs et /indicateurs/series', () => {
    const perimetres = [
      '',
      'annee=2025',
      'annee=2024',
      'du=2025-02-01&au=2025-04-30',
      ...SECTEURS.map((s) => `secteur=${s}`),
      'operationId=:A1',
      'operationId=:A2',
      'marcheId=:M-01',
      'marcheId=:M-07',
    ];
    const avecIds = (q: string) =>
      q.replace(/:([A-Z0-9-]+)/g, (_, cle: string) => (cle.startsWith('M-') ? MARCHES.find((m) => m.cle === cle)!.id! : ids[cle]));

    it("sans rien demander, ses chiffres sont ceux de son donneur d'ordre : ceux de l'auditeur filtrés sur A", async () => {
      for (const p of perimetres.map(avecIds)) {
        const siens = await corps(`/indicateurs?${p}`, acheteurA);
        expect({ p, siens }).toEqual({ p, siens: await corps(`/indicateurs?${p}${p ? '&' : ''}donneurOrdreId=${ids.A}`, auditeur) });
        expect(siens.perimetre.donneurOrdreId).toBe(ids.A);
      }
      const tout = await corps('/indicateurs?annee=2025', acheteurA);
      expect(tout).toMatchObject({ heuresRealisees: heures(deA()), donneursOrdre: 1, operations: 2, marches: 3 });
      expect(await corps('/indicateurs?du=2025-02-01&au=2025-04-30', acheteurA)).toMatchObject({ heuresRealisees: heures(deA(), '2025-02', '2025-04') });
      expect(await corps('/indicateurs?annee=2025', auditeur)).toMatchObject({ heuresRealisees: heures(MARCHES), donneursOrdre: 2 });
    });

    it("les identifiants de B, seuls ou mêlés aux siens, répondent ce que répond un identifiant inconnu : des chiffres nuls", async () => {
      const inconnu = randomUUID();
      const horsPortee: Array<[string, string, string]> = [
        ['donneurOrdreId', ids.B, ''],
        ['donneurOrdreId', ids.B.toUpperCase(), ''],
        ['operationId', ids.B1, ''],
        ['operationId', ids.B2, 'annee=2025&'],
        ['marcheId', MARCHES[1].id!, ''],
        ['marcheId', MARCHES[3].id!, 'secteur=services&'],
        ['operationId', ids.B1, `donneurOrdreId=${ids.A}&`],
        ['marcheId', MARCHES[3].id!, `operationId=${ids.A1}&`],
      ];
      for (const [champ, id, autres] of horsPortee) {
        const res = await corps(`/indicateurs?${autres}${champ}=${id}`, acheteurA);
        const reference = await corps(`/indicateurs?${autres}${champ}=${inconnu}`, acheteurA);
        expect({ champ, id, autres, res }).toEqual({ champ, id, autres, res: { ...reference, perimetre: { ...reference.perimetre, [champ]: id.toLowerCase() } } });
        expect(res).toMatchObject({ heuresRealisees: 0, marches: 0, donneursOrdre: 0 });
        const filtres = autres.replace('annee=2025&', ''); // a series takes years, not a period
        const serie = await corps(`/indicateurs/series?de=2024&a=2026&${filtres}${champ}=${id}`, acheteurA);
        expect({ champ, id, serie }).toEqual({ champ, id, serie: await corps(`/indicateurs/series?de=2024&a=2026&${filtres}${champ}=${inconnu}`, acheteurA) });
        expect(serie.items.every((a: any) => a.heuresRealisees === 0 && a.donneursOrdre === 0)).toBe(true);
      }
    });

    it("la série est celle de son donneur d'ordre, année par année", async () => {
      for (const p of perimetres.filter((q) => !/annee|du=/.test(q)).map(avecIds)) {
        const serie = await corps(`/indicateurs/series?de=2024&a=2026${p ? `&${p}` : ''}`, acheteurA);
        expect({ p, serie }).toEqual({ p, serie: await corps(`/indicateurs/series?de=2024&a=2026${p ? `&${p}` : ''}&donneurOrdreId=${ids.A}`, auditeur) });
      }
      const serie = await corps('/indicateurs/series?de=2024&a=2026', acheteurA);
      expect(serie.items.map((a: any) => [a.annee, a.heuresRealisees, a.donneursOrdre])).toEqual([
        [2024, 0, 0],
        [2025, heures(deA()), 1],
        [2026, 0, 0],
      ]);
      expect((await corps('/indicateurs/series?de=2025&a=2025', auditeur)).items[0]).toMatchObject({ heuresRealisees: heures(MARCHES), donneursOrdre: 2 });
    });
  });

  describe('GET /bilans/{annee}', () => {
    it("le bilan de l'acheteur est celui de son donneur d'ordre, sans les objectifs du financeur ; ceux de B ne donnent rien", async () => {
      const sien = await corps('/bilans/2025', acheteurA);
      const deAVuParLAuditeur = await corps(`/bilans/2025?donneurOrdreId=${ids.A}`, auditeur);
      expect(sien.indicateurs).toEqual(deAVuParLAuditeur.indicateurs);
      expect(sien.operations).toEqual(deAVuParLAuditeur.operations);
      expect(sien.marches).toEqual(deAVuParLAuditeur.marches);
      expect(sien.marches.every((m: any) => m.donneurOrdreId === ids.A)).toBe(true);
      expect(sien.indicateurs).toMatchObject({ heuresRealisees: heures(deA()), donneursOrdre: 1 });
      expect(sien.objectifs).toBeNull();
      // What the acheteur asked, not the scope added to it.
      expect(sien.perimetre).not.toHaveProperty('porteeDonneurOrdreId');
      for (const filtre of [`donneurOrdreId=${ids.B}`, `operationId=${ids.B1}`, `marcheId=${MARCHES[1].id}`]) {
        const horsPortee = await corps(`/bilans/2025?${filtre}`, acheteurA);
        expect({ filtre, heures: horsPortee.indicateurs.heuresRealisees, marches: horsPortee.marches, operations: horsPortee.operations }).toEqual({
          filtre,
          heures: 0,
          marches: [],
          operations: [],
        });
      }
      // The XLSX and the CSV are the same report.
      expect((await lire('/bilans/2025?format=xlsx', acheteurA)).status).toBe(200);
      expect((await lire('/bilans/2025?format=csv', acheteurA)).text).not.toContain(MARCHES[1].cle);
    });
  });

  describe('rôles', () => {
    it("l'acheteur et l'auditeur n'écrivent rien ; la coordination ne lit ni les marchés ni les indicateurs", async () => {
      for (const qui of [acheteurA, auditeur, coordination]) {
        expect((await api.post('/donneurs-ordre', { nom: 'X', type: 'etat', region: 'R' }, qui)).status).toBe(403);
        expect((await api.post(`/marches/${MARCHES[0].id}/cloture`, {}, qui)).status).toBe(403);
      }
      for (const chemin of ['/marches', `/marches/${MARCHES[0].id}`, '/indicateurs', `/donneurs-ordre/${ids.A}`]) {
        expect({ chemin, status: (await lire(chemin, coordination)).status }).toEqual({ chemin, status: 403 });
      }
      // The acheteur's refused routes, even on their own rows.
      for (const chemin of [`/salaries/${salarieIdentifie}`, `/placements/${placementIdentifie}`, '/exports/consolidation/2025', '/coordination-regionale/marches']) {
        expect({ chemin, status: (await lire(chemin, acheteurA)).status }).toEqual({ chemin, status: 403 });
      }
    });
  });

  describe('identités des salariés', () => {
    const IDENTITE = { nom: 'Martin M-01', prenom: 'Camille', dateNaissance: '1990-03-12', adresse: '12 rue des Lilas' };
    const MASQUEE = { nom: null, prenom: null, dateNaissance: null, adresse: null };

    it("la facilitatrice voit l'identité ; l'auditeur et l'administrateur (par défaut) lisent la même personne sans elle", async () => {
      const vue = await corps(`/salaries/${salarieIdentifie}`, {});
      expect(vue).toMatchObject({ ...IDENTITE, identiteVisible: true, sexe: 'F', commune: 'Dijon', niveauFormation: '3' });
      for (const qui of [auditeur, admin]) {
        const sans = await corps(`/salaries/${salarieIdentifie}`, qui);
        expect(sans).toEqual({ ...vue, ...MASQUEE, identiteVisible: false });
      }
    });

    it("un placement ne porte aucune donnée d'identité, pour personne", async () => {
      for (const qui of [{}, auditeur, admin]) {
        const placement = await corps(`/placements/${placementIdentifie}`, qui);
        expect(Object.keys(placement)).toEqual(expect.not.arrayContaining(['nom', 'prenom', 'dateNaissance', 'adresse']));
        expect(JSON.stringify(placement)).not.toMatch(/Martin|Camille|1990-03-12|Lilas/);
      }
    });

    it("avec ADMIN_SEES_IDENTITIES=true, l'administrateur voit l'identité ; l'auditeur toujours pas", async () => {
      const autre = await startTestApi('acces_portee_admin', { ADMIN_SEES_IDENTITIES: 'true' });
      try {
        const salarie = (
          await autre.post('/salaries', { ...IDENTITE, sexe: 'M', commune: 'Dijon', quartierQpv: null, niveauFormation: '4' }).expect(201)
        ).body.id as string;
        const lireAvec = async (qui: Record<string, string>) => (await autre.get(`/salaries/${salarie}`, qui).expect(200)).body;
        expect(await lireAvec(autre.auth(await autre.jetonPour('admin')))).toMatchObject({ ...IDENTITE, identiteVisible: true });
        expect(await lireAvec({})).toMatchObject({ ...IDENTITE, identiteVisible: true });
        expect(await lireAvec(autre.auth(await autre.jetonPour('auditeur')))).toMatchObject({ ...MASQUEE, identiteVisible: false, sexe: 'M', niveauFormation: '4' });
      } finally {
        await autre.close();
      }
    });
  });
});
