import pytest

from ticketing_core.models import Sailing


@pytest.mark.django_db
def test_sailing_fixture_creates_managed_quota(sailing):
    sailing = Sailing.objects.get(pk=sailing.pk)
    assert sailing.quota.size == 60
    assert sailing.quota.items.count() == 2
