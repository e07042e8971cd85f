import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { donneesDesFichiersDHeures } from '../support/donnees-des-fichiers-d-heures';
import { capturer, connecter, decrireDansLeNavigateur, demarrerAvecNavigateur, type AvecNavigateur } from '../support/navigateur';

// Evaluated through the devtools protocol: the page's CSP (rightly) refuses injected script tags.
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Every main page of every role, on a laptop and on a phone, checked by axe-core against WCAG 2.1
 * A and AA (labels, contrast, names, landmarks, lang): no serious or critical violation, and no
 * page wider than the phone's screen.
 */
decrireDansLeNavigateur("l'accessibilité de l'application web (axe-core, WCAG 2.1 AA)", () => {
  let t: AvecNavigateur;
  let pages: Record<'acheteur' | 'facilitatrice' | 'coordination' | 'auditeur', string[]>;

  beforeAll(async () => {
    t = await demarrerAvecNavigateur('web_accessibilite');
    const d = await donneesDesFichiersDHeures(t.api);
    const declaree = await t.api.post(`/placements/${d.personnes[0].placementId}/heures`, { mois: '2025-01', heures: 120 }).expect(201);
    await t.api.get(`/marches?apres=${declaree.body.position}`).expect(200);
    await t.api.jetonPour('acheteur', { identifiant: 'acheteur-1', donneurOrdreId: d.donneurOrdreId });
    await t.api.jetonPour('coordination', { identifiant: 'coordination-1' });
    await t.api.jetonPour('auditeur', { identifiant: 'auditeur-1' });
    pages = {
      acheteur: ['/marches', `/marches/${d.marcheId}`, '/indicateurs?annee=2025'],
      facilitatrice: [
        '/a-faire?mois=2025-02',
        '/recherche?q=muller',
        '/salaries/nouveau',
        `/salaries/${d.personnes[0].salarieId}`,
        `/placements/${d.personnes[0].placementId}`,
        '/import',
        '/indicateurs?annee=2025',
      ],
      coordination: ['/coordination?annee=2025'],
      auditeur: ['/audit'],
    };
  }, 120_000);

  afterAll(async () => {
    await t?.fermer();
  });

  async function verifier(page: Page, adresse: string, largeur: number): Promise<string[]> {
    await page.goto(`${t.base}${adresse}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    // The page's data, not its loading message.
    await page.waitForSelector('.chargement', { state: 'detached', timeout: 15_000 });
    await page.evaluate(AXE);
    // (Browser code as text: the tests are compiled without the DOM's types.)
    const violations = (await page.evaluate(
      "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)",
    )) as Violation[];
    const problemes = violations
      .filter((v: Violation) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: Violation) => `${adresse} (${largeur}px) ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    const [largeurPage, ecran] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    if (largeurPage > ecran + 1) problemes.push(`${adresse} (${largeur}px): la page est plus large que l'écran (${largeurPage}px)`);
    return problemes;
  }

  for (const largeur of [1280, 390]) {
    it(`aucune violation sérieuse sur ${largeur === 390 ? 'un téléphone' : 'un ordinateur portable'} (${largeur} px), page de connexion comprise`, async () => {
      const problemes: string[] = [];
      const anonyme = await t.navigateur.newPage({ viewport: { width: largeur, height: 900 } });
      await anonyme.goto(`${t.base}/`);
      expect(await anonyme.getAttribute('html', 'lang')).toBe('fr');
      problemes.push(...(await verifier(anonyme, '/', largeur)));
      await anonyme.close();
      for (const [role, adresses] of Object.entries(pages)) {
        const page = await connecter(t.navigateur, t.base, role === 'facilitatrice' ? 'facilitatrice-1' : `${role}-1`, { largeur });
        for (const adresse of adresses) problemes.push(...(await verifier(page, adresse, largeur)));
        if (largeur === 390 && role === 'acheteur') {
          await page.goto(`${t.base}/marches`);
          await page.locator('table.tableau tbody tr').first().waitFor();
          await capturer(page, 'telephone-acheteur-marches');
        }
        await page.close();
      }
      expect(problemes).toEqual([]);
    }, 180_000);
  }
});
