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


@pytest.mark.parametrize(("call", "value"), [
    (cwql.encode, b"x"), (cwql.encode, None), (cwql.encode, 5),
    (cwql.decode, None), (cwql.decode, b"%20"),
])
def test_encode_and_decode_take_text_only(call: object, value: object) -> None:
    # Issue 11: cwql.encode(b"x") and cwql.decode(None) escaped as TypeError/AttributeError.
    with pytest.raises(cwql.CWQLTypeError, match="takes text"):
        call(value)  # type: ignore[operator]


def test_lone_surrogates_and_bad_escapes_are_encoding_errors() -> None:
    with pytest.raises(cwql.EncodingError, match="surrogate"):
        cwql.encode("a\udcff")
    with pytest.raises(cwql.EncodingError, match="UTF-8"):
        cwql.decode("%ab%")


@pytest.mark.parametrize(("url", "shown"), [
    ("https://user:pw@h.example/x?conditions=a%20b&clientId=abc&privateKey=k",
     "https://h.example/x?conditions=a%20b&clientId=REDACTED&privateKey=REDACTED"),
    ("https://[::1/x?privateKey=k", "https://[::1/x"),
    ("https://u:p@[::1/x", "[::1/x"),
])
def test_redact_url_hides_credentials_even_in_broken_urls(url: str, shown: str) -> None:
    from cwql._encoding import redact_url

    assert redact_url(url) == shown
