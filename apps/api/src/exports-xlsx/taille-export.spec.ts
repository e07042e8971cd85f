import { UnprocessableEntityException } from '@nestjs/common';
import { EXPORT_MARCHES_MAX, refuserExportTropVolumineux } from './taille-export';

describe('the size limit of an XLSX export', () => {
  it('given the limit exactly, when checked, then the export goes on', () => {
    expect(() => refuserExportTropVolumineux(EXPORT_MARCHES_MAX, 'marchés', 'restreignez-le')).not.toThrow();
  });

  it('given one row more, when checked, then a 422 EXPORT_TROP_VOLUMINEUX says how many, the limit and what to do', () => {
    const refus = (() => {
      try {
        refuserExportTropVolumineux(EXPORT_MARCHES_MAX + 1, 'marchés suivis', 'lisez la liste page par page (JSON)');
      } catch (error) {
        return error;
      }
    })();
    expect(refus).toBeInstanceOf(UnprocessableEntityException);
    expect((refus as UnprocessableEntityException).getResponse()).toEqual({
      code: 'EXPORT_TROP_VOLUMINEUX',
      message: `L'export compterait ${EXPORT_MARCHES_MAX + 1} marchés suivis, au-delà de ${EXPORT_MARCHES_MAX} : lisez la liste page par page (JSON).`,
      details: { lignes: EXPORT_MARCHES_MAX + 1, maximum: EXPORT_MARCHES_MAX },
    });
  });
});
