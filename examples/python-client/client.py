#!/usr/bin/env python3
"""An offline-first sync client in Python (standard library + sqlite3), run by syncstorm as a
process client:

    syncstorm gate --client "process:python3 examples/python-client/client.py"

The same design as examples/memory-client: a durable outbox (one op per local write, in the
same transaction), the same Idempotency-Key and body on every retry, rev checks and
tombstones on pull, an op that meets a concurrent change replayed on top of it (declared
`lww`), an edit that meets a deletion surfaced as a conflict. It syncs on its own after
writes, on reconnect, every 30 s in the foreground, and after a backoff when a run fails.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from patch import patch_of_fields, shown  # noqa: E402
from store import Store  # noqa: E402
from sync import Http, Stop, pull, push  # noqa: E402
from syncstorm_process import Runtime  # noqa: E402

DEBOUNCE_MS = 250
TICK_MS = 30_000
BACKOFF_BASE_MS = 1_000
BACKOFF_CAP_MS = 60_000


class Client:
    NAME = "python-client"
    POLICY = {"default": "lww"}
    COLLECTIONS = ["notes", "tasks"]
    CRASH_POINTS = ["before-push", "after-push-before-commit", "after-pull-before-apply"]

    def __init__(self, rt, start):
        self.rt = rt
        self.store = Store(os.path.join(start["storageDir"], "client.sqlite"))
        self.http = Http(rt, self.store, start["deviceId"])
        self.online, self.foreground = start["online"], start["foreground"]
        self.running = self.queued = None
        self.waiting = None  # 'server' (Retry-After) or 'backoff' while a retry timer runs
        self.soon_timer = self.retry_timer = None
        self.failures = 0
        self.rt.set_timer(TICK_MS, self.tick)
        self.soon(0)

    # --- the app API (local-first: commits and returns at once) ---
    def create(self, collection, fields):
        record_id = self.rt.uuid()
        self.enqueue(collection, record_id, "create", patch_of_fields(fields))
        return record_id

    def update(self, collection, record_id, patch):
        if self.shows(collection, record_id):
            self.enqueue(collection, record_id, "update", patch)

    def delete(self, collection, record_id):
        if self.shows(collection, record_id):
            self.enqueue(collection, record_id, "delete", [])

    def list(self, collection):
        records = []
        for record_id in self.store.record_ids(collection):
            base, ops = self.store.base(collection, record_id), self.store.ops(collection, record_id)
            live, fields = shown(base, ops)
            if live:
                records.append({"id": record_id, "collection": collection, "fields": fields,
                                "status": "pending" if ops else "synced", "rev": base["rev"] if base else None})
        return records

    def pendingCount(self):  # noqa: N802 (the contract's name)
        return self.store.pending()

    def conflicts(self):
        return self.store.conflicts()

    def resolve(self, conflict_id, resolution):
        conflict = next((c for c in self.store.conflicts() if c["id"] == conflict_id), None)
        if conflict is None:
            return
        fields = resolution["value"] if resolution["choice"] == "merged" else conflict["local"]
        with self.store.transaction():
            self.store.drop_conflict(conflict_id)
            if resolution["choice"] != "keep-remote":  # restore the record with these fields
                self.store.add_op(self.rt.uuid(), conflict["collection"], conflict["recordId"], "create",
                                  patch_of_fields(fields))
        self.soon(DEBOUNCE_MS)

    async def sync(self):
        value, error = await self.request()
        if error is not None:
            raise error
        return value

    def close(self):
        """Killed (the process stays for a later incarnation): the SQLite connection closes,
        rolling back what was not committed, as the process's death would have."""
        self.store.db.close()

    def on_surroundings(self, event):
        if event in ("online", "offline"):
            self.online = event == "online"
        else:
            self.foreground = event == "foreground"
        if event in ("online", "foreground"):
            if self.waiting == "backoff":  # back after network failures: no need to sit out the backoff
                self.stop_waiting()
            self.soon(0)

    # --- local writes ---
    def shows(self, collection, record_id):
        return shown(self.store.base(collection, record_id), self.store.ops(collection, record_id))[0]

    def enqueue(self, collection, record_id, kind, patch):
        self.store.add_op(self.rt.uuid(), collection, record_id, kind, patch)
        self.soon(DEBOUNCE_MS)

    # --- when to sync ---
    def soon(self, delay_ms):
        self.rt.clear_timer(self.soon_timer)
        self.soon_timer = self.rt.set_timer(delay_ms, self.background)

    def tick(self):
        self.rt.set_timer(TICK_MS, self.tick)
        if self.foreground:
            self.background()

    def background(self):
        if self.online:
            self.request()

    def stop_waiting(self):
        self.rt.clear_timer(self.retry_timer)
        self.waiting = self.retry_timer = None

    def request(self):
        """A future of (result, error) for a run: now, or once right after the current one."""
        if self.queued is not None:
            return self.queued
        if self.running is None:
            return self.run_now()
        self.queued = self.rt.future()
        return self.queued

    def run_now(self, done=None):
        done = done or self.rt.future()
        self.running = done

        def finished(value, error):
            self.running = None
            if error is not None:
                self.rt.report_error("sync run failed: %s: %s" % (type(error).__name__, error))
            done.resolve((value, error))
            if self.queued is not None:
                queued, self.queued = self.queued, None
                self.run_now(queued)

        self.rt.spawn(self.run(), finished)
        return done

    async def run(self):
        pending = self.store.pending()
        if self.waiting is not None:  # nobody goes before the wait is over
            return {"pushed": 0, "pulled": 0, "pending": pending, "error": "backoff"}
        run = {"requests": 0}
        pushed = pulled = 0
        stop = None
        try:
            pushed = await push(self.rt, self.store, self.http, run)
            pulled = await pull(self.rt, self.store, self.http, run)
        except Stop as reason:
            stop = reason
        self.after_run(stop)
        result = {"pushed": pushed, "pulled": pulled, "pending": self.store.pending()}
        if stop is not None:
            result["error"] = stop.reason
        self.rt.log("sync-end", result=stop.reason if stop else "ok", pending=result["pending"])
        return result

    def after_run(self, stop):
        """The next attempt after a run that stopped: Retry-After, or capped exponential backoff with jitter."""
        self.stop_waiting()
        if stop is None:
            self.failures = 0
            return
        if stop.wait_ms == 0:
            return self.soon(DEBOUNCE_MS)
        self.failures += 1
        if stop.wait_ms is not None:
            delay, self.waiting = stop.wait_ms * (1 + 0.1 * self.rt.random()), "server"
        else:
            nominal = min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** min(self.failures - 1, 16))
            delay, self.waiting = nominal / 2 + nominal / 2 * self.rt.random(), "backoff"

        def retry():
            self.waiting = self.retry_timer = None
            self.background()

        self.retry_timer = self.rt.set_timer(int(delay) + 1, retry)


if __name__ == "__main__":
    Runtime(Client).run()
