from __future__ import annotations

import ipaddress

import pytest

from barter.webhooks.targets import TargetRefused, parse_target, refusal, vetted_addresses


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1 (issue 16)
        "2002:a00:1::1",  # 6to4 around 10.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 around 169.254.169.254
        "2002:c0a8:101::",  # 6to4 around 192.168.1.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "2001:0:5db8:d70e::f5ff:fefe",  # Teredo, client 10.0.1.1
    ],
)
def test_internal_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "reason", "code"),
    [
        ("ftp://example.org/x", "https", "not_https"),
        ("http://example.org/x", "https", "not_https"),
        ("https://user:pw@example.org/x", "credentials", "url_credentials"),
        ("https://example.org/x#frag", "fragment", "url_fragment"),
        ("https:///nohost", "no host", "not_a_url"),
        ("https://example.org:99999/", "not a valid URL", "not_a_url"),
        ("https://example.org/a b", "spaces", "not_a_url"),
        ("https://example.org/" + "x" * 2000, "longer than 2000", "too_long"),
    ],
)
def test_bad_urls_are_refused_each_by_its_code(url: str, reason: str, code: str) -> None:
    with pytest.raises(TargetRefused, match=reason) as refused:
        parse_target(url, allow_private=False)
    assert refused.value.code == code
    assert refused.value.params == ({"limit": 2000} if code == "too_long" else {})


def test_http_only_where_private_targets_are_allowed() -> None:
    target = parse_target("http://127.0.0.1:8080/hook", allow_private=True)
    assert (target.scheme, target.host, target.port) == ("http", "127.0.0.1", 8080)
    assert parse_target("https://example.org/h", allow_private=False).port == 443


async def test_names_are_checked_after_resolution() -> None:
    with pytest.raises(TargetRefused, match="loopback") as loopback:
        await vetted_addresses("localhost", 443, allow_private=False)
    assert loopback.value.code == "not_public"
    assert "127.0.0.1" in await vetted_addresses("localhost", 443, allow_private=True)
    with pytest.raises(TargetRefused, match="private"):
        await vetted_addresses("10.0.0.8", 443, allow_private=False)
    assert await vetted_addresses("1.1.1.1", 443, allow_private=False) == ["1.1.1.1"]


async def test_unresolvable_hosts_are_refused() -> None:
    with pytest.raises(TargetRefused, match="does not resolve") as nowhere:
        await vetted_addresses("no-such-host.invalid", 443, allow_private=True)
    assert nowhere.value.code == "host_not_found"


@pytest.mark.parametrize("address", ["2002:7f00:1::", "2001:0:4136:e378:8000:63bf:80ff:fffe"])
def test_tunnels_around_internal_addresses_name_what_they_embed(address: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None
    assert "127.0.0.1" in reason, reason
