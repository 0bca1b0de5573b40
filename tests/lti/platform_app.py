"""A small LTI 1.3 platform on 127.0.0.1 around the ``lti1p3platform`` library (not a test module).

The protocol is the library's: it signs launch id_tokens (``LTIAdvantageMessageLaunchAbstract``),
answers the OIDC login initiation (``OIDCLoginAbstract``), issues access tokens for a signed
client assertion (``get_access_token``) and checks bearer tokens and scopes on every
Assignment and Grade Services request (``AssignmentsGradesService``). This app adds only what
the library leaves to a platform: an HTTP server, where line items and scores are stored (in
memory), which users the course has, and switches a test flips to make the platform
misbehave the ways real ones do (down for a while; a launch signed with a wrong key, expired,
or for another audience).
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from lti1p3platform.exceptions import LineItemNotFoundException, LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CLIENT_ID = "sourcewise-tool"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "course-ctx-42"
CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"


def rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def public_pem(private: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private.encode("ascii"), password=None)
    return key.public_key().public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@dataclass
class Member:
    sub: str
    name: str
    roles: list[str]


@dataclass
class Store:
    """What the platform holds: line items, each user's latest score, and its users."""

    members: dict[str, Member] = field(default_factory=dict)
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    score_posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Platform(LTI1P3PlatformConfAbstract):
    """The platform's registration of the Sourcewise tool (the library's config class)."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self.private_key = kwargs["private_key"]
        self._registration = (
            Registration().set_iss(kwargs["issuer"]).set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID).set_launch_url(kwargs["launch_url"])
            .set_oidc_login_url(kwargs["oidc_login_url"])
            .set_platform_private_key(self.private_key)
            .set_platform_public_key(public_pem(self.private_key)))
        self._registration.set_tool_key_set(kwargs["tool_jwks"])

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


class HttpRequest(Request):
    def build_metadata(self, request: Any) -> TRequest:
        return request  # already the library's TRequest dict


class Ags(AssignmentsGradesService):
    """Line items and scores kept in the app's memory (the library leaves storage to us)."""

    store: Store
    base: str

    def find_lineitems(self, page: int = 1, limit: int | None = None, line_item_id=None,
                       resource_link_id=None, resource_id=None, tag=None):
        items = [i for i in self.store.line_items.values()
                 if (resource_id is None or i.get("resourceId") == resource_id)
                 and (tag is None or i.get("tag") == tag)]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str):
        try:
            return self.store.line_items[line_item_id]
        except KeyError:
            raise LineItemNotFoundException() from None

    def create_lineitem(self, creation_data):
        with self.store.lock:
            number = str(len(self.store.line_items) + 1)
            item = dict(creation_data, id=f"{self.base}/lineitems/{number}")
            self.store.line_items[number] = item
        return item

    def update_lineitem(self, update_data):
        raise LineItemNotFoundException()

    def delete_lineitem(self, line_item_id: str) -> None:
        raise LineItemNotFoundException()

    def update_score(self, line_item_id: str, score):
        item = self.find_lineitem(line_item_id)
        if score.get("userId") not in self.store.members:
            return UpdateScoreStatus.NOTAPPLIED  # a user the course does not have
        held = self.store.scores.get((line_item_id, score["userId"]))
        if held and str(score.get("timestamp", "")) <= str(held.get("timestamp", "")):
            return UpdateScoreStatus.NOTAPPLIED  # AGS: an older score never replaces a newer
        with self.store.lock:
            self.store.score_posts += 1
            self.store.scores[(line_item_id, score["userId"])] = {
                # Kept as a platform keeps them, not part of an AGS result: the score's time
                # and the hand-in's (AGS 2.0's submission, Canvas's submission extension).
                "timestamp": score.get("timestamp"),
                "submittedAt": (score.get("submission") or {}).get("submittedAt"),
                "canvas_submission": score.get(CANVAS_SUBMISSION),
                "id": f"{item['id']}/results/{score['userId']}", "scoreOf": item["id"],
                "userId": score["userId"], "resultScore": score.get("scoreGiven"),
                "resultMaximum": score.get("scoreMaximum"), "comment": score.get("comment"),
                "activityProgress": score.get("activityProgress"),
                "gradingProgress": score.get("gradingProgress")}
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id: str, page: int = 1, limit=None, user_id=None):
        self.find_lineitem(line_item_id)
        kept = ("timestamp", "submittedAt", "canvas_submission")  # not in an AGS result
        content = [{k: v for k, v in r.items() if k not in kept}
                   for (item, user), r in self.store.scores.items()
                   if item == line_item_id and (user_id is None or user == user_id)]
        return {"content": content, "has_next": False, "next": None}


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    """A resource-link launch; ``fault`` makes the id_token wrong in one way."""

    fault = ""
    other_key = ""

    def get_launch_message(self, include_extra_claims: bool = True) -> dict[str, Any]:
        message = super().get_launch_message(include_extra_claims)
        if self.fault == "wrong-aud":
            message["aud"] = message["azp"] = "some-other-tool"
        return message

    def generate_launch_request(self):
        if self.fault == "expired":
            self.set_id_token_expiration(-600)  # exp ten minutes in the past
        if self.fault == "bad-signature":
            message, state = self.get_launch_data()
            token = Registration.encode_and_sign(message, self.other_key,
                                                 {"kid": self._registration.get_kid()},
                                                 expiration=300)
            return {"state": state, "id_token": token}
        return super().generate_launch_request()

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                         for k, v in launch_data.items() if k in ("id_token", "state"))
        return (f'<form method="POST" action="{html.escape(launch_data["launch_url"])}">'
                f"{fields}</form>")


