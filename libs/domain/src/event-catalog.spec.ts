import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DomainEvent } from './decider';
import { donneurOrdreDecider } from './donneur-ordre/donneur-ordre.decider';
import { entrepriseDecider, siretDecider } from './entreprise/entreprise.decider';
import { CATALOGUE_EVENEMENTS, documentEvenements, versionDuSchema } from './event-catalog';
import { marcheDecider } from './marche/marche.decider';
import { calibrationDecider } from './calibration/calibration.decider';
import { metiersDecider, metiersParDefaut } from './calibration/metiers';
import { objectifsDecider } from './objectifs/objectifs.decider';
import { operationDecider } from './operation/operation.decider';
import { salarieDecider, type SalarieCommand } from './salarie/salarie.decider';
import type { SalarieEvent } from './salarie/salarie.events';
import type { MarcheVu } from './placement/placement.decider';
import { rattachementDecider } from './placement/rattachement';
import { utilisateurDecider, type UtilisateurCommand, type UtilisateurState } from './utilisateur/utilisateur.decider';
import type { UtilisateurEvent } from './utilisateur/utilisateur.events';

const DOC = resolve(__dirname, '../../../docs/events.md');
const NOW = new Date('2026-06-15T10:00:00Z');

/** Event types written as `{ type: '…', data: … }` in the given/when/then specs of the domain. */
function typesEcritsDansLesSpecs(dossier = __dirname): Set<string> {
  const types = new Set<string>();
  for (const entree of readdirSync(dossier, { withFileTypes: true })) {
    const chemin = join(dossier, entree.name);
    if (entree.isDirectory()) typesEcritsDansLesSpecs(chemin).forEach((t) => types.add(t));
    else if (entree.name.endsWith('.spec.ts')) {
      for (const m of readFileSync(chemin, 'utf8').matchAll(/type: '([A-Z]\w+)',\s*data:/g)) types.add(m[1]);
    }
  }
  return types;
}

