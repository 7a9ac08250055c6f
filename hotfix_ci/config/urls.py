"""The one URL check of the config: every URL-valued key (gate ``url``, prometheus ``url``,
environment ``url``, a built-in provider's ``api_url`` / ``registry_url`` / ``source_url``)
is judged by :func:`url_problem`, and the schema's ``^https?://`` pattern is explained by it.

It accepts what the deploy-time HTTP stack accepts: requests' ``PreparedRequest.prepare_url``
on top of urllib3's ``parse_url`` (RFC 3986 host and port rules, IDNA for non-ASCII names),
https://requests.readthedocs.io/en/latest/api/#requests.PreparedRequest.prepare_url
and https://urllib3.readthedocs.io/en/stable/reference/urllib3.util.html#urllib3.util.parse_url,
and also refuses port 0, which nothing listens on. Stdlib only, so a valid config does not
import requests; tests/unit/config/test_urls.py compares its verdicts with requests'.

Pure: no I/O.
"""

from __future__ import annotations

import ipaddress
import json
import re

URL_PATTERN = "^https?://"  # the schema's pattern; this module explains and extends it
EXAMPLE = "https://api.example.com/health"
# urllib3's authority: after "//", up to the first "\", "/", "?" or "#".
_AUTHORITY = re.compile(r"https?://([^\\/?#]*)")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
# What an RFC 3986 reg-name cannot hold (urllib3's _REG_NAME_PAT), besides percent escapes.
_HOST_FORBIDDEN = re.compile(r"[\[\]:/?#]|%(?![0-9A-Fa-f]{2})")
_ESCAPED_CONTROL = re.compile(r"%(?:[01][0-9A-Fa-f]|7[Ff])")
_ESCAPED_UNRESERVED = re.compile(r"%(?:2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])")
_ZONE = re.compile(r"(?:%25|%)(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")
_PORT = re.compile(r"[0-9]*")
_CHAR_NAMES = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a line break"}


def url_message(url: str) -> tuple[str, str]:
    """The config's message and hint for an unusable ``url`` (see :func:`url_problem`)."""
    problem, hint = url_problem(url) or ("", "")
    shown = json.dumps(url, ensure_ascii=False)
    return f"not a usable URL {shown}: {problem}", hint


class _Unusable(Exception):
    """Raised inside this module with (problem, hint); url_problem returns them."""


def url_problem(url: str) -> tuple[str, str] | None:
    """Why an HTTP request to ``url`` could not even be sent, as (problem, hint) in words;
    None when the URL is usable. The problem reads after "not a usable URL: "."""
    try:
        _check(url)
    except _Unusable as exc:
        problem, hint = exc.args
        return str(problem), str(hint)
    return None


def _check(url: str) -> None:
    if not re.match(URL_PATTERN, url):
        raise _Unusable(*_scheme_problem(url))
    found = _AUTHORITY.match(url)
    host_port = (found.group(1) if found else "").rpartition("@")[2]
    if host_port.startswith("["):
        host, port = _bracketed(host_port)
    else:
        host, _, port = host_port.partition(":")
        if host:
            _check_host(host)
    if not host:
        raise _Unusable(
            "it names no host after the scheme",
            f"write the host name right after {url[: url.index('//') + 2]}, e.g. {EXAMPLE}",
        )
    if port:
        _check_port(port)


def _scheme_problem(url: str) -> tuple[str, str]:
    scheme, sep, _ = url.partition("://")
    if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        if scheme.lower() in ("http", "https"):
            problem = f"the scheme {scheme}:// must be written in lower case"
        else:
            problem = f"the scheme {scheme}:// is not http:// or https://"
    else:
        problem = "it does not start with http:// or https://"
    return problem, f"write the whole URL with its scheme, e.g. {EXAMPLE}"


def _bracketed(host_port: str) -> tuple[str, str]:
    """An IPv6 literal ``[addr]`` or ``[addr%zone]``, then ``:port`` or nothing."""
    end = host_port.find("]")
    fix = "write an IPv6 address in brackets, e.g. http://[::1]:8080/health"
    if end == -1:
        raise _Unusable(f"the '[' of the IPv6 address {host_port!r} is never closed with ']'", fix)
    inside, rest = host_port[1:end], host_port[end + 1 :]
    address, percent, zone = inside.partition("%")
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        raise _Unusable(f"[{inside}] is not an IPv6 address", fix) from None
    if percent and not _ZONE.fullmatch("%" + zone):
        raise _Unusable(f"[{inside}] has an unusable zone id", fix)
    if rest and not rest.startswith(":"):
        raise _Unusable(f"{rest!r} follows the IPv6 address; only ':PORT' may", fix)
    return inside, rest[1:]


def _check_host(host: str) -> None:
    control = _CONTROL.search(host)
    if control is not None:
        what = _CHAR_NAMES.get(control.group(), f"the control character {control.group()!r}")
        raise _Unusable(
            f"its host {host!r} contains {what}",
            "a host name has no spaces or control characters: delete it (a space in the "
            "path is written %20), "
            f"e.g. {EXAMPLE}",
        )
    forbidden = _HOST_FORBIDDEN.search(host)
    if forbidden is not None:
        raise _Unusable(
            f"its host {host!r} contains {forbidden.group()!r}, which a host name cannot",
            f"write host[:port] after the scheme, e.g. {EXAMPLE} or http://127.0.0.1:8000/health",
        )
    escaped = _ESCAPED_CONTROL.search(host)
    if escaped is not None:
        raise _Unusable(
            f"its host {host!r} contains the percent-encoded control character {escaped.group()!r}",
            f"delete it from the host name, e.g. {EXAMPLE}",
        )
    # urllib3 decodes escapes of unreserved characters first: %2e is a "." to requests.
    shown = _ESCAPED_UNRESERVED.sub(lambda m: chr(int(m.group()[1:], 16)), host)
    if shown.startswith((".", "*")):
        raise _Unusable(
            f"its host {host!r} starts with {shown[0]!r}",
            f"write the full host name, e.g. {EXAMPLE}",
        )
    if not host.isascii() and not _idna_encodable(host):
        raise _Unusable(
            f"its host {host!r} is not a valid international domain name",
            "check the name, or write its xn-- (punycode) form, e.g. xn--bcher-kva.example",
        )


def _idna_encodable(host: str) -> bool:
    import idna  # only for a non-ASCII host name; urllib3 encodes it label by label like this

    try:
        for label in host.split("."):
            if not label.isascii():
                idna.encode(label.lower(), strict=True, std3_rules=True)
    except (idna.IDNAError, UnicodeError, ValueError):
        return False
    return True


def _check_port(port: str) -> None:
    hint = "a port is a number from 1 to 65535 after the host, e.g. http://127.0.0.1:8000/health"
    if not (port.isascii() and _PORT.fullmatch(port)):
        raise _Unusable(f"its port {port!r} is not a number", hint)
    if not 1 <= int(port) <= 65535:
        raise _Unusable(f"its port {int(port)} is out of range 1-65535", hint)