class PlatformServer:
    """The platform's HTTP side on 127.0.0.1; ``stop()`` ends it."""

    def __init__(self, *, tool_jwks: dict[str, Any], hub_url: str) -> None:
        self.store = Store()
        self.fail_next = 0  # answer this many AGS requests with 503 (platform down)
        self.launch_fault = ""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.config = Platform(issuer=self.url, launch_url=f"{hub_url}/hub/",
                               oidc_login_url=f"{hub_url}/hub/lti13/oauth_login",
                               private_key=rsa_pem(), tool_jwks=tool_jwks)
        self.config.get_registration()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_member(self, sub: str, name: str, role: str) -> None:
        self.store.members[sub] = Member(sub, name, [role])

    @property
    def lineitems_url(self) -> str:
        return f"{self.url}/lineitems"

    def login_url(self, sub: str) -> str:
        """Where the LMS sends a member's browser when they click the tool's link."""
        login = Login(None, self.config)
        login.set_lti_message_hint(hint="resource-link-1")
        return login.initiate_login(sub)

    def _launch(self, query: dict[str, str]) -> tuple[int, str]:
        member = self.store.members.get(query.get("login_hint", ""))
        if member is None:
            return 403, "unknown user"
        launch = Launch(HttpRequest({"method": "GET", "get_data": query, "form_data": {},
                                     "headers": {}, "content_type": None, "path": "/auth",
                                     "json": None}), self.config)
        launch.fault = self.launch_fault
        launch.other_key = rsa_pem()
        launch.set_user_data(member.sub, member.roles, full_name=member.name)
        launch.set_resource_link_claim("resource-link-1", title="Sourcewise lessons")
        launch.set_launch_context_claim(CONTEXT_ID, context_label="SRC101",
                                        context_title="Source criticism")
        launch.set_ags(self.lineitems_url)
        return 200, launch.lti_launch()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _reply(self, code: int, body: Any, content_type: str = "application/json"
                       ) -> None:
                raw = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _request(self) -> TRequest:
                split = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                kind = self.headers.get("Content-Type") or ""
                form = dict(urllib.parse.parse_qsl(body)) if "form" in kind else {}
                return {"method": self.command, "path": split.path, "content_type": kind,
                        "get_data": dict(urllib.parse.parse_qsl(split.query)),
                        "form_data": form, "headers": dict(self.headers.items()),
                        "json": json.loads(body) if "json" in kind and body else None}

            def do_GET(self) -> None:
                self._route()

            def do_POST(self) -> None:
                self._route()

            def _route(self) -> None:
                req = self._request()
                path = req["path"]
                if path == "/jwks":
                    return self._reply(200, app.config.get_jwks())
                if path == "/auth":
                    code, page = app._launch(req["get_data"] or req["form_data"])
                    return self._reply(code, page, "text/html")
                if path == "/token":
                    try:
                        return self._reply(200, app.config.get_access_token(req["form_data"]))
                    except (LtiException, KeyError, ValueError) as err:
                        return self._reply(400, {"error": "invalid_client",
                                                 "error_description": str(err)})
                if app.fail_next > 0:
                    app.fail_next -= 1
                    return self._reply(503, {"error": "platform down for maintenance"})
                service = Ags(HttpRequest(req), app.config, app.lineitems_url)
                service.store, service.base = app.store, app.url
                match = re.fullmatch(r"/lineitems(?:/(\d+)(?:/(results|scores))?)?", path)
                if match is None:
                    return self._reply(404, {"error": "not found"})
                try:
                    resp = self._ags(service, *match.groups())
                except jwt.PyJWTError as err:
                    # lti1p3platform lets a bad or expired bearer token's PyJWT error
                    # escape validate_token; the platform answers it as OAuth 2 says: 401.
                    return self._reply(401, {"error": "invalid_token",
                                             "error_description": str(err)})
                data = resp.result
                if isinstance(data, dict) and "content" in data:
                    data = data["content"]  # AGS sends containers as JSON arrays
                if resp.code >= 300:
                    data = {"error": resp.message}
                return self._reply(resp.code, data, resp.media_type)

            def _ags(self, service: Ags, number: str | None, leaf: str | None) -> Any:
                if number is None:
                    handle = (service.handle_get_lineitems if self.command == "GET"
                              else service.handle_create_lineitem)
                    return service.handle_resp(handle)
                if leaf == "results":
                    return service.handle_resp(service.handle_get_results, line_item_id=number)
                if leaf == "scores":
                    return service.handle_resp(service.handle_update_score, line_item_id=number)
                return service.handle_resp(service.handle_get_lineitem, line_item_id=number)

        return Handler


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError("condition not met in time")
