"""One sync run of the Python client: push the outbox in order, then pull pages of changes.

Every operating error is a value (never an exception): a run that meets one stops and says
how long to wait (the server's Retry-After, or None for backoff).
"""

import json
from urllib.parse import urlencode

from patch import shown
from syncstorm_process import NetworkError

PAGE_LIMIT = 100
PAGES_PER_RUN_MAX = 50
REQUESTS_PER_RUN_MAX = 100


class Stop(Exception):
    """A run stops early; retry after `wait_ms` (None: exponential backoff; 0: right away)."""

    def __init__(self, reason, wait_ms=None):
        super().__init__(reason)
        self.reason, self.wait_ms = reason, wait_ms


def _retry_after_ms(response):
    try:
        return float(response.headers.get("retry-after", "")) * 1000
    except ValueError:
        return None


class Http:
    def __init__(self, rt, store, device_id):
        self.rt, self.store, self.device_id = rt, store, device_id

    async def _exchange(self, method, path, body, key):
        headers = {"content-type": "application/json"}
        token = self.store.meta("token")
        if token is not None and path != "/auth/refresh":
            headers["authorization"] = "Bearer " + token
        if key is not None:
            headers["idempotency-key"] = key
        try:
            response = await self.rt.fetch(method, path, headers, None if body is None else json.dumps(body))
        except NetworkError as error:
            raise Stop("network: " + error.code)
        if response.status == 429:
            raise Stop("rate-limited", _retry_after_ms(response) or 1000)
        if response.status >= 500 or response.status in (408, 412):
            raise Stop("status %d" % response.status, _retry_after_ms(response))
        return response

    async def _refresh(self):
        response = await self._exchange("POST", "/auth/refresh", {"deviceId": self.device_id}, None)
        token = (response.json() or {}).get("token") if response.status == 200 else None
        if not isinstance(token, str):
            raise Stop("token refresh answered %d" % response.status)
        self.store.set_meta("token", token)

    async def send(self, method, path, body=None, key=None):
        """An authorized exchange: a token first if there is none, one refresh on a 401."""
        if self.store.meta("token") is None:
            await self._refresh()
        response = await self._exchange(method, path, body, key)
        if response.status == 401:
            await self._refresh()
            response = await self._exchange(method, path, body, key)
            if response.status == 401:
                raise Stop("unauthorized")
        return response


def _frozen(rt, store, op):
    """The op's body as first sent, stored before it leaves: every retry sends exactly this."""
    if op["sent"] is not None:
        return op["sent"]
    base = store.base(op["collection"], op["id"])
    if op["kind"] == "create":
        base_rev = base["rev"] if base is not None and base["deleted"] else None
    else:
        base_rev = None if base is None else base["rev"]
    sent = {"opId": op["opId"], "collection": op["collection"], "id": op["id"], "kind": op["kind"],
            "baseRev": base_rev, "patch": op["patch"]}
    store.set_sent(op["seq"], sent)
    return sent


def _on_conflict(rt, store, op, body):
    current, reason = body["current"], body.get("reason")
    with store.transaction():
        if reason == "deleted" and op["kind"] == "update":
            # An edit met a deletion: the record's pending edits become a conflict for the user.
            ops = store.ops(op["collection"], op["id"])
            local = shown(store.base(op["collection"], op["id"]), ops)[1]
            conflict_id = store.conflict_on(op["collection"], op["id"]) or rt.uuid()
            for pending in ops:
                store.drop_op(pending["seq"])
            store.put_conflict(conflict_id, op["collection"], op["id"], local)
        elif (reason == "deleted" and op["kind"] == "delete") or reason == "exists":
            store.drop_op(op["seq"])
        else:
            # Stale base: replay the same patch on the current record, under a new key.
            store.rebase_op(op["seq"], rt.uuid())
        store.adopt(current)


async def push(rt, store, http, run):
    pushed = 0
    while True:
        op = store.first_op()
        if op is None:
            return pushed
        if run["requests"] >= REQUESTS_PER_RUN_MAX:
            raise Stop("request bound", 0)
        body = _frozen(rt, store, op)
        rt.crash_point("before-push")
        run["requests"] += 1
        response = await http.send("POST", "/sync/ops", body, body["opId"])
        rt.crash_point("after-push-before-commit")
        answer = response.json()
        rt.log("push-result", outboxItemId=body["opId"], status=response.status, collection=op["collection"], id=op["id"])
        if response.status in (200, 201) and isinstance(answer, dict):
            with store.transaction():
                store.drop_op(op["seq"])
                store.adopt(answer.get("record"))
            pushed += 1
        elif response.status == 409 and isinstance(answer, dict) and isinstance(answer.get("current"), dict):
            _on_conflict(rt, store, op, answer)
        elif response.status in (400, 404, 422):
            store.drop_op(op["seq"])  # the server will never take it as it is
        else:
            raise Stop("push answered %d" % response.status)


async def pull(rt, store, http, run):
    pulled = 0
    for _ in range(PAGES_PER_RUN_MAX):
        cursor = store.meta("cursor")
        query = urlencode({"limit": PAGE_LIMIT} if cursor is None else {"limit": PAGE_LIMIT, "since": cursor})
        run["requests"] += 1
        response = await http.send("GET", "/changes?" + query)
        page = response.json()
        if response.status == 400:
            store.set_meta("cursor", None)  # the server forgot the cursor: start over (revs keep it safe)
            raise Stop("cursor rejected")
        if response.status != 200 or not isinstance(page, dict) or not isinstance(page.get("changes"), list):
            raise Stop("pull answered %d" % response.status)
        rt.crash_point("after-pull-before-apply")
        with store.transaction():
            for change in page["changes"]:
                store.adopt(change)
            store.set_meta("cursor", page["next"])
        pulled += len(page["changes"])
        if not page["hasMore"]:
            return pulled
    raise Stop("page bound", 0)
