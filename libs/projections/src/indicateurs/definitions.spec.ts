import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CATALOGUE_INDICATEURS, DEFINITIONS_INDICATEURS, documentIndicateurs } from './definitions';
import { CHAMPS_SERIE } from './series.queries';

const DOC = resolve(__dirname, '../../../../docs/indicateurs.md');

describe('catalogue des définitions des indicateurs', () => {
  it('docs/indicateurs.md est identique au document généré depuis le catalogue', () => {
    const actuel = existsSync(DOC) ? readFileSync(DOC, 'utf8') : null;
    if (actuel !== documentIndicateurs()) throw new Error('docs/indicateurs.md is stale: run `npm run docs:indicateurs`');
  });

  it('chaque champ est défini une fois, par une phrase', () => {
    const champs = CATALOGUE_INDICATEURS.flatMap((r) => r.definitions.map((d) => `${r.titre}/${d.champ}`));
    expect(champs.filter((c, i) => champs.indexOf(c) !== i)).toEqual([]);
    for (const r of CATALOGUE_INDICATEURS) for (const d of r.definitions) expect({ champ: d.champ, longue: d.definition.length > 10 }).toEqual({ champ: d.champ, longue: true });
  });

  it("la documentation de l'API (DEFINITIONS_INDICATEURS) donne chaque définition du catalogue", () => {
    for (const r of CATALOGUE_INDICATEURS) for (const d of r.definitions) expect(DEFINITIONS_INDICATEURS).toContain(`- ${d.champ} : ${d.definition}`);
  });

  it('les champs de la série renvoient aux indicateurs du même nom, définis une seule fois', () => {
    const indicateurs = CATALOGUE_INDICATEURS.find((r) => r.titre === 'Indicateurs')!.definitions.map((d) => d.champ);
    for (const c of CHAMPS_SERIE) expect(indicateurs).toContain(c);
    expect(indicateurs).toContain('etp');
    expect(CATALOGUE_INDICATEURS.find((r) => r.titre === 'Indicateurs')!.definitions.find((d) => d.champ === 'etp')!.definition).toContain('HEURES_PAR_ETP');
  });
});
