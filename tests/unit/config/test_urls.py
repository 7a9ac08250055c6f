"""The config's one URL check accepts exactly the http(s) URLs the deploy-time HTTP stack
(requests on urllib3, what the http and prometheus gates and the API providers use) can
send a request to, port 0 aside; and says what is wrong in words."""

from __future__ import annotations

import pytest
import requests
from hypothesis import example, given, settings
from hypothesis import strategies as st
from urllib3.util import parse_url

from hotfix_ci.config.urls import url_message, url_problem


def gate_can_request(url: str) -> bool:
    """requests' own verdict, as the http gate's session.get would reach it; port 0, which
    requests silently drops (the request goes to port 80 or 443), counts as refused."""
    try:
        requests.Request("GET", url).prepare()
    except requests.RequestException:
        return False
    return parse_url(url).port != 0


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://exa mple.com", "its host 'exa mple.com' contains a space"),
        ("http://ex\tample/", "its host 'ex\\tample' contains a tab"),
        ("http://127.0.0.1:99999/health", "its port 99999 is out of range 1-65535"),
        ("http://h:0/", "its port 0 is out of range 1-65535"),
        ("http://h:8o8o/", "its port '8o8o' is not a number"),
        ("http://[::1/health", "the '[' of the IPv6 address '[::1' is never closed with ']'"),
        ("http://[1.2.3.4]/", "[1.2.3.4] is not an IPv6 address"),
        ("http://[::1]x/", "'x' follows the IPv6 address; only ':PORT' may"),
        ("http:///health", "it names no host after the scheme"),
        ("https://user@/", "it names no host after the scheme"),
        ("http://.example.com/", "its host '.example.com' starts with '.'"),
        ("http://h%/", "its host 'h%' contains '%', which a host name cannot"),
        ("http://%00/", "its host '%00' contains the percent-encoded control character '%00'"),
        ("http://%2eh/", "its host '%2eh' starts with '.'"),
        ("http://ü-/", "its host 'ü-' is not a valid international domain name"),
        ("ftp://x/health", "the scheme ftp:// is not http:// or https://"),
        ("HTTPS://x/health", "the scheme HTTPS:// must be written in lower case"),
        ("api.example.com/health", "it does not start with http:// or https://"),
    ],
)
def test_what_is_wrong_is_said(url: str, problem: str) -> None:
    found = url_problem(url)
    assert found is not None and found[0] == problem
    assert "e.g." in found[1]
    assert url_message(url)[0].startswith("not a usable URL ")


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/health",
        "http://127.0.0.1:8000/health",
        "http://[::1]:8080/h",
        "http://[fe80::1%25eth0]/",
        "http://h:/x",
        "http://h:00080/",
        "http://h/path with spaces?q=a b",
        "http://user:pw@h/",
        "http://bücher.example/",
        "http://-.ü/",
    ],
)
def test_usable_urls_pass(url: str) -> None:
    assert url_problem(url) is None
    assert gate_can_request(url)


_HOSTS = st.one_of(
    st.sampled_from(["h", "api.example.com", "127.0.0.1", "[::1]", "[::1", "[zz]", "", ".h"]),
    st.text(st.sampled_from("ab.-_ %[]:@*\t\\ü0"), max_size=6),
    st.lists(
        st.sampled_from(["%00", "%2e", "%41", "%20", "%7f", "%zz", "%", "a", "."]), max_size=3
    ).map("".join),
)
_PORTS = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=99999).map(str),
    st.text(st.sampled_from("0123456789a+ "), max_size=6),
)
_PATHS = st.one_of(st.just(""), st.text(st.sampled_from("/ab ?#%\\@:["), max_size=6))


@settings(max_examples=300, deadline=1000)
@given(
    scheme=st.sampled_from(["http://", "https://"]),
    user=st.sampled_from(["", "u@", "u:p@", "@"]),
    host=_HOSTS,
    port=_PORTS,
    path=_PATHS,
)
@example(scheme="http://", user="", host="exa mple.com", port=None, path="")
@example(scheme="http://", user="", host="[::1", port=None, path="/health")
@example(scheme="http://", user="", host="%00", port=None, path="")  # found by the fuzz
@example(scheme="http://", user="", host="-.ü", port=None, path="")  # found by the fuzz
def test_accepts_exactly_what_the_gate_can_request(
    scheme: str, user: str, host: str, port: str | None, path: str
) -> None:
    url = scheme + user + host + (f":{port}" if port is not None else "") + path
    assert (url_problem(url) is None) == gate_can_request(url), url
