"""Which servers may receive the API key: an operator's allow-list, loopback by default.

The OpenAI-compatible backend reads its key from an environment variable ($OPENAI_API_KEY
unless told otherwise). A base URL can come from a form field (the app's sidebar) or a
notebook, so without a check a typed URL would receive the key as a Bearer token together
with the stored questions. The key is therefore sent only to hosts the operator allowed:

    GENREASON_KEY_HOSTS="loopback,api.openai.com,*.internal.example"

Entries are comma-separated: `loopback` (localhost, 127.0.0.0/8 and ::1; the default when the
variable is unset), an exact host name or IP address, or `*.domain` for any host below that
domain. Setting the variable replaces the default, so list `loopback` to keep local servers.
A backend can also be given its own list (`OpenAIBackend(..., key_hosts=[...])`), which
replaces the variable. Requests to any other host go out without an Authorization header, and
a warning is logged once per host saying how to allow it.

Host names are compared as written in the URL, never resolved: a name that resolves to
127.0.0.1 today is not loopback (DNS can change between the check and the request).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

KEY_HOSTS_ENV = "GENREASON_KEY_HOSTS"
LOOPBACK = "loopback"
DEFAULT_KEY_HOSTS: tuple[str, ...] = (LOOPBACK,)

_warned: set[str] = set()
_warned_lock = threading.Lock()


def key_hosts_from_env() -> tuple[str, ...]:
    """The allow-list from $GENREASON_KEY_HOSTS, or ("loopback",) when it is unset or blank."""
    raw = os.environ.get(KEY_HOSTS_ENV, "")
    hosts = parse_key_hosts(raw)
    return hosts or DEFAULT_KEY_HOSTS


def parse_key_hosts(text: str | Iterable[str]) -> tuple[str, ...]:
    """Normalised allow-list entries from a comma-separated string or a list of entries.

    Raises ValueError for an entry that cannot be a host (a URL, a path, a port)."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    hosts: list[str] = []
    for part in parts:
        entry = str(part).strip().lower().rstrip(".")
        if not entry:
            continue
        if entry.startswith("[") and entry.endswith("]"):
            entry = entry[1:-1]
        bare = entry[2:] if entry.startswith("*.") else entry
        if (
            not bare
            or any(c in bare for c in "/@ ")
            or "*" in bare
            or (":" in bare and not _is_ip(bare))
        ):
            raise ValueError(
                f"key host {part!r} (in ${KEY_HOSTS_ENV} or key_hosts) must be a host name, an "
                "IP address, '*.domain' or 'loopback', without scheme, port or path"
            )
        hosts.append(entry)
    return tuple(dict.fromkeys(hosts))


def is_loopback(host: str) -> bool:
    """True for localhost (and names below it) and loopback IP literals."""
    host = host.lower().rstrip(".").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def key_allowed(url: str, hosts: Iterable[str]) -> bool:
    """May the API key be sent to `url`, given the allow-list `hosts`?"""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return False
    for entry in hosts:
        if entry == LOOPBACK:
            if is_loopback(host):
                return True
        elif entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif _same_host(host, entry):
            return True
    return False


def warn_keyless(url: str, api_key_env: str) -> None:
    """Log once per host that the key was withheld from `url`, and how to allow it."""
    host = urlsplit(url).hostname or url
    with _warned_lock:
        if host in _warned:
            return
        _warned.add(host)
    log.warning(
        "not sending $%s to %s: that host is not in the key allow-list ($%s, default "
        "'loopback'); requests go without an API key. Add the host to $%s if this server "
        "should receive the key.",
        api_key_env,
        host,
        KEY_HOSTS_ENV,
        KEY_HOSTS_ENV,
    )


def _same_host(host: str, entry: str) -> bool:
    if _is_ip(host) and _is_ip(entry):
        return ipaddress.ip_address(host) == ipaddress.ip_address(entry)
    return host == entry


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
