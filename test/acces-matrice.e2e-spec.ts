import { Controller, Get, type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { UserDirectory, utilisateurIdDe } from '@suivi/access';
import type { CommandContext } from '@suivi/commands';
import { validateConfig } from '@suivi/config';
import type { Role } from '@suivi/domain';
import { Autorise, Public } from '../apps/api/src/acces/acces.decorators';
import { AccesGuard } from '../apps/api/src/acces/acces.guard';
import { Jetons } from '../apps/api/src/acces/jetons';
import { POLITIQUE, type Action } from '../apps/api/src/acces/politique';
import { type RouteDeclaree, RoutesDeclarees } from '../apps/api/src/acces/routes-declarees';
import { ApiModule } from '../apps/api/src/api.module';
import { jetonDeTest, MOT_DE_PASSE_DE_TEST, startTestApi, type TestApi } from './support/api-app';
import { placement, salarieEligible, siretValide } from './support/fixtures';
import { connectLog, type LogProbe } from './support/http-invariants';
import { jetonAlgNone, jetonAutreSecret, jetonExpire, jetonSignatureAlteree, jetonSujetInconnu } from './support/jetons-forges';

/**
 * The access matrix: every route the api serves (as RoutesDeclarees lists them, not a copy) ×
 * every role, plus no token, an expired token, forged ones, a disabled user and a user whose
 * password changed. Each request is valid and aimed at real data, so an allowed call must really
 * succeed and a refused one is refused for its caller only; a refused call must leave no event.
 * Which rows an acheteur sees is test/acces-portee.e2e-spec.ts.
 */

const ROLES: readonly Role[] = ['facilitatrice', 'acheteur', 'coordination', 'auditeur', 'admin'];

/**
 * Who may do what, as the issue states it. Pinned here on purpose: a change to POLITIQUE must be
 * a deliberate change of this table too (the first test compares them).
 */
const ROLES_ATTENDUS: Record<Action, readonly Role[]> = {
  connecte: ['facilitatrice', 'acheteur', 'coordination', 'auditeur', 'admin'],
  ecrire: ['facilitatrice', 'admin'],
  gererUtilisateurs: ['admin'],
  lireMarches: ['facilitatrice', 'acheteur', 'auditeur', 'admin'],
  lireIndicateurs: ['facilitatrice', 'acheteur', 'auditeur', 'admin'],
  lireReferentiel: ['facilitatrice', 'auditeur', 'admin'],
  lirePersonnes: ['facilitatrice', 'auditeur', 'admin'],
  lireCoordination: ['facilitatrice', 'coordination', 'auditeur', 'admin'],
  exporterConsolidation: ['facilitatrice', 'auditeur', 'admin'],
  auditer: ['auditeur', 'admin'],
};

/** The token cases, each refused on every non-public route with its own 401 code. */
const REFUS_PAR_JETON = {
  'sans jeton': 'AUTHENTIFICATION_REQUISE',
  'jeton expiré': 'JETON_EXPIRE',
  'signature altérée': 'JETON_INVALIDE',
  'alg none': 'JETON_INVALIDE',
  'autre secret': 'JETON_INVALIDE',
  'utilisateur inconnu': 'JETON_INVALIDE',
  'utilisateur désactivé': 'UTILISATEUR_DESACTIVE',
  'mot de passe changé': 'JETON_PERIME',
} as const;
type CasJeton = keyof typeof REFUS_PAR_JETON;
const CAS_JETON = Object.keys(REFUS_PAR_JETON) as CasJeton[];

type Appel = { role: Role } | { jeton: CasJeton };
const nomDe = (appel: Appel) => ('role' in appel ? appel.role : appel.jeton);

interface Requete {
  /** The concrete path (real ids), query string included. */
  chemin: string;
  corps?: object;
  /** A multipart upload instead of a JSON body. */
  fichier?: { champ: string; contenu: Buffer; nom: string };
  /** For a role's call only: this token instead of the role's usual one (a user of that role made for this request). */
  jeton?: string;
}

interface Entree {
  /** The action the route must declare ('public': no token needed). */
  action: Action | 'public';
  /** The status of an allowed, valid call. */
  succes: 200 | 201 | 202;
  /** A valid request against existing data; called again for every call that must succeed, so each may change state. */
  requete: (appel: Appel) => Promise<Requete>;
}

interface Donnees {
  donneurOrdreId: string;
  operationId: string;
  marcheId: string;
  entrepriseId: string;
  salarieId: string;
  placementId: string;
  declarationId: string;
  calibrationId: string;
  utilisateurLuId: string;
}

const contexte = (): CommandContext => ({ userId: 'test-acces-matrice', correlationId: 'test-acces-matrice', causationId: null, now: new Date() });

/** Route parameters become "any one segment"; the concrete path must match its route. */
function correspond(chemin: string, route: RouteDeclaree): boolean {
  const motif = route.chemin.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${motif}$`).test(chemin.split('?')[0]);
}

describe('matrice des accès : chaque route × chaque rôle et chaque jeton refusé', () => {
  const AUTH_SECRET = randomBytes(32).toString('hex');
  let api: TestApi;
  let log: LogProbe;
  let d: Donnees;
  let routes: RouteDeclaree[];
  let table: Record<string, Entree>;
  const jetonsDesRoles = new Map<Role, string>();
  const jetonsDesCas = new Map<CasJeton, string | null>();

  let n = 0;
  const suivant = () => ++n;

  async function cree(chemin: string, corps: object): Promise<string> {
    const res = await api.post(chemin, corps);
    if (res.status !== 201) throw new Error(`setup write ${chemin} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  const nouveauMarche = () =>
    cree('/marches', {
      donneurOrdreId: d.donneurOrdreId,
      operationId: d.operationId,
      numero: `MATRICE-${suivant()}`,
      objet: 'Réhabilitation (matrice des accès)',
      secteur: 'btp',
      sousSecteur: 'batiment',
      baseJuridique: 'L2112-2',
      heuresPrevues: 1000,
      dateDebut: '2025-01-01',
      dateFin: '2025-12-31',
    });
  const nouvelleEntreprise = () => cree('/entreprises', { siret: siretValide(50_000_000_000 + suivant()), raisonSociale: `Entreprise ${n}`, type: 'classique' });
  const nouveauSalarie = () =>
    cree('/salaries', { nom: 'Martin', prenom: 'Lou', sexe: 'F', dateNaissance: '1995-03-04', commune: 'Dijon', quartierQpv: null, niveauFormation: '4' });
  const nouveauPlacement = async () => placement(api, await salarieEligible(api), { marcheId: d.marcheId, entrepriseId: d.entrepriseId });
  async function nouvelUtilisateur(role: Role = 'auditeur'): Promise<string> {
    const identifiant = `cible-${suivant()}`;
    await api.annuaire.creer({ identifiant, role, motDePasse: MOT_DE_PASSE_DE_TEST }, contexte());
    return utilisateurIdDe(identifiant);
  }
  const tete = async () => (await log.log()).head;
  /** A one-row timesheet for a new placement: each import records one new declaration. */
  const fichierDHeures = async () => ({
    champ: 'fichier',
    contenu: Buffer.from(`placement;mois;heures\r\n${await nouveauPlacement()};03/2025;35\r\n`, 'utf8'),
    nom: 'heures.csv',
  });
  let importId: string | null = null;
  const importFait = async () => {
    if (importId === null) {
      const fichier = await fichierDHeures();
      const res = await request(api.server).post('/api/imports/heures').set(api.entetes).attach(fichier.champ, fichier.contenu, fichier.nom);
      if (res.status !== 201) throw new Error(`the matrix's import answered ${res.status}: ${JSON.stringify(res.body)}`);
      importId = res.body.id as string;
    }
    return importId;
  };
  /** A verification of the read models runs in the background, one at a time: the next may start once it ended. */
  async function finDeVerification(): Promise<void> {
    const limite = Date.now() + 60_000;
    while ((await request(api.server).get('/api/audit/verification').set('Authorization', `Bearer ${jetonsDesRoles.get('admin')}`)).body.etat === 'en_cours') {
      if (Date.now() > limite) throw new Error('the verification of the read models did not end within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** One entry per route the api serves, keyed 'METHOD /path' exactly as RoutesDeclarees lists it. */
  function construireTable(): Record<string, Entree> {
    const fixe = (chemin: string, corps?: object) => async (): Promise<Requete> => ({ chemin, corps });
    return {
      // Public
      'POST /api/auth/connexion': { action: 'public', succes: 200, requete: fixe('/api/auth/connexion', { identifiant: 'connexion-1', motDePasse: MOT_DE_PASSE_DE_TEST }) },
      'GET /health': { action: 'public', succes: 200, requete: fixe('/health') },
      'GET /ready': { action: 'public', succes: 200, requete: fixe('/ready') },

      // Any signed-in user
      'GET /api/auth/moi': { action: 'connecte', succes: 200, requete: fixe('/api/auth/moi') },
      'PUT /api/auth/mot-de-passe': {
        action: 'connecte',
        succes: 200,
        // Each allowed call changes a password: a fresh user of the calling role, so the matrix's own tokens stay valid.
        requete: async (appel) => {
          const corps = { motDePasseActuel: MOT_DE_PASSE_DE_TEST, nouveauMotDePasse: 'un tout autre mot de passe solide' };
          if (!('role' in appel)) return { chemin: '/api/auth/mot-de-passe', corps };
          const jeton = await jetonDeTest(api.app, appel.role, { identifiant: `mdp-${appel.role}-${suivant()}`, donneurOrdreId: appel.role === 'acheteur' ? d.donneurOrdreId : null });
          return { chemin: '/api/auth/mot-de-passe', corps, jeton };
        },
      },

      // Users (admins)
      'GET /api/utilisateurs': { action: 'gererUtilisateurs', succes: 200, requete: fixe('/api/utilisateurs?role=auditeur') },
      'GET /api/utilisateurs/:id': { action: 'gererUtilisateurs', succes: 200, requete: async () => ({ chemin: `/api/utilisateurs/${d.utilisateurLuId}?apres=${await tete()}` }) },
      'POST /api/utilisateurs': {
        action: 'gererUtilisateurs',
        succes: 201,
        requete: async () => ({ chemin: '/api/utilisateurs', corps: { identifiant: `nouveau-${suivant()}`, role: 'auditeur', motDePasse: 'une phrase de passe solide' } }),
      },
      'PUT /api/utilisateurs/:id/role': {
        action: 'gererUtilisateurs',
        succes: 200,
        requete: async () => ({ chemin: `/api/utilisateurs/${await nouvelUtilisateur('auditeur')}/role`, corps: { role: 'acheteur', donneurOrdreId: d.donneurOrdreId } }),
      },
      'PUT /api/utilisateurs/:id/mot-de-passe': {
        action: 'gererUtilisateurs',
        succes: 200,
        requete: async () => ({ chemin: `/api/utilisateurs/${await nouvelUtilisateur()}/mot-de-passe`, corps: { motDePasse: 'un nouveau mot de passe solide' } }),
      },
      'POST /api/utilisateurs/:id/desactivation': {
        action: 'gererUtilisateurs',
        succes: 201,
        requete: async () => ({ chemin: `/api/utilisateurs/${await nouvelUtilisateur()}/desactivation` }),
      },
      'POST /api/utilisateurs/:id/reactivation': {
        action: 'gererUtilisateurs',
        succes: 201,
        requete: async () => {
          const id = await nouvelUtilisateur();
          await api.annuaire.desactiver(id, contexte());
          return { chemin: `/api/utilisateurs/${id}/reactivation` };
        },
      },

      // Writes (the facilitation team)
      'POST /api/donneurs-ordre': { action: 'ecrire', succes: 201, requete: fixe('/api/donneurs-ordre', { nom: 'Métropole', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }) },
      'POST /api/operations': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: '/api/operations', corps: { donneurOrdreId: d.donneurOrdreId, nom: 'Collège Rameau', commune: 'Dijon' } }),
      },
      'POST /api/marches': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({
          chemin: '/api/marches',
          corps: {
            donneurOrdreId: d.donneurOrdreId,
            operationId: d.operationId,
            numero: `MATRICE-${suivant()}`,
            objet: 'Voirie',
            secteur: 'btp',
            sousSecteur: 'travaux_publics',
            baseJuridique: 'L2112-2',
            heuresPrevues: 500,
            dateDebut: '2025-01-01',
            dateFin: '2025-12-31',
          },
        }),
      },
      'POST /api/marches/:id/attributions': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/marches/${d.marcheId}/attributions`, corps: { entrepriseId: await nouvelleEntreprise(), role: 'cotraitant' } }),
      },
      'POST /api/marches/:id/avenants': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/marches/${await nouveauMarche()}/avenants`, corps: { heuresPrevues: 1200, motif: 'Tranche optionnelle affermie' } }),
      },
      'PUT /api/marches/:id/suivi-regional': {
        action: 'ecrire',
        succes: 200,
        requete: async () => ({ chemin: `/api/marches/${await nouveauMarche()}/suivi-regional`, corps: { suivi: true } }),
      },
      'POST /api/marches/:id/cloture': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/marches/${await nouveauMarche()}/cloture`, corps: { date: '2025-12-31' } }),
      },
      'POST /api/entreprises': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: '/api/entreprises', corps: { siret: siretValide(50_000_000_000 + suivant()), raisonSociale: 'Insertion Bâtiment', type: 'ei' } }),
      },
      'POST /api/salaries': {
        action: 'ecrire',
        succes: 201,
        requete: fixe('/api/salaries', { nom: 'Bernard', prenom: 'Sam', sexe: 'M', dateNaissance: '1988-07-14', commune: 'Quetigny', quartierQpv: null, niveauFormation: '3' }),
      },
      'POST /api/salaries/:id/eligibilites': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/salaries/${await nouveauSalarie()}/eligibilites`, corps: { criteres: ['deld'], dateValidation: '2025-01-15' } }),
      },
      'POST /api/salaries/:id/effacement': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/salaries/${await nouveauSalarie()}/effacement`, corps: { motif: 'demande_de_la_personne' } }),
      },
      'POST /api/placements': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({
          chemin: '/api/placements',
          corps: { salarieId: await salarieEligible(api), marcheId: d.marcheId, entrepriseId: d.entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdd', dateDebut: '2025-02-03' },
        }),
      },
      'POST /api/placements/:id/heures': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/placements/${await nouveauPlacement()}/heures`, corps: { mois: '2025-03', heures: 35 } }),
      },
      'POST /api/imports/heures': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: '/api/imports/heures', fichier: await fichierDHeures() }),
      },
      'GET /api/imports': { action: 'ecrire', succes: 200, requete: fixe('/api/imports') },
      'GET /api/imports/:id': { action: 'ecrire', succes: 200, requete: async () => ({ chemin: `/api/imports/${await importFait()}` }) },
      'GET /api/imports/:id/erreurs': { action: 'ecrire', succes: 200, requete: async () => ({ chemin: `/api/imports/${await importFait()}/erreurs` }) },
      'GET /api/imports/heures/modele.csv': { action: 'ecrire', succes: 200, requete: fixe('/api/imports/heures/modele.csv') },
      'GET /api/imports/heures/modele.xlsx': { action: 'ecrire', succes: 200, requete: fixe('/api/imports/heures/modele.xlsx') },
      'POST /api/placements/:id/fin': {
        action: 'ecrire',
        succes: 201,
        requete: async () => ({ chemin: `/api/placements/${await nouveauPlacement()}/fin`, corps: { dateFin: '2025-06-30', sortie: 'cdi' } }),
      },
      'POST /api/declarations/:id/corrections': {
        action: 'ecrire',
        succes: 201,
        // Each correction must change the hours: a new value every call.
        requete: async () => ({ chemin: `/api/declarations/${d.declarationId}/corrections`, corps: { heures: 40 + suivant() / 4, motif: 'Erreur de saisie' } }),
      },
      'POST /api/objectifs/:annee': {
        action: 'ecrire',
        succes: 201,
        requete: fixe('/api/objectifs/2025', { heures: 20000, partQpvPersonnes: 0.2, personnesEnEmploi: 30 }),
      },
      'POST /api/calibrations': { action: 'ecrire', succes: 201, requete: fixe('/api/calibrations', { montantHT: 1_000_000, partMainOeuvre: 0.5, tauxInsertion: 0.05 }) },
      'PUT /api/calibrations/metiers/:metier': {
        action: 'ecrire',
        succes: 200,
        requete: async () => ({ chemin: '/api/calibrations/metiers/plomberie', corps: { libelle: 'Plomberie', partMainOeuvre: (400 + suivant()) / 1000 } }),
      },
      'PUT /api/calibrations/cout-horaire': {
        action: 'ecrire',
        succes: 200,
        requete: async () => ({ chemin: '/api/calibrations/cout-horaire', corps: { coutHoraire: 30 + suivant() } }),
      },

      // Reads of marchés (acheteurs: their own donneur d'ordre's)
      'GET /api/donneurs-ordre/:id': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/donneurs-ordre/${d.donneurOrdreId}` }) },
      'GET /api/operations/:id': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/operations/${d.operationId}` }) },
      'GET /api/donneurs-ordre': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/donneurs-ordre?q=region&apres=${await tete()}` }) },
      'GET /api/operations': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/operations?donneurOrdreId=${d.donneurOrdreId}&q=lycee&apres=${await tete()}` }) },
      'GET /api/marches/:id': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/marches/${d.marcheId}` }) },
      'GET /api/marches': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/marches?apres=${await tete()}` }) },
      'GET /api/marches/:id/conformite': {
        action: 'lireMarches',
        succes: 200,
        requete: async () => ({ chemin: `/api/marches/${d.marcheId}/conformite?date=2025-06-30&apres=${await tete()}` }),
      },
      'GET /api/marches/:id/releve': { action: 'lireMarches', succes: 200, requete: async () => ({ chemin: `/api/marches/${d.marcheId}/releve?apres=${await tete()}` }) },

      // Indicators
      'GET /api/indicateurs': { action: 'lireIndicateurs', succes: 200, requete: async () => ({ chemin: `/api/indicateurs?annee=2025&apres=${await tete()}` }) },
      'GET /api/indicateurs/series': { action: 'lireIndicateurs', succes: 200, requete: fixe('/api/indicateurs/series?de=2024&a=2025') },

      // Reference data
      'GET /api/entreprises/:id': { action: 'lireReferentiel', succes: 200, requete: async () => ({ chemin: `/api/entreprises/${d.entrepriseId}` }) },
      'GET /api/entreprises': { action: 'lireReferentiel', succes: 200, requete: async () => ({ chemin: `/api/entreprises?q=batiment&apres=${await tete()}` }) },
      'GET /api/calibrations/:id': { action: 'lireReferentiel', succes: 200, requete: async () => ({ chemin: `/api/calibrations/${d.calibrationId}` }) },
      'GET /api/calibrations/metiers': { action: 'lireReferentiel', succes: 200, requete: fixe('/api/calibrations/metiers') },

      // People
      'GET /api/salaries/:id': { action: 'lirePersonnes', succes: 200, requete: async () => ({ chemin: `/api/salaries/${d.salarieId}` }) },
      'GET /api/placements/:id': { action: 'lirePersonnes', succes: 200, requete: async () => ({ chemin: `/api/placements/${d.placementId}` }) },
      // Without q: a name search (q) is for those who see identities only (403 RECHERCHE_NOMINATIVE_REFUSEE, test/recherche-personnes.e2e-spec.ts).
      'GET /api/salaries': { action: 'lirePersonnes', succes: 200, requete: async () => ({ chemin: `/api/salaries?apres=${await tete()}` }) },
      'GET /api/placements': { action: 'lirePersonnes', succes: 200, requete: async () => ({ chemin: `/api/placements?salarieId=${d.salarieId}&apres=${await tete()}` }) },
      'GET /api/declarations/manquantes': { action: 'lirePersonnes', succes: 200, requete: async () => ({ chemin: `/api/declarations/manquantes?mois=2025-03&apres=${await tete()}` }) },

      // Audit
      'GET /api/audit/flux/:streamId': { action: 'auditer', succes: 200, requete: async () => ({ chemin: `/api/audit/flux/marche-${d.marcheId}` }) },
      'GET /api/audit/journal': { action: 'auditer', succes: 200, requete: fixe('/api/audit/journal?du=2020-01-01') },
      'GET /api/audit/etat/:type/:id': { action: 'auditer', succes: 200, requete: async () => ({ chemin: `/api/audit/etat/salarie/${d.salarieId}?date=2100-01-01` }) },
      'GET /api/audit/verification': { action: 'auditer', succes: 200, requete: fixe('/api/audit/verification') },
      'POST /api/audit/verification': {
        action: 'auditer',
        succes: 202,
        requete: async () => {
          await finDeVerification();
          return { chemin: '/api/audit/verification' };
        },
      },

      // Regional coordination
      'GET /api/coordination-regionale/marches': { action: 'lireCoordination', succes: 200, requete: fixe('/api/coordination-regionale/marches?date=2025-06-30') },
      'GET /api/coordination-regionale/indicateurs': { action: 'lireCoordination', succes: 200, requete: fixe('/api/coordination-regionale/indicateurs?annee=2025') },

      // Yearly report and national export
      'GET /api/bilans/:annee': { action: 'lireIndicateurs', succes: 200, requete: async () => ({ chemin: `/api/bilans/2025?apres=${await tete()}` }) },
      'GET /api/exports/consolidation/:annee': { action: 'exporterConsolidation', succes: 200, requete: async () => ({ chemin: `/api/exports/consolidation/2025?apres=${await tete()}` }) },
    };
  }

  beforeAll(async () => {
    api = await startTestApi('acces_matrice', {
      AUTH_SECRET,
      // Several hundred requests from one address in a few seconds: the rate limits are not what this file tests.
      RATE_LIMIT_SIGNIN_PER_MINUTE: '10000',
      RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: '100000',
      RATE_LIMIT_WRITES_PER_SECOND: '100000',
      RATE_LIMIT_READS_PER_SECOND: '100000',
    });
    log = await connectLog(api.db.url);

    // The data every request aims at: one donneur d'ordre (the acheteur's) and what hangs from it.
    d = {} as Donnees;
    d.donneurOrdreId = await cree('/donneurs-ordre', { nom: 'Région BFC', type: 'collectivite', region: 'Bourgogne-Franche-Comté' });
    d.operationId = await cree('/operations', { donneurOrdreId: d.donneurOrdreId, nom: 'Lycée Hyppolite Fontaine', commune: 'Dijon' });
    d.marcheId = await nouveauMarche();
    d.entrepriseId = await nouvelleEntreprise();
    await cree(`/marches/${d.marcheId}/attributions`, { entrepriseId: d.entrepriseId, role: 'titulaire' });
    d.salarieId = await salarieEligible(api);
    d.placementId = await placement(api, d.salarieId, { marcheId: d.marcheId, entrepriseId: d.entrepriseId });
    d.declarationId = await cree(`/placements/${d.placementId}/heures`, { mois: '2025-02', heures: 40 });
    d.calibrationId = await cree('/calibrations', { montantHT: 500_000, metier: 'maconnerie', tauxInsertion: 0.07 });
    d.utilisateurLuId = await nouvelUtilisateur('coordination');

    // One user per role (the acheteur bound to that donneur d'ordre), and the refused tokens.
    for (const role of ROLES) {
      jetonsDesRoles.set(role, await api.jetonPour(role, role === 'acheteur' ? { identifiant: 'acheteur-a', donneurOrdreId: d.donneurOrdreId } : {}));
    }
    await jetonDeTest(api.app, 'auditeur', { identifiant: 'connexion-1' });
    const admin = jetonsDesRoles.get('admin')!;
    const desactive = await jetonDeTest(api.app, 'admin', { identifiant: 'admin-desactive' });
    await api.annuaire.desactiver(utilisateurIdDe('admin-desactive'), contexte());
    const perime = await jetonDeTest(api.app, 'admin', { identifiant: 'admin-perime' });
    await api.annuaire.modifierMotDePasse(utilisateurIdDe('admin-perime'), 'un mot de passe changé depuis', contexte());
    const jetons: Record<CasJeton, string | null> = {
      'sans jeton': null,
      'jeton expiré': jetonExpire(AUTH_SECRET, admin),
      'signature altérée': jetonSignatureAlteree(admin),
      'alg none': jetonAlgNone(admin),
      'autre secret': jetonAutreSecret(admin),
      'utilisateur inconnu': jetonSujetInconnu(AUTH_SECRET),
      'utilisateur désactivé': desactive,
      'mot de passe changé': perime,
    };
    for (const cas of CAS_JETON) jetonsDesCas.set(cas, jetons[cas]);

    routes = api.app.get(RoutesDeclarees).lister();
    table = construireTable();
  });

  afterAll(async () => {
    await log?.close();
    await api?.close();
  });

  it('la politique est celle que l’issue décrit (rôles par action)', () => {
    const normalise = (p: Record<string, readonly string[]>) => Object.fromEntries(Object.entries(p).map(([action, roles]) => [action, [...roles].sort()]));
    expect(normalise(POLITIQUE)).toEqual(normalise(ROLES_ATTENDUS));
  });

  it('RoutesDeclarees répond la méthode et le chemin servis de chaque route (préfixe api, sauf health et ready)', async () => {
    const cles = routes.map((r) => r.route);
    expect(new Set(cles).size).toBe(cles.length);
    expect(cles).toEqual(expect.arrayContaining(['POST /api/auth/connexion', 'GET /health', 'GET /ready', 'POST /api/marches/:id/avenants', 'GET /api/marches']));
    expect(routes.find((r) => r.route === 'GET /health')).toMatchObject({ controleur: 'HealthController', methode: 'health', verbe: 'GET', chemin: '/health', politique: 'public' });
    expect(routes.find((r) => r.route === 'POST /api/marches/:id/avenants')).toMatchObject({ verbe: 'POST', chemin: '/api/marches/:id/avenants', politique: 'ecrire' });
    // The paths are the served ones: an unknown path is a 404, a listed one is not.
    expect((await request(api.server).get('/api/health')).status).toBe(404);
    expect((await request(api.server).get('/health')).status).toBe(200);
  });

  it('chaque route servie a son entrée dans la table, avec l’action qu’elle déclare', () => {
    const problemes: string[] = [];
    const absentes = routes.filter((r) => !table[r.route]);
    if (absentes.length > 0) {
      problemes.push(
        `Routes served by the api but missing from the access matrix: add an entry to construireTable() in test/acces-matrice.e2e-spec.ts ` +
          `(a valid request against the test's data, the success status and the action the route must declare) for: ` +
          absentes.map((r) => `${r.route} (${r.controleur}.${r.methode}, declares ${r.politique ?? 'nothing'})`).join('; '),
      );
    }
    for (const r of routes) {
      if (table[r.route] && table[r.route].action !== r.politique) problemes.push(`${r.route} (${r.controleur}.${r.methode}) declares ${r.politique}, the matrix expects ${table[r.route].action}`);
    }
    const pasEncoreServies = Object.keys(table).filter((cle) => !routes.some((r) => r.route === cle));
    if (pasEncoreServies.length > 0) console.log(`acces-matrice: table entries not (yet) served by the api, skipped: ${pasEncoreServies.join(', ')}`);
    if (problemes.length > 0) throw new Error(problemes.join('\n'));
  });

  it('répond à chaque appel de la matrice le statut attendu, et un appel refusé n’ajoute aucun événement', async () => {
    const appels: Appel[] = [...ROLES.map((role) => ({ role })), ...CAS_JETON.map((jeton) => ({ jeton }))];
    const ecarts: string[] = [];
    const statuts = new Map<number, number>();
    let requetes = 0;
    let refusees = 0;
    let evenementsDesRefusees = 0;
    let evenementsDesAcceptees = 0;

    for (const route of routes) {
      const entree = table[route.route];
      if (!entree) continue; // reported by the test above
      let modele: Requete | null = null;
      for (const appel of appels) {
        const attendu: { status: number; code?: string } =
          entree.action === 'public'
            ? { status: entree.succes }
            : 'jeton' in appel
              ? { status: 401, code: REFUS_PAR_JETON[appel.jeton] }
              : ROLES_ATTENDUS[entree.action].includes(appel.role)
                ? { status: entree.succes }
                : { status: 403, code: 'ACCES_REFUSE' };
        // A call that must succeed gets a fresh request (it changes state); a refused one reuses one valid request.
        const req = attendu.status < 400 ? await entree.requete(appel) : (modele ??= await entree.requete(appel));
        if (!correspond(req.chemin, route)) throw new Error(`the matrix's request for ${route.route} goes to ${req.chemin}, another route`);
        const jeton = 'role' in appel ? (req.jeton ?? jetonsDesRoles.get(appel.role)!) : jetonsDesCas.get(appel.jeton)!;

        const avant = (await log.log()).count;
        let envoi = request(api.server)[route.verbe.toLowerCase() as 'get' | 'post' | 'put'](req.chemin);
        if (jeton !== null) envoi = envoi.set('Authorization', `Bearer ${jeton}`);
        const res = await (req.fichier ? envoi.attach(req.fichier.champ, req.fichier.contenu, req.fichier.nom) : req.corps === undefined ? envoi : envoi.send(req.corps));
        const ajoutes = (await log.log()).count - avant;

        requetes++;
        statuts.set(res.status, (statuts.get(res.status) ?? 0) + 1);
        const refus = res.status === 401 || res.status === 403;
        if (refus) {
          refusees++;
          evenementsDesRefusees += ajoutes;
        } else {
          evenementsDesAcceptees += ajoutes;
        }
        const code = (res.body as { code?: string } | undefined)?.code;
        const ok = res.status === attendu.status && (attendu.code === undefined || code === attendu.code);
        if (!ok || (refus && ajoutes !== 0)) {
          ecarts.push(
            `${route.route} [${nomDe(appel)}]: expected ${attendu.status}${attendu.code ? ` ${attendu.code}` : ''}, got ${res.status} ${code ?? JSON.stringify(res.body).slice(0, 160)}` +
              (refus && ajoutes !== 0 ? `, and ${ajoutes} event(s) stored by a refused request` : ''),
          );
        }
      }
    }

    const servies = routes.filter((r) => table[r.route]).length;
    console.log(
      `acces-matrice: ${servies} routes × ${appels.length} calls (${ROLES.length} roles + ${CAS_JETON.length} token cases: ${CAS_JETON.join(', ')}) = ${requetes} requests | ` +
        `statuses ${[...statuts.entries()].sort(([a], [b]) => a - b).map(([s, k]) => `${s}×${k}`).join(' ')} | ` +
        `refused (401/403) ${refusees}, events they stored ${evenementsDesRefusees} (accepted requests stored ${evenementsDesAcceptees}) | mismatches ${ecarts.length}`,
    );
    expect(ecarts).toEqual([]);
    expect(evenementsDesRefusees).toBe(0);
    expect(requetes).toBe(servies * appels.length);
    // The matrix must exercise both sides for every role: something allowed, something refused (admin aside: allowed everywhere).
    expect(statuts.get(403)).toBeGreaterThan(0);
    expect(evenementsDesAcceptees).toBeGreaterThan(0);
  }, 180_000);

  describe('une route sans politique', () => {
    let appelsSansPolitique = 0;

    @Controller('sans-politique')
    class ControleurSansPolitique {
      @Get()
      lire() {
        appelsSansPolitique++;
        return { lu: true };
      }
    }

    @Controller('declare')
    class ControleurDeclare {
      @Get(':id')
      @Autorise('lireMarches')
      lire() {
        return { lu: true };
      }
    }

    @Controller()
    class ControleurSonde {
      @Get('sonde')
      @Public()
      sonde() {
        return { ok: true };
      }
    }

    it('RoutesDeclarees la nomme et refuse le démarrage (méthode et chemin complets dans le message)', async () => {
      const module = await Test.createTestingModule({ imports: [DiscoveryModule], controllers: [ControleurSansPolitique, ControleurDeclare, ControleurSonde], providers: [RoutesDeclarees] }).compile();
      const app = module.createNestApplication({ logger: false });
      app.setGlobalPrefix('api', { exclude: ['sonde'] });
      try {
        await expect(app.init()).rejects.toThrow(
          'Routes without an access policy (add @Autorise(action) or @Public()): ControleurSansPolitique.lire (GET /api/sans-politique)',
        );
        expect(
          module
            .get(RoutesDeclarees)
            .lister()
            .map((r) => [r.route, r.politique]),
        ).toEqual([
          ['GET /api/sans-politique', null],
          ['GET /api/declare/:id', 'lireMarches'],
          ['GET /sonde', 'public'],
        ]);
      } finally {
        await app.close();
      }
    });

    it('l’api entière refuse de démarrer avec un contrôleur sans @Autorise ni @Public', async () => {
      const config = validateConfig({ DATABASE_URL: api.db.url, LOG_LEVEL: 'silent', AUTH_SECRET, PROJECTORS_IN_PROCESS: 'false' });
      const module = await Test.createTestingModule({ imports: [ApiModule.forRoot({ config, databaseUrl: api.db.url })], controllers: [ControleurSansPolitique] }).compile();
      const app = module.createNestApplication({ logger: false });
      app.setGlobalPrefix('api', { exclude: ['health', 'ready'] });
      try {
        await expect(app.init()).rejects.toThrow(/Routes without an access policy .*: ControleurSansPolitique\.lire \(GET \/api\/sans-politique\)$/);
      } finally {
        await app.close();
      }
    });

    it('AccesGuard la ferme à tous (403 ACCES_NON_DECLARE), même à un admin, si elle était atteinte', async () => {
      let app: INestApplication | undefined;
      try {
        // The guard with the running api's own token service, users and configuration; no startup check here, so the route is served.
        const module = await Test.createTestingModule({
          controllers: [ControleurSansPolitique, ControleurDeclare],
          providers: [
            { provide: APP_GUARD, useClass: AccesGuard },
            { provide: Jetons, useValue: api.app.get(Jetons) },
            { provide: UserDirectory, useValue: api.app.get(UserDirectory) },
            { provide: ConfigService, useValue: api.app.get(ConfigService) },
          ],
        }).compile();
        app = module.createNestApplication({ logger: false });
        await app.init();
        const admin = jetonsDesRoles.get('admin')!;
        for (const entetes of [{ Authorization: `Bearer ${admin}` }, {}]) {
          const res = await request(app.getHttpServer()).get('/sans-politique').set(entetes);
          expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'ACCES_NON_DECLARE' });
        }
        expect(appelsSansPolitique).toBe(0);
        // The same guard lets a declared route through for a role its action allows: the 403 above is the missing declaration.
        expect((await request(app.getHttpServer()).get('/declare/1').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
      } finally {
        await app?.close();
      }
    });
  });
});
