from __future__ import annotations

from kotacerdas.regions.loader import setup_region
from kotacerdas.regions.models import Region


def test_it_lets_staff_search_and_filter_regions_but_not_add_or_delete(admin_client) -> None:  # noqa: ANN001
    setup_region("12.71")
    pasar_baru = Region.objects.get(code="12.71.01.1001")

    listing = admin_client.get("/admin/regions/region/", {"q": "Pasar Baru", "level__exact": "kelurahan"})
    assert listing.status_code == 200
    assert "12.71.01.1001" in listing.content.decode()
    assert "Pusat Pasar" not in listing.content.decode()

    change = admin_client.get(f"/admin/regions/region/{pasar_baru.pk}/change/")
    assert change.status_code == 200
    assert "Polygon" in change.content.decode()  # the outline is summarised, not dumped into a form field
    assert 'name="boundary"' not in change.content.decode()
    assert admin_client.get("/admin/regions/region/add/").status_code == 403
    assert admin_client.get(f"/admin/regions/region/{pasar_baru.pk}/delete/").status_code == 403
