"""The client side of the syncstorm process protocol, for Python 3 (standard library only).

The simulator starts this program, writes one JSON event per line on stdin and reads our
messages on stdout until we end the turn with {"type": "done"} (docs/process-protocol.md).
Everything that touches the outside world goes through the runtime: HTTP (`await
rt.fetch(...)`), time (`await rt.sleep(ms)`, `rt.set_timer`), randomness (`rt.random()`,
`rt.uuid()`), crash points and logs. Nothing here reads the real clock or real randomness,
so a run is deterministic.

Client code is written with `async def` and awaits the runtime's fetch and sleep; the
runtime drives those coroutines itself (no asyncio): a coroutine suspended on a fetch
resumes in the turn that brings the response.
"""

import json
import sys
import traceback

PROTOCOL_VERSION = 1


class NetworkError(Exception):
    """The request failed before an answer arrived (offline, reset, timeout, aborted)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Killed(BaseException):
    """The simulator killed this incarnation at a crash point (reusable clients only): unwinds
    the client's code, as the process's death would have stopped it. Never catch it."""


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {name.lower(): value for name, value in headers.items()}
        self.body = body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class _Suspend:
    """Something a coroutine waits for: `yield`ed to the driver, resumed with its value."""

    def __await__(self):
        return (yield self)


class Fetch(_Suspend):
    def __init__(self, method, url, headers, body):
        self.message = {"type": "fetch", "method": method, "url": url, "headers": headers}
        if body is not None:
            self.message["body"] = body


class Sleep(_Suspend):
    def __init__(self, delay_ms):
        self.delay_ms = delay_ms


class Future(_Suspend):
    """A value some coroutines wait for; resolved once."""

    def __init__(self, runtime):
        self._runtime = runtime
        self._waiting = []
        self.done = False
        self.value = None

    def resolve(self, value):
        self.done, self.value = True, value
        waiting, self._waiting = self._waiting, []
        for task in waiting:
            self._runtime._step(task, value)


class _Task:
    def __init__(self, coroutine, on_done):
        self.coroutine = coroutine
        self.on_done = on_done


class Runtime:
    def __init__(self, client_class, stdin=sys.stdin, stdout=sys.stdout):
        self._client_class = client_class
        self._stdin, self._stdout = stdin, stdout
        self._out = []
        self._fetches = {}
        self._timers = {}
        self._next_id = 1
        self.client = None
        self.start_event = None
        # Where the simulator would kill during this turn (the event's `armed`), and draws given ahead.
        self._armed = None
        self._ahead = {}

    # --- messages -------------------------------------------------------------------
    def _send(self, message):
        self._out.append(json.dumps(message, separators=(",", ":")))

    def _flush(self):
        if self._out:
            self._stdout.write("\n".join(self._out) + "\n")
            self._stdout.flush()
            self._out = []

    def _query(self, message):
        """A question the simulator answers at once, inside the turn."""
        self._send(message)
        self._flush()
        line = self._stdin.readline()
        if not line:
            sys.exit(0)
        return json.loads(line)

    def _id(self):
        self._next_id += 1
        return self._next_id - 1

    # --- what clients use -----------------------------------------------------------
    def random(self):
        return self._draw("random")

    def uuid(self):
        return self._draw("uuid")

    def _draw(self, kind):
        """The next draw: from those the simulator gave ahead (`more`), or asked for, 16 at once."""
        ahead = self._ahead.setdefault(kind, [])
        if ahead:
            return ahead.pop(0)
        answer = self._query({"type": kind, "count": 16})
        ahead.extend(answer.get("more", []))
        return answer["value"]

    def now(self):
        return self._query({"type": "now"})["value"]

    def crash_point(self, name):
        """The simulator may kill the process right here (SIGKILL): this call then never returns.
        A reusable client is killed by the answer instead: Killed unwinds what it was doing.
        When the simulator says where it would kill (`crashPointHints`), it asks only there."""
        hints = self.start_event is not None and self.start_event.get("crashPointHints")
        if hints and self._armed not in ("*", name):
            return
        if self._query({"type": "crashPoint", "name": name}).get("kill"):
            raise Killed(name)

    def log(self, event_type, **fields):
        self._send({"type": "log", "event": dict(fields, type=event_type)})

    def report_error(self, message):
        self._send({"type": "reportError", "message": message})

    def fetch(self, method, url, headers=None, body=None):
        """Awaitable: a Response, or raises NetworkError."""
        return Fetch(method, url, headers or {}, body)

    def sleep(self, delay_ms):
        return Sleep(delay_ms)

    def future(self):
        return Future(self)

    def set_timer(self, delay_ms, callback):
        timer_id = self._id()
        self._timers[timer_id] = callback
        self._send({"type": "setTimer", "timerId": timer_id, "delayMs": max(0, delay_ms)})
        return timer_id

    def clear_timer(self, timer_id):
        if timer_id is not None and self._timers.pop(timer_id, None) is not None:
            self._send({"type": "clearTimer", "timerId": timer_id})

    def spawn(self, coroutine, on_done=None):
        """Runs a coroutine until its first suspension; `on_done(value, error)` when it ends."""
        self._step(_Task(coroutine, on_done), None)

    # --- the coroutine driver -------------------------------------------------------
    def _step(self, task, value, error=None):
        try:
            waiting = task.coroutine.throw(error) if error is not None else task.coroutine.send(value)
        except StopIteration as stop:
            return task.on_done and task.on_done(stop.value, None)
        except Exception as failure:  # the coroutine raised: its owner decides
            return task.on_done and task.on_done(None, failure)
        if isinstance(waiting, Fetch):
            fetch_id = self._id()
            self._fetches[fetch_id] = task
            self._send(dict(waiting.message, fetchId=fetch_id))
        elif isinstance(waiting, Sleep):
            self.set_timer(waiting.delay_ms, lambda: self._step(task, None))
        elif isinstance(waiting, Future):
            if waiting.done:
                self._step(task, waiting.value)
            else:
                waiting._waiting.append(task)
        else:
            self._step(task, None, TypeError(f"awaited {waiting!r}, not a runtime awaitable"))

    # --- the event loop -------------------------------------------------------------
    def _call(self, event, answered=None):
        """Runs an app call; `answered` (a list) gets True once its result is sent."""
        call_id, method = event["id"], event["method"]

        def reply(value, error):
            if answered is not None:
                answered.append(True)
            if error is not None:
                self._send({"type": "result", "id": call_id, "error": f"{type(error).__name__}: {error}"})
            else:
                self._send({"type": "result", "id": call_id, "value": value})

        try:
            result = getattr(self.client, method)(*event["args"])
        except Exception as error:
            return reply(None, error)
        if hasattr(result, "send") and hasattr(result, "throw"):
            self.spawn(result, reply)
        else:
            reply(result, None)

    def _handle(self, event):
        kind = event["type"]
        self._armed = event.get("armed")
        if kind == "hello":
            cls = self._client_class
            self._send({"type": "hello", "name": cls.NAME, "policy": cls.POLICY,
                        "collections": cls.COLLECTIONS, "crashPoints": cls.CRASH_POINTS,
                        # One process may serve several incarnations if the client can close
                        # everything it opened (docs/process-protocol.md, "Reusable processes").
                        "reusable": callable(getattr(cls, "close", None)),
                        # It understands the `calls` event (the simulator's view reads in one turn).
                        "batches": True})
        elif kind == "kill":
            self._end_incarnation()
        elif kind == "start":
            self.start_event = event
            self._ahead = {}
            self.client = self._client_class(self, event)
        elif kind == "call":
            self._call(event)
        elif kind == "calls":
            # Each call once the one before it answered within the turn, as if in turns of
            # their own; the rest, once one did not, are left to the simulator (`notRun`).
            calls = event["calls"]
            for index, call in enumerate(calls):
                answered = []
                self._call(call, answered)
                if not answered and index + 1 < len(calls):
                    self._send({"type": "notRun", "ids": [later["id"] for later in calls[index + 1:]]})
                    break
        elif kind == "response":
            task = self._fetches.pop(event["fetchId"])
            if "error" in event:
                self._step(task, None, NetworkError(event["error"]))
            else:
                self._step(task, Response(event["status"], event["headers"], event["body"]))
        elif kind == "timer":
            callback = self._timers.pop(event["timerId"], None)
            if callback is not None:
                callback()
        elif kind == "surroundings":
            self.client.on_surroundings(event["event"])

    def _end_incarnation(self):
        """The incarnation is killed: its storage closed (open transactions roll back), its
        timers, fetches and unsent messages dropped; the process waits for the next start."""
        self._fetches, self._timers = {}, {}  # what waited on them is dropped with them
        client, self.client, self.start_event = self.client, None, None
        if client is not None:
            client.close()
        self._out = []  # whatever the dead incarnation still sent
        self._next_id = 1
        self._ahead = {}

    def run(self):
        """Reads events until stdin closes (the simulator is gone): then exits."""
        while True:
            line = self._stdin.readline()
            if not line:
                return
            try:
                self._handle(json.loads(line))
            except Killed:
                self._end_incarnation()
            except Exception:  # a bug in the client: reported, the process goes on
                self.report_error(traceback.format_exc(limit=5))
            self._send({"type": "done"})
            self._flush()
