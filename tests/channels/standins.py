"""Local stand-ins for the LINE platform and the ThaiBulkSMS gateway: real HTTP servers on
127.0.0.1 in the test process, implementing the documented endpoints (never the internet)."""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Answer = tuple[int, dict[str, Any]]


class StandIn:
    """An HTTP server whose `answer(request)` decides each response; every request is kept."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        # Called with each request before it is answered (outside the lock): a test may hold it there.
        self.gate: Callable[[Request], None] | None = None
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:
                    return  # the client died mid-request: nothing arrived
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                if stand_in.gate is not None:
                    stand_in.gate(request)
                with stand_in._lock:
                    stand_in.requests.append(request)
                    status, payload = stand_in.answer(request)
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client killed mid-request (the crash tests) is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        # shutdown() waits for the serving loop to look again: every half second by default, which
        # was most of a LINE test's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, request: Request) -> Answer:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class LineSent:
    kind: str  # reply or push
    target: str  # the reply token or the push recipient
    messages: list[dict[str, Any]]
    retry_key: str | None = None


@dataclass
class LinePlatform(StandIn):
    """`/v2/bot/message/reply` and `/v2/bot/message/push` as the Messaging API reference
    describes them: bearer token, 1-5 messages, a reply token used once (and refused once it ran
    out: `expire`), and X-Line-Retry-Key answered 409 once a push with that key was accepted.
    `fail_next` queues failure statuses answered instead of sending; `fail_after_send` queues
    failure statuses answered after sending (LINE warns that a 5xx may follow a message it sent)."""

    access_token: str = "test-access-token"
    sent: list[LineSent] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    fail_after_send: list[int] = field(default_factory=list)
    _used_tokens: set[str] = field(default_factory=set)
    _accepted_keys: set[str] = field(default_factory=set)

    def expire(self, *tokens: str) -> None:
        """These reply tokens ran out (LINE keeps them about half a minute): refused from now on."""
        self._used_tokens.update(tokens)

    def _sent(self, status: int, sent_messages: list[dict[str, str]]) -> Answer:
        if self.fail_after_send:
            return self.fail_after_send.pop(0), {"message": "stand-in failure after sending"}
        return status, {"sentMessages": sent_messages}

    def __post_init__(self) -> None:
        StandIn.__init__(self)

    def answer(self, request: Request) -> Answer:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {"message": "Authentication failed. Confirm that the access token is valid."}
        try:
            body = request.json()
        except ValueError:
            return 400, {"message": "The request body has 1 error(s)"}
        messages = body.get("messages")
        if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
            return 400, {"message": "The request body has 1 error(s)", "details": [{"property": "messages"}]}
        for message in messages:
            if message.get("type") not in ("text", "textV2") or not 1 <= len(message.get("text", "")) <= 5000:
                return 400, {"message": "The request body has 1 error(s)", "details": [{"property": "text"}]}
            if message["type"] == "textV2" and not _substituted(message):
                return 400, {
                    "message": "The request body has 1 error(s)",
                    "details": [{"property": "substitution"}],
                }
            for item in (message.get("quickReply") or {}).get("items", []):
                action = item.get("action", {})
                if (
                    item.get("type") != "action"
                    or len(action.get("label", "")) > 20
                    or "displayText" not in action
                ):
                    return 400, {
                        "message": "The request body has 1 error(s)",
                        "details": [{"property": "quickReply"}],
                    }
        if self.fail_next:
            return self.fail_next.pop(0), {"message": "stand-in failure"}
        sent_messages = [{"id": uuid.uuid4().hex[:18], "quoteToken": uuid.uuid4().hex} for _ in messages]
        if request.path == "/v2/bot/message/reply":
            token = body.get("replyToken")
            if not token or token in self._used_tokens:
                return 400, {"message": "Invalid reply token"}
            self._used_tokens.add(token)
            self.sent.append(LineSent("reply", token, messages))
            return self._sent(200, sent_messages)
        if request.path == "/v2/bot/message/push":
            key = request.headers.get("x-line-retry-key")
            if key is not None:
                try:
                    uuid.UUID(key)
                except ValueError:
                    return 400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}
                if key in self._accepted_keys:
                    return 409, {
                        "message": "The retry key is already accepted",
                        "sentMessages": sent_messages,
                    }
                self._accepted_keys.add(key)
            if not body.get("to"):
                return 400, {"message": "The request body has 1 error(s)", "details": [{"property": "to"}]}
            self.sent.append(LineSent("push", body["to"], messages, key))
            return self._sent(200, sent_messages)
        return 404, {"message": "Not found"}


@dataclass
class SmsSent:
    msisdn: str
    message: str
    sender: str
    credits: int


def _credits(message: str) -> int:
    """The gateway's own count, written apart from barter's: UCS-2 70 / 67 per part."""
    units = len(message.encode("utf-16-le")) // 2
    if all(ord(ch) < 128 for ch in message):
        return 1 if units <= 160 else -(-units // 153)
    return 1 if units <= 70 else -(-units // 67)


@dataclass
class SmsGateway(StandIn):
    """ThaiBulkSMS v2 `POST /sms`: Basic auth with key and secret, form fields msisdn, message,
    sender, force; answers with phone_number_list / bad_phone_number_list and the credit used."""

    api_key: str = "test-key"
    api_secret: str = "test-secret"
    sent: list[SmsSent] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    credit: float = 1000.0

    def __post_init__(self) -> None:
        StandIn.__init__(self)

    def answer(self, request: Request) -> Answer:
        expected = "Basic " + base64.b64encode(f"{self.api_key}:{self.api_secret}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return 401, {"error": {"code": 401, "name": "UNAUTHORIZED", "description": "Invalid API key"}}
        if request.path != "/sms":
            return 404, {"error": {"code": 404, "name": "NOT_FOUND", "description": "Not found"}}
        form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
        if not form.get("msisdn") or not form.get("message"):
            return 400, {
                "error": {"code": 400, "name": "ERROR_PARAMETER", "description": "msisdn and message"}
            }
        if self.fail_next:
            return self.fail_next.pop(0), {
                "error": {"code": 500, "name": "INTERNAL", "description": "stand-in"}
            }
        number = form["msisdn"]
        if not (len(number) == 10 and number.startswith("0") and number.isdigit()):
            return 201, {
                "remaining_credit": self.credit,
                "total_use_credit": 0,
                "credit_type": form.get("force", "standard"),
                "phone_number_list": [],
                "bad_phone_number_list": [{"number": number, "message": "Invalid phone number"}],
            }
        credits = _credits(form["message"])
        self.credit -= credits
        self.sent.append(SmsSent(number, form["message"], form.get("sender", ""), credits))
        return 201, {
            "remaining_credit": self.credit,
            "total_use_credit": credits,
            "credit_type": form.get("force", "standard"),
            "phone_number_list": [{"number": number, "message_id": uuid.uuid4().hex, "used_credit": credits}],
            "bad_phone_number_list": [],
        }


def _substituted(message: dict[str, Any]) -> bool:
    """A textV2 message's every {key} has its substitution, a mention of a user by id."""
    substitution = message.get("substitution") or {}
    keys = set(re.findall(r"\{(\w+)\}", message["text"]))
    return (
        bool(keys)
        and keys <= set(substitution)
        and all(
            s.get("type") == "mention"
            and s.get("mentionee", {}).get("type") == "user"
            and str(s["mentionee"].get("userId", "")).startswith("U")
            for s in substitution.values()
        )
    )
