"""Reading API responses in tests."""


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def slugs(response) -> set[str]:
    return {row["slug"] for row in results(response)}
