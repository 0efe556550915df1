"""The README is the contract for set-up and for the import vocabularies: keep it true."""

import re
from pathlib import Path

import pytest

from twinning import constants

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_starts_with_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).split()
    assert first_block == ["./run", "./test"]


@pytest.mark.parametrize(
    "vocabulary", [constants.Status, constants.EventType, constants.Relationship, constants.Body, constants.AgreementKind]
)
def test_readme_documents_every_code(vocabulary):
    missing = [code for code in vocabulary.values if f"`{code}`" not in README]
    assert missing == []


def test_readme_documents_the_import_columns():
    header = "place, place_country, partner, partner_country, relationship, established, event, event_date, status, body, summary, source_url, source_title, source_publisher, source_date"
    for column in header.split(", "):
        assert f"`{column}`" in README