/** One run of every decider that emits each event type once: what the deciders really write. */
function evenementsEmis(): DomainEvent[] {
  const emis: DomainEvent[] = [];
  const faire = <C, E extends DomainEvent, S>(decider: { initialState: S; evolve(s: S, e: E): S; decide(c: C, s: S): E[] }, commandes: C[]) => {
    let state = decider.initialState;
    for (const commande of commandes) {
      for (const event of decider.decide(commande, state)) {
        emis.push(event);
        state = decider.evolve(state, event);
      }
    }
  };
  faire(donneurOrdreDecider, [{ type: 'EnregistrerDonneurOrdre', donneurOrdreId: 'do', nom: 'Ville de Dijon', typeDonneurOrdre: 'collectivite', region: 'BFC' }]);
  faire(operationDecider, [{ type: 'OuvrirOperation', operationId: 'op', donneurOrdreId: 'do', nom: 'Valmy', commune: 'Dijon', donneurOrdreExiste: true }]);
  faire(entrepriseDecider, [{ type: 'EnregistrerEntreprise', entrepriseId: 'ent', siret: '73282932000074', raisonSociale: 'BTP', typeEntreprise: 'classique' }]);
  faire(siretDecider, [
    { type: 'ReserverSiret', siret: '73282932000074', entrepriseId: 'ent', reservationActive: false },
    { type: 'LibererSiret', siret: '73282932000074', entrepriseId: 'ent' },
  ]);
  faire(metiersDecider, [
    { type: 'FixerTauxMainOeuvre', metier: 'maconnerie', libelle: 'Maçonnerie', partMainOeuvre: 0.55 },
    { type: 'FixerCoutHoraire', coutHoraire: 32 },
  ]);
  faire(calibrationDecider, [
    { type: 'CalculerCalibration', calibrationId: 'cal', montantHT: 1_000_000, metier: 'maconnerie', tauxInsertion: 0.05, table: metiersParDefaut },
  ]);
  faire(objectifsDecider, [{ type: 'FixerObjectifs', annee: 2025, heures: 300000, partQpvPersonnes: 0.2, personnesEnEmploi: 45 }]);
  faire(marcheDecider, [
    {
      type: 'EnregistrerMarche',
      marcheId: 'm',
      donneurOrdreId: 'do',
      operationId: 'op',
      numero: '1',
      objet: 'Gros œuvre',
      secteur: 'btp',
      sousSecteur: 'batiment',
      baseJuridique: 'L2112-2',
      heuresPrevues: 1000,
      dateDebut: '2025-01-01',
      dateFin: '2025-12-31',
      donneurOrdreExiste: true,
      operation: { donneurOrdreId: 'do' },
      calibrationId: 'cal',
      calibrationExiste: true,
    },
    { type: 'AttribuerMarche', entrepriseId: 'ent', role: 'titulaire', entreprise: { raisonSociale: 'BTP', type: 'classique' } },
    { type: 'ConclureAvenant', heuresPrevues: 1200, dateFin: '2026-12-31', motif: 'Prolongation' },
    { type: 'ChangerSuiviRegional', suivi: true },
    { type: 'ChangerSuiviRegional', suivi: false },
    { type: 'CloturerMarche', date: '2026-06-01', now: NOW },
  ]);
  const marche: MarcheVu = { marcheId: 'm', dateDebut: '2025-01-01', dateFin: '2026-12-31', dateCloture: null, attributaires: ['ent'] };
  const commandes: SalarieCommand[] = [
    {
      type: 'EnregistrerSalarie',
      salarieId: 's',
      nom: 'Martin',
      prenom: 'Awa',
      sexe: 'F',
      dateNaissance: '1990-05-12',
      adresse: null,
      commune: 'Dijon',
      quartierQpv: null,
      niveauFormation: '3',
      now: NOW,
    },
    { type: 'ValiderEligibilite', criteres: ['deld'], dateValidation: '2025-01-02', validePar: 'f', now: NOW },
    {
      type: 'DemarrerPlacement',
      placementId: 'p',
      marcheId: 'm',
      entrepriseId: 'ent',
      modalite: 'embauche_directe',
      typeContrat: 'cdi',
      dateDebut: '2025-02-03',
      now: NOW,
      marche,
      entreprise: { type: 'classique' },
    },
    { type: 'DeclarerHeures', placementId: 'p', declarationId: 'd', mois: '2025-02', heures: 100, now: NOW, marche },
    { type: 'CorrigerDeclaration', declarationId: 'd', correctionId: 'c', heures: 90, motif: 'Erreur', marche },
    { type: 'TerminerPlacement', placementId: 'p', dateFin: '2025-12-31', sortie: 'cdi', now: NOW },
    { type: 'EffacerSalarie', motif: 'demande_de_la_personne' },
  ];
  faire<SalarieCommand, SalarieEvent, typeof salarieDecider.initialState>(salarieDecider, commandes);
  faire<UtilisateurCommand, UtilisateurEvent, UtilisateurState>(utilisateurDecider, [
    { type: 'CreerUtilisateur', utilisateurId: 'u', identifiant: 'claire.martin', role: 'acheteur', donneurOrdreId: 'do', donneurOrdreExiste: true, empreinteMotDePasse: 'scrypt$1' },
    { type: 'ModifierRoleUtilisateur', par: 'admin', role: 'facilitatrice', donneurOrdreId: null, donneurOrdreExiste: false },
    { type: 'ModifierMotDePasseUtilisateur', empreinteMotDePasse: 'scrypt$2' },
    { type: 'DesactiverUtilisateur', par: 'admin' },
    { type: 'ReactiverUtilisateur' },
  ]);
  faire(rattachementDecider, [{ type: 'Rattacher', event: { type: 'PlacementRattache', data: { placementId: 'p', salarieId: 's' } } }]);
  faire(rattachementDecider, [
    { type: 'Rattacher', event: { type: 'DeclarationRattachee', data: { declarationId: 'd', placementId: 'p', salarieId: 's' } } },
    { type: 'AnnulerRattachement', salarieId: 's' },
  ]);
  return emis;
}

describe('catalogue des événements', () => {
  it('docs/events.md est identique au document généré depuis le catalogue', () => {
    const actuel = existsSync(DOC) ? readFileSync(DOC, 'utf8') : null;
    if (actuel !== documentEvenements()) throw new Error('docs/events.md is stale: run `npm run docs:events`');
  });

  it('chaque type d’événement écrit dans les specs a une entrée au catalogue', () => {
    const ecrits = [...typesEcritsDansLesSpecs()];
    expect(ecrits.length).toBeGreaterThan(0);
    expect(ecrits.filter((type) => !(type in CATALOGUE_EVENEMENTS))).toEqual([]);
  });

  it('chaque entrée du catalogue est exercée par au moins un spec', () => {
    const ecrits = typesEcritsDansLesSpecs();
    expect(Object.keys(CATALOGUE_EVENEMENTS).filter((type) => !ecrits.has(type))).toEqual([]);
  });

  it('les deciders émettent chaque type du catalogue, avec exactement les champs qu’il décrit', () => {
    const emis = evenementsEmis();
    expect([...new Set(emis.map((e) => e.type))].sort()).toEqual(Object.keys(CATALOGUE_EVENEMENTS).sort());
    for (const event of emis) {
      const entree = CATALOGUE_EVENEMENTS[event.type as keyof typeof CATALOGUE_EVENEMENTS];
      expect({ type: event.type, champs: Object.keys(event.data as object).sort() }).toEqual({ type: event.type, champs: Object.keys(entree.champs).sort() });
    }
  });

  it('donne la version du schéma d’un type connu, et 1 pour un type inconnu', () => {
    expect(versionDuSchema('HeuresDeclarees')).toBe(CATALOGUE_EVENEMENTS.HeuresDeclarees.version);
    expect(versionDuSchema('EvenementInconnu')).toBe(1);
  });
});
