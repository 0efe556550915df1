"""`core.memo.built_once`: built the first time, kept after, the store bounded."""

from core.memo import built_once


def test_a_text_is_built_once_and_the_store_stays_bounded():
    store, calls = {}, []

    def build(key):
        calls.append(key)
        return f"text {key}"

    assert built_once(store, "a", lambda: build("a"), limit=2) == "text a"
    assert built_once(store, "a", lambda: build("a"), limit=2) == "text a"
    assert calls == ["a"]
    built_once(store, "b", lambda: build("b"), limit=2)
    built_once(store, "c", lambda: build("c"), limit=2)  # full: emptied, then kept
    assert set(store) == {"c"} and calls == ["a", "b", "c"]
