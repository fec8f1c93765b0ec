"""Drives the kernel relay and a SignOff widget for tests/faults/python-relay.test.ts.

Reads {"base_url", "token", "username", "eid", "requests": [[method, url, body], ...]} as JSON on
stdin; prints one JSON object: each request's answer as the relay hands it to the front end (through
the widget's `send`, as a front end's message would arrive), the widget's synced state, the reprs.
The relay's scope is a SignOff widget's on `eid` (key `_ephysChoiceWorld_00`).
"""

import json
import sys
import threading

from alyx_qc import SignOff
from alyx_qc._credentials import Credentials
from alyx_qc._relay import Relay
from alyx_qc._scope import RelayScope

config = json.load(sys.stdin)
credentials = Credentials(config["base_url"], config["username"], lambda: config["token"])
scope = RelayScope(objects=frozenset({config["eid"]}), sign_off_keys=frozenset({"_ephysChoiceWorld_00"}))
relay = Relay(credentials, scope=scope, timeout=5.0)
answers = [relay.perform({"type": "alyx-request", "id": str(i), "method": m, "url": u, "body": b}) for i, (m, u, b) in enumerate(config["requests"])]

# The widget, with the messages it sends to the front end captured where a comm would carry them.
widget = SignOff(config["eid"], "_ephysChoiceWorld_00", "task", base_url=config["base_url"], token=config["token"], username=config["username"])
sent = []
done = threading.Event()


def capture(content, buffers=None):
    sent.append(content)
    done.set()


widget.send = capture
widget._handle_message(widget, {"type": "alyx-request", "id": "w1", "method": "GET", "url": f"{config['base_url']}/sessions/{config['eid']}"}, [])
done.wait(10)
done.clear()
widget._handle_message(widget, {"type": "alyx-request", "id": "w2", "method": "GET", "url": "http://127.0.0.1:9/sessions"}, [])
done.wait(10)
state = widget.get_state()
print(json.dumps({
    "answers": answers,
    "sent": sent,
    "state": state,
    "reprs": [repr(credentials), repr(widget), repr(relay), str(vars(widget).keys())],
}, default=str))
widget.close()
