import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { appeler, ErreurApi } from '../commun/api';
import { finDeSession, ouvrirSession, type Moi } from '../commun/session';

/** The sign-in page: identifiant and password, the server's French refusal shown as it is. */
export function Connexion() {
  const { route } = useLocation();
  const [identifiant, setIdentifiant] = useState('');
  const [motDePasse, setMotDePasse] = useState('');
  const [erreur, setErreur] = useState<string | null>(null);
  const [envoi, setEnvoi] = useState(false);

  const seConnecter = async (e: Event) => {
    e.preventDefault();
    setEnvoi(true);
    setErreur(null);
    try {
      const { jeton } = await appeler<{ jeton: string }>('/auth/connexion', { methode: 'POST', corps: { identifiant, motDePasse } });
      const moi = await fetch('/api/auth/moi', { headers: { Authorization: `Bearer ${jeton}` } }).then((r) => r.json() as Promise<Moi>);
      ouvrirSession(jeton, moi);
      route('/', true);
    } catch (erreur) {
      setErreur(erreur instanceof ErreurApi ? erreur.message : String(erreur));
    } finally {
      setEnvoi(false);
    }
  };

  return (
    <main id="contenu" class="connexion">
      <h1>Suivi des clauses sociales</h1>
      <form onSubmit={seConnecter} class="carte formulaire" aria-describedby={erreur || finDeSession.value ? 'connexion-message' : undefined}>
        <h2>Connexion</h2>
        {finDeSession.value && !erreur && (
          <p id="connexion-message" class="alerte alerte-info" role="status">
            {finDeSession.value}
          </p>
        )}
        {erreur && (
          <p id="connexion-message" class="alerte alerte-erreur" role="alert">
            {erreur}
          </p>
        )}
        <label for="identifiant">Identifiant</label>
        <input id="identifiant" name="identifiant" autocomplete="username" required value={identifiant} onInput={(e) => setIdentifiant(e.currentTarget.value)} />
        <label for="mot-de-passe">Mot de passe</label>
        <input
          id="mot-de-passe"
          name="motDePasse"
          type="password"
          autocomplete="current-password"
          required
          value={motDePasse}
          onInput={(e) => setMotDePasse(e.currentTarget.value)}
        />
        <button type="submit" disabled={envoi}>
          {envoi ? 'Connexion…' : 'Se connecter'}
        </button>
      </form>
    </main>
  );
}
