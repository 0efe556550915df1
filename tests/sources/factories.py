"""factory_boy factories for the sources app."""

import factory

from sources.models import Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    title = factory.Sequence(lambda n: f"Council decides on twinning, report {n}")
    publisher = "Example News"
    source_type = "news"
