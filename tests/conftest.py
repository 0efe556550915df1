import pytest


@pytest.fixture
def curator(db):
    from twinning.permissions import ensure_groups
    from tests.factories import UserFactory

    curators, _editors = ensure_groups()
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(curators)
    return user


@pytest.fixture
def editor(db):
    from twinning.permissions import ensure_groups
    from tests.factories import UserFactory

    _curators, editors = ensure_groups()
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(editors)
    return user
