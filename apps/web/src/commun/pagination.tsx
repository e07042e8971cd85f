/** Previous and next page of a list answered as `{ total, page, taillePage }`. */
export function Pagination({ page, taillePage, total, aller, nom = 'Pages' }: { page: number; taillePage: number; total: number; aller: (page: number) => void; nom?: string }) {
  return (
    <nav class="pagination" aria-label={nom}>
      <button type="button" disabled={page <= 1} onClick={() => aller(page - 1)}>
        Page précédente
      </button>
      <span>
        Page {page} sur {Math.max(1, Math.ceil(total / taillePage))}
      </span>
      <button type="button" disabled={page * taillePage >= total} onClick={() => aller(page + 1)}>
        Page suivante
      </button>
    </nav>
  );
}
