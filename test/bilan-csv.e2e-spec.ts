import { startTestApi, type TestApi } from './support/api-app';
import { bilanEnCsv } from '../apps/api/src/bilans/bilan.csv';
import { siretValide } from './support/fixtures';

/**
 * Issue 13, "the CSV of the bilan reads as a French spreadsheet user expects": French labels, enum values in
 * words, `26,0 %` percentages, decimal commas, JJ/MM/AAAA dates, `;`, CRLF, UTF-8 with a BOM; the year's figures
 * (label, value) by sections, then one line per marché of the compliance scope, then one per opération.
 */

/** RFC 4180 with `;`: quoted fields may hold `;`, `""` and line breaks. Returns the lines of fields. */
function lireCsv(texte: string): string[][] {
  const lignes: string[][] = [];
  let ligne: string[] = [];
  let champ = '';
  let i = 0;
  while (i < texte.length) {
    const c = texte[i];
    if (c === '"' && champ === '') {
      i++;
      while (i < texte.length) {
        if (texte[i] === '"' && texte[i + 1] === '"') (champ += '"'), (i += 2);
        else if (texte[i] === '"') {
          i++;
          break;
        } else champ += texte[i++];
      }
    } else if (c === ';') (ligne.push(champ), (champ = ''), i++);
    else if (c === '\r' && texte[i + 1] === '\n') {
      ligne.push(champ);
      lignes.push(ligne);
      (ligne = []), (champ = ''), (i += 2);
    } else champ += texte[i++];
  }
  if (champ !== '' || ligne.length > 0) lignes.push([...ligne, champ]);
  return lignes;
}

const heuresFr = (n: number) => n.toFixed(2).replace('.', ',');
const pourcentFr = (p: number) => `${(Math.round(p * 1000) / 10).toFixed(1).replace('.', ',')} %`;
const dateFr = (iso: string) => iso.split('-').reverse().join('/');

