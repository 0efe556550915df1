"""Template tags for the journalists' and campaigners' tools on a pairing page."""

from django import template

from web.citation import pairing_citation as build_citation

register = template.Library()


@register.simple_tag
def pairing_citation(pairing):
    return build_citation(pairing)
