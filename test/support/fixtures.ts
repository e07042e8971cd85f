import { cleDeLuhn } from '@suivi/domain';
import type { TestApi } from './api-app';

/** Valid SIRETs (Luhn) for tests: 14 digits, distinct. */
export function siretValide(n: number): string {
  const base = String(100000000000 + n).padStart(13, '0').slice(-13);
  return base + cleDeLuhn(base);
}

let counter = 0;

async function id(res: Promise<{ status: number; body: any }>): Promise<string> {
  const { status, body } = await res;
  if (status !== 201) throw new Error(`fixture write answered ${status}: ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * A marché of 2025 awarded to a titulaire, and an eligible person: the start of most scenarios. A
 * reserved `baseJuridique` needs a `typeTitulaire` it admits (`L2113-12`: `ea`, `esat`; else an SIAE).
 */
export async function marcheAttribue(
  api: TestApi,
  overrides: { dateDebut?: string; dateFin?: string; baseJuridique?: string; typeTitulaire?: string } = {},
) {
  const donneurOrdreId = await id(api.post('/donneurs-ordre', { nom: 'Région BFC', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }));
  const operationId = await id(api.post('/operations', { donneurOrdreId, nom: 'Lycée Hyppolite Fontaine', commune: 'Dijon' }));
  const marcheId = await id(
    api.post('/marches', {
      donneurOrdreId,
      operationId,
      numero: `M-${++counter}`,
      objet: 'Réhabilitation',
      secteur: 'btp',
      sousSecteur: 'batiment',
      baseJuridique: overrides.baseJuridique ?? 'L2112-2',
      heuresPrevues: 1000,
      dateDebut: overrides.dateDebut ?? '2025-01-01',
      dateFin: overrides.dateFin ?? '2025-12-31',
    }),
  );
  const entrepriseId = await id(api.post('/entreprises', { siret: siretValide(Date.now() % 1e9 + ++counter), raisonSociale: 'Titulaire SA', type: overrides.typeTitulaire ?? 'classique' }));
  await id(api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'titulaire' }));
  return { donneurOrdreId, operationId, marcheId, entrepriseId };
}

export async function salarieEligible(api: TestApi, dateValidation = '2024-12-01') {
  const salarieId = await id(
    api.post('/salaries', { nom: 'Durand', prenom: 'Alex', sexe: 'M', dateNaissance: '1990-05-05', commune: 'Chenôve', quartierQpv: null, niveauFormation: 'infra_3' }),
  );
  await id(api.post(`/salaries/${salarieId}/eligibilites`, { criteres: ['brsa'], dateValidation }));
  return salarieId;
}

export async function placement(api: TestApi, salarieId: string, marche: { marcheId: string; entrepriseId: string }, dateDebut = '2025-01-02') {
  return id(
    api.post('/placements', { salarieId, marcheId: marche.marcheId, entrepriseId: marche.entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut }),
  );
}
