"""A client of LTI Advantage's Assignment and Grade Services: token, line items, scores, results.

The access token comes from the platform's token endpoint by the client-credentials grant
with a JWT signed by the tool's key (IMS Security Framework §4.1). A request that fails for
a reason that passes (the platform down, a 5xx, 429, a timeout) is retried with growing
pauses; an expired or revoked token (401) is renewed once; any other 4xx is the platform
saying no, reported at once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sourcewise.grading.course.lms.lti_keys import LtiRegistration

SCOPES = ("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score")
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
TRANSIENT = {429, 500, 502, 503, 504}


class AgsError(Exception):
    """A request the platform refused or never answered; ``status`` 0 when unreachable."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class AgsClient:
    """Talks to one platform as one registered tool."""

    registration: LtiRegistration
    attempts: int = 4
    pause: float = 0.5  # seconds before the first retry; doubled each time
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    _token: str = ""
    _token_until: float = 0.0
    requests: int = field(default=0)

    def token(self, *, renew: bool = False) -> str:
        """A bearer token for the AGS scopes (cached until a minute before it expires)."""
        if self._token and not renew and time.time() < self._token_until - 60:
            return self._token
        import jwt

        reg = self.registration
        now = int(time.time())
        assertion = jwt.encode({"iss": reg.client_id, "sub": reg.client_id,
                                "aud": reg.token_url, "iat": now, "exp": now + 300,
                                "jti": uuid.uuid4().hex},
                               reg.private_key, algorithm="RS256",
                               headers={"kid": reg.key_id})
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion, "scope": " ".join(SCOPES)}).encode("ascii")
        answer = self._send("POST", reg.token_url, form,
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Accept": "application/json"})
        try:
            self._token = str(answer["access_token"])
        except (KeyError, TypeError):
            raise AgsError(f"the token endpoint {reg.token_url} sent no access_token") from None
        self._token_until = time.time() + float(answer.get("expires_in", 3600))
        return self._token

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]
              ) -> Any:
        last: AgsError | None = None
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.pause * 2 ** (attempt - 1))
            self.requests += 1
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    text = response.read().decode("utf-8")
                    return json.loads(text) if text.strip() else None
            except urllib.error.HTTPError as err:
                detail = err.read().decode("utf-8", errors="replace")[:200]
                last = AgsError(f"{method} {url}: HTTP {err.code} {detail}".strip(), err.code)
                if err.code not in TRANSIENT:
                    raise last from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
                reason = getattr(err, "reason", err)
                last = AgsError(f"{method} {url}: the platform did not answer ({reason})")
            except ValueError:
                raise AgsError(f"{method} {url}: the answer is not JSON") from None
        assert last is not None
        raise AgsError(f"{last} (after {self.attempts} attempts)", last.status)

    def call(self, method: str, url: str, *, payload: Any = None, content_type: str = "",
             accept: str = "application/json") -> Any:
        """One AGS request with the bearer token; a 401 renews the token once."""
        body = json.dumps(payload).encode("utf-8") if payload is not None else None
        for renew in (False, True):
            headers = {"Authorization": f"Bearer {self.token(renew=renew)}", "Accept": accept}
            if content_type:
                headers["Content-Type"] = content_type
            try:
                return self._send(method, url, body, headers)
            except AgsError as err:
                if err.status != 401 or renew:
                    raise
        return None

    def line_items(self) -> list[dict[str, Any]]:
        """Every line item of the course context (following ``next`` pages)."""
        items: list[dict[str, Any]] = []
        url: str | None = self.registration.lineitems_url
        while url:
            page = self.call("GET", url, accept=LINEITEMS) or []
            if isinstance(page, dict):  # some platforms wrap the list
                items.extend(page.get("content") or page.get("lineItems") or [])
                url = page.get("next")
            else:
                items.extend(page)
                url = None
        return items

    def create_line_item(self, label: str, resource_id: str, maximum: float, tag: str
                         ) -> dict[str, Any]:
        return self.call("POST", self.registration.lineitems_url, content_type=LINEITEM,
                         accept=LINEITEM,
                         payload={"label": label, "resourceId": resource_id, "tag": tag,
                                  "scoreMaximum": maximum})

    def results(self, line_item_url: str) -> list[dict[str, Any]]:
        answer = self.call("GET", _sub(line_item_url, "results"), accept=RESULTS) or []
        if isinstance(answer, dict):
            return list(answer.get("content") or answer.get("results") or [])
        return list(answer)

    def post_score(self, line_item_url: str, score: dict[str, Any]) -> None:
        self.call("POST", _sub(line_item_url, "scores"), payload=score, content_type=SCORE)


def _sub(line_item_url: str, leaf: str) -> str:
    """``…/lineitems/7?x=1`` → ``…/lineitems/7/scores?x=1`` (AGS §3.4: a subpath, query kept)."""
    parts = urllib.parse.urlsplit(line_item_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + leaf))
