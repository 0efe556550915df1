import pytest


@pytest.fixture
def curator(db):
    from tests.factories import UserFactory
    from twinning.permissions import ensure_groups

    curators, _editors = ensure_groups()
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(curators)
    return user


@pytest.fixture
def editor(db):
    from tests.factories import UserFactory
    from twinning.permissions import ensure_groups

    _curators, editors = ensure_groups()
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(editors)
    return user


@pytest.fixture(scope="class")
def demo_data_for_class(django_db_setup, django_db_blocker):
    """The real demo data (fixtures/demo.json, via `load_demo`) loaded once for a test class, in a
    transaction rolled back after the class. Request it (through `demo_data`) only from classes whose
    every test wants the demo data: it stays loaded until the class ends."""
    import io

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_data(demo_data_for_class, db):
    """The demo data, for a test in a class (each test still runs in its own savepoint)."""
    return None
