import { useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { appeler } from './commun/api';
import { accueilDe, MiseEnPage } from './commun/mise-en-page';
import { jeton, terminerSession, utilisateur, type Moi } from './commun/session';
import { Connexion } from './connexion/connexion';
import { Audit } from './audit/audit';
import { Coordination } from './coordination/coordination';
import { Indicateurs } from './indicateurs/indicateurs';
import { FicheMarche } from './marches/fiche-marche';
import { ListeMarches } from './marches/liste-marches';
import { AFaire } from './a-faire/a-faire';
import { ImportHeures } from './import/import';
import { FichePlacement } from './placements/fiche-placement';
import { Recherche } from './recherche/recherche';
import { FicheSalarie } from './salaries/fiche-salarie';
import { NouvellePersonne } from './salaries/nouvelle-personne';

/** Sends `/` to the signed-in person's home page. */
function Accueil() {
  const { route } = useLocation();
  useEffect(() => route(accueilDe(utilisateur.value!.role), true), []);
  return null;
}

function Introuvable() {
  return (
    <section>
      <h1>Page introuvable</h1>
      <p>
        Cette adresse ne correspond à aucune page. <a href="/">Revenir à l'accueil</a>.
      </p>
    </section>
  );
}

/** The signed-in application: one router for every role, each page reading only what its role may. */
function Pages() {
  return (
    <MiseEnPage>
      <ErrorBoundary>
        <Router>
          <Route path="/" component={Accueil} />
          <Route path="/marches" component={ListeMarches} />
          <Route path="/marches/:id" component={FicheMarche} />
          <Route path="/indicateurs" component={Indicateurs} />
          <Route path="/coordination" component={Coordination} />
          <Route path="/audit" component={Audit} />
          <Route path="/recherche" component={Recherche} />
          <Route path="/a-faire" component={AFaire} />
          <Route path="/salaries/nouveau" component={NouvellePersonne} />
          <Route path="/salaries/:id" component={FicheSalarie} />
          <Route path="/placements/:id" component={FichePlacement} />
          <Route path="/import" component={ImportHeures} />
          <Route default component={Introuvable} />
        </Router>
      </ErrorBoundary>
    </MiseEnPage>
  );
}

export function Application() {
  // A tab reopened with its token: who is it? (A refused token ends the session with its reason.)
  const [verifie, setVerifie] = useState(jeton() === null);
  useEffect(() => {
    if (verifie) return;
    appeler<Moi>('/auth/moi')
      .then((moi) => (utilisateur.value = moi))
      .catch(() => terminerSession())
      .finally(() => setVerifie(true));
  }, []);
  if (!verifie) return null;
  return <LocationProvider>{utilisateur.value ? <Pages /> : <Connexion />}</LocationProvider>;
}
