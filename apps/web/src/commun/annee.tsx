import { useLocation } from 'preact-iso';

const anneeEnCours = () => new Date().getFullYear();

/** The year of the page, kept in the address (`?annee=`) so that a reload or a shared link keeps it. */
export function useAnnee(): [number, (a: number) => void] {
  const { path, query, route } = useLocation();
  const lue = Number(query.annee);
  const annee = Number.isInteger(lue) && lue >= 2000 && lue <= 2100 ? lue : anneeEnCours();
  return [annee, (a) => route(`${path}?annee=${a}`, true)];
}

export function ChoixAnnee({ annee, onChange, id = 'choix-annee' }: { annee: number; onChange: (a: number) => void; id?: string }) {
  const derniere = Math.max(anneeEnCours(), annee);
  // The last ten years, and the year of the address if it is older.
  const annees = Array.from({ length: 11 }, (_, i) => derniere - i).filter((a) => a >= 2000);
  if (!annees.includes(annee)) annees.push(annee);
  return (
    <div class="filtres">
      <label for={id}>Année</label>
      <select id={id} value={String(annee)} onChange={(e) => onChange(Number(e.currentTarget.value))}>
        {annees.map((a) => (
          <option key={a} value={String(a)}>
            {a}
          </option>
        ))}
      </select>
    </div>
  );
}
