"""Texts built once per process and kept: a few per language and site (SQL that a page's query wraps)."""

from __future__ import annotations

from collections.abc import Callable, Hashable


def built_once[T](store: dict, key: Hashable, build: Callable[[], T], *, limit: int = 64) -> T:
    """`store[key]`, made by `build()` the first time it is asked for; the store is emptied when it holds
    `limit` entries, so keys that vary without bound (a date in the text) cannot grow it for ever."""
    value = store.get(key)
    if value is None:
        if len(store) >= limit:
            store.clear()
        value = store[key] = build()
    return value
