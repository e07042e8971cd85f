import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { ROLES } from './formats';
import { terminerSession, utilisateur, type Moi } from './session';

/** Each role's menu: what that person comes to do. */
const MENUS: Record<Moi['role'], Array<[string, string]>> = {
  acheteur: [
    ['/marches', 'Mes marchés'],
    ['/indicateurs', 'Indicateurs'],
  ],
  coordination: [['/coordination', 'Marchés suivis']],
  facilitatrice: [
    ['/a-faire', 'À faire ce mois'],
    ['/recherche', 'Rechercher'],
    ['/salaries/nouveau', 'Nouvelle personne'],
    ['/import', 'Importer des heures'],
    ['/marches', 'Marchés'],
    ['/indicateurs', 'Indicateurs'],
  ],
  admin: [
    ['/a-faire', 'À faire ce mois'],
    ['/recherche', 'Rechercher'],
    ['/import', 'Importer des heures'],
    ['/marches', 'Marchés'],
    ['/indicateurs', 'Indicateurs'],
  ],
  auditeur: [['/audit', 'Audit']],
};

export function accueilDe(role: Moi['role']): string {
  return MENUS[role][0][0];
}

export function MiseEnPage({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const moi = utilisateur.value!;
  return (
    <>
      <a class="evitement" href="#contenu">
        Aller au contenu
      </a>
      <header class="entete">
        <p class="marque">Suivi des clauses sociales</p>
        <nav aria-label="Menu principal">
          <ul>
            {MENUS[moi.role].map(([href, libelle]) => (
              <li key={href}>
                <a href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
                  {libelle}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="compte">
          <span>
            {moi.identifiant} · {ROLES[moi.role]}
          </span>
          <button type="button" class="discret" onClick={() => terminerSession('Vous êtes déconnecté.')}>
            Se déconnecter
          </button>
        </div>
      </header>
      <main id="contenu" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