describe('le CSV du bilan, tel qu’un tableur français le lit', () => {
  let api: TestApi;
  let apres = 0;
  let bilan: any;
  let texte: string;
  let tables: string[][][];

  const ecrire = async (res: Promise<{ status: number; body: any }>, attendu = 201) => {
    const { status, body } = await res;
    expect({ status, body }).toMatchObject({ status: attendu });
    apres = Math.max(apres, body.position ?? 0);
    return body as { id: string; position: number };
  };
  const texteDe = (req: any) =>
    req.buffer(true).parse((response: any, callback: (e: Error | null, t: string) => void) => {
      let t = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (t += chunk));
      response.on('end', () => callback(null, t));
    });

  beforeAll(async () => {
    api = await startTestApi('bilan_csv');
    const donneurOrdreId = (await ecrire(api.post('/donneurs-ordre', { nom: 'Région BFC', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }))).id;
    const operationId = (await ecrire(api.post('/operations', { donneurOrdreId, nom: 'Lycée Hyppolite Fontaine', commune: 'Dijon' }))).id;
    const marche = async (numero: string, objet: string, typeTitulaire: string, n: number) => {
      const marcheId = (
        await ecrire(
          api.post('/marches', {
            donneurOrdreId,
            operationId,
            numero,
            objet,
            secteur: 'btp',
            sousSecteur: 'batiment',
            baseJuridique: 'L2112-2',
            heuresPrevues: 1000,
            dateDebut: '2025-01-01',
            dateFin: '2025-12-31',
          }),
        )
      ).id;
      const entrepriseId = (await ecrire(api.post('/entreprises', { siret: siretValide(4242 + n), raisonSociale: `Titulaire ${n}`, type: typeTitulaire }))).id;
      await ecrire(api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'titulaire' }));
      return { marcheId, entrepriseId };
    };
    // An objet with `;` and quotes: the CSV quotes it, and the table still has its columns.
    const a = await marche('2025-A', 'Réhabilitation ; lot "gros œuvre"', 'classique', 1);
    const b = await marche('2025-B', 'Espaces verts', 'ei', 2);
    const salarie = async (sexe: string, quartierQpv: string | null) => {
      const id = (
        await ecrire(api.post('/salaries', { nom: 'Durand', prenom: 'Alex', sexe, dateNaissance: '1990-05-05', commune: 'Dijon', quartierQpv, niveauFormation: '3' }))
      ).id;
      await ecrire(api.post(`/salaries/${id}/eligibilites`, { criteres: ['brsa'], dateValidation: '2024-12-01' }));
      return id;
    };
    const camille = await salarie('F', 'Grésilles');
    const alex = await salarie('M', null);
    const placer = async (salarieId: string, m: { marcheId: string; entrepriseId: string }, typeContrat: string) =>
      (await ecrire(api.post('/placements', { salarieId, marcheId: m.marcheId, entrepriseId: m.entrepriseId, modalite: 'embauche_directe', typeContrat, dateDebut: '2025-01-06' }))).id;
    const p1 = await placer(camille, a, 'cdi');
    const p2 = await placer(alex, b, 'cddi');
    await ecrire(api.post(`/placements/${p1}/heures`, { mois: '2025-03', heures: 120.5 }));
    await ecrire(api.post(`/placements/${p1}/heures`, { mois: '2025-04', heures: 140.25 }));
    await ecrire(api.post(`/placements/${p2}/heures`, { mois: '2025-03', heures: 100 }));
    await ecrire(api.post(`/placements/${p1}/fin`, { dateFin: '2025-05-31', sortie: 'cdi' }));
    await ecrire(api.post(`/marches/${b.marcheId}/cloture`, { date: '2025-06-30' }));
    await ecrire(api.post('/objectifs/2025', { heures: 300, partQpvPersonnes: 0.2, personnesEnEmploi: 2 }));

    const json = await api.get(`/bilans/2025?apres=${apres}`);
    expect(json.status).toBe(200);
    bilan = json.body;
    const csv = await texteDe(api.get(`/bilans/2025?apres=${apres}`).set('Accept', 'text/csv'));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    texte = csv.body;
    // Three tables, separated by one blank line.
    tables = texte
      .slice(1)
      .split('\r\n\r\n')
      .map((t) => lireCsv(t.endsWith('\r\n') ? t : `${t}\r\n`));
  });

  afterAll(async () => {
    await api?.close();
  });

  /** The value of a label in a section of the first table (a section starts at a line with an empty value). */
  const valeur = (section: string, libelle: string) => {
    const t = tables[0];
    const debut = t.findIndex((l) => l[0] === section && l[1] === '');
    expect({ section, trouvee: debut >= 0 }).toEqual({ section, trouvee: true });
    for (let k = debut + 1; k < t.length && t[k][1] !== ''; k++) if (t[k][0] === libelle) return t[k][1];
    throw new Error(`« ${libelle} » absent de la section « ${section} »`);
  };

  it('UTF-8 avec BOM, séparateur ;, fins de ligne CRLF, trois tableaux', () => {
    expect(texte.charCodeAt(0)).toBe(0xfeff);
    expect(texte.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(texte.endsWith('\r\n')).toBe(true);
    expect(tables).toHaveLength(3);
    expect(tables[0][0]).toEqual(['Indicateur', 'Valeur']);
    expect(tables[0].every((l) => l.length === 2)).toBe(true);
    // No field names nor raw enum values in the first table.
    const libelles = tables[0].map((l) => l[0]).join('\n');
    expect(libelles).not.toMatch(/[a-z][A-Z]|_/);
  });

  it('libellés français, virgule décimale, pourcentages « 26,0 % », dates JJ/MM/AAAA', () => {
    const i = bilan.indicateurs;
    expect(i.heuresRealisees).toBe(360.75);
    expect(valeur('Bilan', 'Année')).toBe('2025');
    expect(valeur('Bilan', 'Du')).toBe('01/01/2025');
    expect(valeur('Bilan', 'Au')).toBe('31/12/2025');
    expect(valeur("Indicateurs de l'année", 'Heures réalisées')).toBe('360,75');
    expect(valeur("Indicateurs de l'année", 'Équivalents temps plein (ETP)')).toBe(heuresFr(i.etp));
    expect(valeur("Indicateurs de l'année", 'Équivalents temps plein (ETP)')).toMatch(/^\d+,\d\d$/);
    expect(valeur("Indicateurs de l'année", 'Salariés (personnes)')).toBe('2');
    expect(valeur('Heures par secteur', 'Bâtiment et travaux publics (BTP)')).toBe('360,75');
    expect(valeur('Publics', 'Part des femmes (personnes)')).toBe('50,0 %');
    // 260,75 h of 360,75: 72,28 %.
    expect(valeur('Publics', 'Part des femmes (heures)')).toBe('72,3 %');
    expect(valeur('Publics', 'Part des femmes (heures)')).toBe(pourcentFr(i.partFemmesHeures));
    expect(valeur('Publics', 'Part des résidents QPV (personnes)')).toBe('50,0 %');
    expect(valeur('Publics', 'Part des moins de 26 ans (personnes)')).toBe('0,0 %');
    expect(valeur('Niveaux de formation (personnes)', 'Niveau 3 (CAP, BEP)')).toBe('2');
    // In the nomenclature's order, infra 3 first.
    const debut = tables[0].findIndex((l) => l[0] === 'Niveaux de formation (personnes)');
    expect(tables[0].slice(debut + 1, debut + 3).map((l) => l[0])).toEqual(['Infra 3 (sans diplôme)', 'Niveau 3 (CAP, BEP)']);
    expect(valeur("Critères d'éligibilité (personnes)", 'Bénéficiaire du RSA ou d’un minimum social')).toBe('2');
    expect(valeur('Conformité des marchés', "Date d'évaluation")).toBe('31/12/2025');
    // Every percentage: one decimal, a comma, a normal space, `%`; every decimal figure: a comma, never a point.
    for (const [, v] of tables[0]) {
      if (v.endsWith('%')) expect(v).toMatch(/^\d+,\d %$/);
      expect(v).not.toMatch(/^\d+\.\d+/);
    }
  });

  it('les valeurs des énumérations en mots', () => {
    const i = bilan.indicateurs;
    expect(valeur('Placements commencés par modalité', 'Embauche directe')).toBe(String(i.placementsParModalite.embauche_directe));
    expect(valeur('Placements commencés par modalité', 'Mise à disposition')).toBe('0');
    expect(valeur('Placements commencés par contrat', 'CDI')).toBe('1');
    expect(valeur('Heures par modalité', 'Embauche directe')).toBe('360,75');
    expect(valeur('Entreprises par type', 'Entreprise classique')).toBe('1');
    expect(valeur('Entreprises par type', "Entreprise d'insertion (EI)")).toBe('1');
    expect(valeur('Entreprises classiques par métier', 'Bâtiment')).toBe('1');
    expect(valeur("Heures par type d'employeur", "Entreprise d'insertion (EI)")).toBe('100,00');
    expect(valeur('Sorties par catégorie (personnes)', 'Emploi durable')).toBe('1');
    expect(valeur('Contrats et sorties', 'Sorties comptées comme personnes en emploi')).toBe('Emploi durable');
    expect(valeur('Contrats et sorties', 'Personnes en emploi')).toBe('1');
    expect(valeur('Objectifs du financeur', "Heures d'insertion : objectif")).toBe('300,00');
    expect(valeur('Objectifs du financeur', "Heures d'insertion : réalisé")).toBe('360,75');
    expect(valeur('Objectifs du financeur', "Heures d'insertion : objectif atteint")).toBe('Oui');
    expect(valeur('Objectifs du financeur', 'Part des résidents QPV (personnes) : objectif')).toBe('20,0 %');
    expect(valeur('Objectifs du financeur', 'Personnes en emploi : objectif atteint')).toBe('Non');
    expect(valeur('Conformité des marchés', 'Marchés évalués')).toBe('2');
    expect(valeur('Conformité des marchés', 'Marchés : En retard')).toBe('1');
    expect(valeur('Conformité des marchés', 'Marchés : Objectif non atteint')).toBe('1');
    expect(valeur('Conformité des marchés', 'Marchés : Conforme')).toBe('0');
    expect(valeur('Conformité des marchés', 'Heures après clôture (hors conformité)')).toBe(heuresFr(bilan.conformite.heuresApresCloture));
  });

  it('une ligne par marché du périmètre de conformité, comme le bilan JSON', () => {
    const [entete, ...lignes] = tables[1];
    expect(entete).toEqual([
      'Numéro du marché',
      'Objet',
      "Donneur d'ordre",
      'Secteur',
      'Début',
      'Fin prévue',
      'Clôture',
      'Heures prévues',
      'Heures réalisées',
      'Taux de réalisation',
      'Statut au 31/12/2025',
      'Heures après clôture',
    ]);
    const statuts: Record<string, string> = { en_retard: 'En retard', non_atteint: 'Objectif non atteint' };
    expect(bilan.marches).toHaveLength(bilan.conformite.marches);
    expect(lignes).toEqual(
      bilan.marches.map((m: any) => [
        m.numero,
        m.objet,
        m.donneurOrdre,
        'Bâtiment et travaux publics (BTP)',
        dateFr(m.dateDebut),
        dateFr(m.dateFin),
        m.dateCloture ? dateFr(m.dateCloture) : '',
        heuresFr(m.heuresPrevues),
        heuresFr(m.heuresRealisees),
        pourcentFr(m.tauxRealisation),
        statuts[m.statut],
        heuresFr(m.heuresApresCloture),
      ]),
    );
    expect(lignes).toEqual([
      ['2025-A', 'Réhabilitation ; lot "gros œuvre"', 'Région BFC', 'Bâtiment et travaux publics (BTP)', '01/01/2025', '31/12/2025', '', '1000,00', '260,75', '26,1 %', 'En retard', '0,00'],
      ['2025-B', 'Espaces verts', 'Région BFC', 'Bâtiment et travaux publics (BTP)', '01/01/2025', '31/12/2025', '30/06/2025', '1000,00', '100,00', '10,0 %', 'Objectif non atteint', '0,00'],
    ]);
  });

  it('sans objectifs, avec le diviseur ETP, et un texte qui ressemble à une formule', () => {
    const autre = bilanEnCsv({
      ...bilan,
      heuresParEtp: 1600,
      objectifs: null,
      marches: [{ ...bilan.marches[0], objet: '=HYPERLINK("http://x")' }],
    });
    const t = autre
      .slice(1)
      .split('\r\n\r\n')
      .map((x) => lireCsv(x));
    expect(t[0]).toContainEqual(['Heures par ETP (diviseur)', '1600,00']);
    expect(t[0]).toContainEqual(['Objectifs', 'Aucun objectif fixé pour 2025']);
    // A spreadsheet must not run it: it reads a text.
    expect(t[1][1][1]).toBe(`'=HYPERLINK("http://x")`);
  });

  it('une ligne par opération, comme le bilan JSON', () => {
    const [entete, ...lignes] = tables[2];
    expect(entete[0]).toBe('Opération');
    expect(lignes).toEqual(
      bilan.operations.map((o: any) => [o.nom, o.commune, String(o.marches), heuresFr(o.heuresPrevues), heuresFr(o.heuresRealisees), heuresFr(o.heuresRealiseesCumulees), String(o.salaries)]),
    );
    expect(lignes).toEqual([['Lycée Hyppolite Fontaine', 'Dijon', '2', '2000,00', '360,75', '360,75', '2']]);
  });
});
