"""The kernel relay as a line-oriented process, for tests/faults/python-relay.test.ts: the TypeScript
core's workflows run in Node over `KernelRelay`, whose messages come here as they would through a
widget's comm, and the real `Relay` answers them.

The first line on stdin is {"base_url", "token", "username", "scope": {"objects", "sign_off_keys",
"critical", "queue_key"}} ("queue_key": the scope ReviewQueue builds for those objects, with the
loading filters Python makes); every later line is one page message (`alyx-request` or
`alyx-abort`). Each answer is printed as one JSON line.
"""

import json
import sys
import threading

from alyx_qc._credentials import Credentials
from alyx_qc._queue import loading_filters
from alyx_qc._relay import Relay
from alyx_qc._scope import RelayScope

config = json.loads(sys.stdin.readline())
scope = config["scope"]
relay = Relay(
    Credentials(config["base_url"], config["username"], lambda: config["token"]),
    scope=RelayScope(objects=frozenset(scope["objects"]), sign_off_keys=frozenset(scope.get("sign_off_keys", ())), critical=scope.get("critical", False),
                     session_filters=frozenset(loading_filters(scope["queue_key"], scope["objects"]) if "queue_key" in scope else ())),
)
write_lock = threading.Lock()


def reply(answer):
    with write_lock:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    if message.get("type") == "alyx-abort":
        relay.abort(message["id"])
    else:
        relay.start(message, reply)
relay.close()
