from __future__ import annotations

from kotacerdas.regions import selectors
from kotacerdas.regions.loader import setup_region
from kotacerdas.regions.models import Region


def test_it_lists_only_the_active_citys_units(db) -> None:  # noqa: ANN001
    assert selectors.active_city() is None
    assert not selectors.kecamatan_choices().exists()

    setup_region("71.71", activate=False)
    medan = setup_region("12.71")

    assert selectors.active_city() == medan
    kecamatan = list(selectors.kecamatan_choices())
    assert len(kecamatan) == 21 and {k.code[:5] for k in kecamatan} == {"12.71"}
    medan_kota = Region.objects.get(code="12.71.01")
    names = list(selectors.kelurahan_for(medan_kota).values_list("name", flat=True))
    assert "Pasar Baru" in names and len(names) == Region.objects.filter(parent=medan_kota).count()
    assert selectors.kelurahan_for(str(medan_kota.pk)).count() == len(names)  # a pk from a query string
    assert selectors.kelurahan_for(None).count() == 151
    manado_kec = Region.objects.get(code="71.71.01")
    assert not selectors.kelurahan_for(manado_kec).exists()  # another city's kecamatan
    assert not selectors.kelurahan_for("bukan-angka").exists()
    assert selectors.city_units().count() == 1 + 21 + 151
