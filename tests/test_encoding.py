"""Percent-encoding per LANGUAGE.md §4."""

from __future__ import annotations

import pytest

import cwql


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("a b", "a%20b"),
        ("status/id=1", "status/id%3D1"),
        ('summary like "%ab%"', "summary%20like%20%22%25ab%25%22"),
        ("A&B+C#D", "A%26B%2BC%23D"),
        ("'x' * [y]", "%27x%27%20%2A%20%5By%5D"),
        ("-._~", "-._~"),
        ("é€", "%C3%A9%E2%82%AC"),
        ("!$()*,;:@?", "%21%24%28%29%2A%2C%3B%3A%40%3F"),
    ],
)
def test_encode(text: str, encoded: str) -> None:
    assert cwql.encode(text) == encoded
    assert cwql.decode(encoded) == text
