"""The Python client's storage: one SQLite file in the device's storage folder.

- records: the last server state known per record (tombstones included; revs only go up);
- outbox: one row per local write, in order; `sent` is the request body as first sent, so
  every retry of an op carries the same Idempotency-Key and body;
- conflicts: local edits that met a deletion, for the user to resolve;
- meta: the pull cursor and the auth token.

A write and its outbox row commit in one transaction; the simulator kills the process with
SIGKILL, so an open transaction rolls back and committed ones survive, as on a phone.
"""

import json
import sqlite3
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (collection TEXT, id TEXT, rev INTEGER, deleted INTEGER,
  fields TEXT, PRIMARY KEY (collection, id));
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT,
  collection TEXT, id TEXT, kind TEXT, patch TEXT, sent TEXT);
CREATE TABLE IF NOT EXISTS conflicts (id TEXT PRIMARY KEY, collection TEXT, record_id TEXT, local TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


class Store:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- records (the server state known) ---
    def base(self, collection, record_id):
        row = self.db.execute("SELECT rev, deleted, fields FROM records WHERE collection=? AND id=?",
                              (collection, record_id)).fetchone()
        if row is None:
            return None
        return {"collection": collection, "id": record_id, "rev": row[0], "deleted": bool(row[1]),
                "fields": json.loads(row[2])}

    def adopt(self, record):
        """Keeps a server record as the base, only if it is newer than the one held."""
        if record is None:
            return
        held = self.base(record["collection"], record["id"])
        if held is not None and held["rev"] >= record["rev"]:
            return
        self.db.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)",
                        (record["collection"], record["id"], record["rev"], int(record["deleted"]),
                         json.dumps(record["fields"])))

    def record_ids(self, collection):
        rows = self.db.execute("SELECT id FROM records WHERE collection=? UNION SELECT id FROM outbox "
                               "WHERE collection=? ORDER BY id", (collection, collection)).fetchall()
        return [row[0] for row in rows]

    # --- outbox ---
    @staticmethod
    def _op(row):
        return {"seq": row[0], "opId": row[1], "collection": row[2], "id": row[3], "kind": row[4],
                "patch": json.loads(row[5]), "sent": json.loads(row[6]) if row[6] else None}

    def ops(self, collection, record_id):
        rows = self.db.execute("SELECT * FROM outbox WHERE collection=? AND id=? ORDER BY seq",
                               (collection, record_id)).fetchall()
        return [self._op(row) for row in rows]

    def first_op(self):
        row = self.db.execute("SELECT * FROM outbox ORDER BY seq LIMIT 1").fetchone()
        return None if row is None else self._op(row)

    def pending(self):
        return self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def add_op(self, op_id, collection, record_id, kind, patch):
        self.db.execute("INSERT INTO outbox (op_id, collection, id, kind, patch) VALUES (?, ?, ?, ?, ?)",
                        (op_id, collection, record_id, kind, json.dumps(patch)))

    def set_sent(self, seq, sent):
        self.db.execute("UPDATE outbox SET sent=? WHERE seq=?", (json.dumps(sent), seq))

    def rebase_op(self, seq, op_id):
        self.db.execute("UPDATE outbox SET op_id=?, sent=NULL WHERE seq=?", (op_id, seq))

    def drop_op(self, seq):
        self.db.execute("DELETE FROM outbox WHERE seq=?", (seq,))

    # --- conflicts and meta ---
    def conflicts(self):
        rows = self.db.execute("SELECT id, collection, record_id, local FROM conflicts ORDER BY id").fetchall()
        return [{"id": r[0], "collection": r[1], "recordId": r[2], "local": json.loads(r[3]), "remote": None}
                for r in rows]

    def conflict_on(self, collection, record_id):
        row = self.db.execute("SELECT id FROM conflicts WHERE collection=? AND record_id=?",
                              (collection, record_id)).fetchone()
        return None if row is None else row[0]

    def put_conflict(self, conflict_id, collection, record_id, local):
        self.db.execute("INSERT OR REPLACE INTO conflicts VALUES (?, ?, ?, ?)",
                        (conflict_id, collection, record_id, json.dumps(local)))

    def drop_conflict(self, conflict_id):
        self.db.execute("DELETE FROM conflicts WHERE id=?", (conflict_id,))

    def meta(self, key):
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key, value):
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
