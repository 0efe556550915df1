"""Counting and paging lists (core.api.pagination). `capped_count`: a queryset's cheaper form for
counting (`for_counting`) counts a short list whole; the estimate and the floor of a long list come from
the queryset itself. `IdsFirstPaginator`: every page read by its ids, in the list's order."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from core.api import pagination
from core.api.pagination import capped_count
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


class CountedByName(QuerySet):
    """Says its rows are the users named "counted…" when counted (a form that is not the same rows, so
    the test sees which form was counted)."""

    def for_counting(self):
        return self.filter(username__startswith="counted")


@pytest.fixture
def users():
    for name in ("counted1", "counted2", "counted3", "other1", "other2"):
        UserFactory(username=name)
    return CountedByName(model=get_user_model())


def test_a_short_list_is_counted_in_its_form_for_counting(users):
    assert capped_count(users) == (3, True)
    assert capped_count(users.all()) == (3, True)  # kept by a clone


def test_a_union_for_counting_is_counted_as_it_is(users):
    """A form for counting may be rows of a union (PairingQuerySet.for_counting's events of both sides):
    counted as it is, without `values("pk")`, which a union does not take."""

    class CountedAsUnion(QuerySet):
        def for_counting(self):
            people = get_user_model().objects.order_by()
            return people.filter(username__startswith="counted").values("username").union(
                people.filter(username="other1").values("username"), all=True
            )

    assert capped_count(CountedAsUnion(model=get_user_model())) == (4, True)


def test_a_long_list_is_floored_on_itself(users, monkeypatch):
    # The planner expects a long list: the floor that proves it short again counts the rows themselves.
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: pagination.MAX_PAGED_ROWS + 1)
    assert capped_count(users) == (5, True)


def test_a_plain_queryset_is_counted_as_it_is(users):
    assert capped_count(get_user_model().objects.filter(username__startswith="other")) == (2, True)


def test_ids_first_pages_keep_the_list_s_order_and_rows(users):
    """`IdsFirstPaginator` reads every page's rows by their ids (the first too): the same rows, in the
    list's order, as slicing the list would give."""
    from core.api.pagination import IdsFirstPaginator

    ordered = get_user_model().objects.order_by("-username")
    paginator = IdsFirstPaginator(ordered, 2)
    pages = [[user.username for user in paginator.page(n).object_list] for n in paginator.page_range]
    assert pages == [["other2", "other1"], ["counted3", "counted2"], ["counted1"]]
