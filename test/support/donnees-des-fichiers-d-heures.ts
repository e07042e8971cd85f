import type { TestApi } from './api-app';

/** The employer, marché and people that the timesheets of test/fixtures/ name. */
export const SIRET_DES_FICHIERS = '73282932000074';
export const NUMERO_DES_FICHIERS = '2025-DIJ-014';

const PERSONNES = [
  ['helene', 'Dubois-Lefèvre', 'Hélène', '1988-03-14', 'F'],
  ['zoe', 'Müller', 'Zoé', '1999-11-02', 'F'],
  ['noel', 'Garçon', 'Noël', '1975-06-30', 'M'],
] as const;

export interface PersonneDesFichiers {
  cle: (typeof PERSONNES)[number][0];
  nom: string;
  prenom: string;
  dateNaissance: string;
  salarieId: string;
  placementId: string;
}

/**
 * Records, through the API, what the fixtures' rows refer to: a 2025 marché `2025-DIJ-014` awarded
 * to the entreprise of SIRET 732 829 320 00074, and three eligible people placed on it since
 * 2 January; then waits until the name directory (which the import searches) holds them.
 */
export async function donneesDesFichiersDHeures(api: TestApi) {
  let position = 0;
  const ecrire = async (req: PromiseLike<{ status: number; body: any }>) => {
    const res = await req;
    if (res.status !== 201) throw new Error(`write answered ${res.status}: ${JSON.stringify(res.body)}`);
    position = Math.max(position, res.body.position);
    return res.body.id as string;
  };
  const donneurOrdreId = await ecrire(api.post('/donneurs-ordre', { nom: 'Dijon Métropole', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }));
  const operationId = await ecrire(api.post('/operations', { donneurOrdreId, nom: 'Cité de la gastronomie', commune: 'Dijon' }));
  const marcheId = await ecrire(
    api.post('/marches', {
      donneurOrdreId,
      operationId,
      numero: NUMERO_DES_FICHIERS,
      objet: 'Gros œuvre',
      secteur: 'btp',
      sousSecteur: 'batiment',
      baseJuridique: 'L2112-2',
      heuresPrevues: 50000,
      dateDebut: '2025-01-01',
      dateFin: '2025-12-31',
    }),
  );
  const entrepriseId = await ecrire(api.post('/entreprises', { siret: SIRET_DES_FICHIERS, raisonSociale: 'Bâtiments de Bourgogne', type: 'classique' }));
  await ecrire(api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'titulaire' }));
  const personnes: PersonneDesFichiers[] = [];
  for (const [cle, nom, prenom, dateNaissance, sexe] of PERSONNES) {
    const salarieId = await ecrire(api.post('/salaries', { nom, prenom, sexe, dateNaissance, commune: 'Dijon', quartierQpv: null, niveauFormation: '3' }));
    await ecrire(api.post(`/salaries/${salarieId}/eligibilites`, { criteres: ['deld'], dateValidation: '2024-12-01' }));
    const placementId = await ecrire(
      api.post('/placements', { salarieId, marcheId, entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdd', dateDebut: '2025-01-02' }),
    );
    personnes.push({ cle, nom, prenom, dateNaissance, salarieId, placementId });
  }
  await api.get(`/salaries?apres=${position}`).expect(200);
  return { donneurOrdreId, operationId, marcheId, entrepriseId, personnes, position };
}
