"""core.api.filters.FilterSet: filters and form fields built once per class, yet each request's filterset
filters with its own values and its own methods' state."""

from django import forms
from django.http import QueryDict
from django_filters import rest_framework as filters

from core.api.filters import FilterSet
from twinning.models import Place


class Seen(FilterSet):
    name = filters.CharFilter(method="filter_name")
    kind = filters.MultipleChoiceFilter(choices=[("city", "City"), ("town", "Town")], distinct=False)

    class Meta:
        model = Place
        fields = []

    def filter_name(self, qs, name, value):
        self.seen = value  # state of this filterset, as PairingFilter keeps its search result
        return qs.filter(name=value)


def test_each_filterset_filters_with_its_own_values_and_methods():
    first = Seen(QueryDict("name=York&kind=city"), queryset=Place.objects.all())
    second = Seen(QueryDict("name=Leeds"), queryset=Place.objects.all())
    first_sql, second_sql = str(first.qs.query), str(second.qs.query)
    assert "York" in first_sql and "city" in first_sql and "Leeds" not in first_sql
    assert "Leeds" in second_sql and "city" not in second_sql
    assert (first.seen, second.seen) == ("York", "Leeds")
    assert not hasattr(Seen.base_filters["name"], "parent")


def test_fields_are_shared_not_copied_and_bad_values_still_fail():
    one, two = Seen(QueryDict("kind=village"), queryset=Place.objects.all()), Seen(QueryDict(""), queryset=Place.objects.all())
    assert one.form.fields["kind"] is two.form.fields["kind"]
    assert isinstance(one.form.fields["kind"], forms.MultipleChoiceField)
    assert not one.is_valid() and "kind" in one.errors
    assert two.is_valid()
