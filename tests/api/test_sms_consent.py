"""SMS consent: recorded explicitly with a Thai mobile number, opted out at will, audited."""

from __future__ import annotations

from typing import Any

from barter.domain import refusals
from barter.domain.errors import FieldError, ValidationFailed
from tests.world import ADMIN, COORD, OWNER, World


async def put_sms(w: World, persona: str, body: Any, community: dict[str, Any] | None = None) -> Any:
    community_id = (community or w.a)["id"]
    return await w.client.put(f"/v1/communities/{community_id}/sms", json=body, headers=w.headers(persona))


async def test_nobody_is_texted_without_consent_and_a_number_is_validated(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}/sms"
    # The community's free-text contact is a mobile number, but that is not consent.
    assert (await world.get(OWNER, url)).json() == {
        "community_id": world.a["id"],
        "number": None,
        "opted_in": False,
        "consented_at": None,
        "opted_out_at": None,
        "updated_at": None,
        "version": 0,
    }
    for body, path in (
        ({"consent": True}, "number"),  # consent needs a number
        ({"consent": True, "number": "02-123-4567"}, "number"),  # a Bangkok landline
        ({"consent": True, "number": "0812"}, "number"),
        ({"consent": True, "number": "โทร 081"}, "number"),
        ({"consent": "yes", "number": "0812345678"}, "consent"),
        ({"consent": True, "number": "0812345678", "name": "x"}, "name"),
    ):
        response = await put_sms(world, OWNER, body)
        assert response.status_code in (400, 422), (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert path in response.text, (body, response.text)
    assert (await world.get(ADMIN, url)).json()["opted_in"] is False


async def test_opt_in_then_out_is_audited(world: World) -> None:
    url = f"/v1/communities/{world.a['id']}/sms"
    response = await put_sms(world, OWNER, {"consent": True, "number": "+66 81 234 5678"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["number"], body["opted_in"], body["version"]) == ("0812345678", True, 1)
    assert body["consented_at"] is not None
    # A coordinator records a new number for the community (a renewed consent).
    response = await put_sms(world, COORD, {"consent": True, "number": "089-876-5432"})
    assert (response.json()["number"], response.json()["version"]) == ("0898765432", 2)
    response = await put_sms(world, OWNER, {"consent": False})
    out = response.json()
    assert (out["opted_in"], out["number"], out["version"]) == (False, "0898765432", 3)
    assert out["opted_out_at"] is not None
    # Opting out again changes nothing and records nothing.
    assert (await put_sms(world, OWNER, {"consent": False})).json() == out
    assert (await world.get(OWNER, url)).json() == out
    audit = (await world.get(COORD, "/v1/audit", entity="sms_consent")).json()["data"]
    assert sorted((a["action"], a["actor_role"]) for a in audit) == [
        ("opt_in", "community"),
        ("opt_in", "coordinator"),
        ("opt_out", "community"),
    ]
    assert all(a["community_id"] == world.a["id"] for a in audit)


async def test_a_number_typed_in_thai_digits_is_taken_and_a_bad_one_is_refused_in_thai(world: World) -> None:
    """Coordinators type numbers as they are written on paper, Thai digits included; a number that
    is no Thai mobile is refused by a code the console and LINE word in Thai, never a regex."""
    response = await put_sms(world, COORD, {"consent": True, "number": "๐๘๑-๒๓๔-๕๖๗๘"})
    assert response.status_code == 200, response.text
    assert response.json()["number"] == "0812345678"
    for bad in ("0812345678 (ลุงแดง)", "12345", "02-123-4567", "๐๒-๑๒๓-๔๕๖๗"):
        response = await put_sms(world, COORD, {"consent": True, "number": bad})
        assert response.status_code == 422, (bad, response.text)
        [error] = response.json()["errors"]
        assert (error["path"], error["code"]) == ("number", "not_mobile"), (bad, error)
        [words] = refusals.said(
            ValidationFailed([FieldError(error["path"], error["message"], error["code"])])
        )
        assert words.th == "เบอร์มือถือสำหรับ SMS: ต้องเป็นเบอร์มือถือ 10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09"
    [error] = (await put_sms(world, COORD, {"consent": True})).json()["errors"]
    assert (error["path"], error["code"]) == ("number", "required")
