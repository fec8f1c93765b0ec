"""Fixtures for the Python shim's tests: a real development Alyx on loopback, its users' tokens,
fresh sessions and insertions, and an inspector to read back what the server stored."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
SEED = json.loads((REPO / "dev" / "alyx-server" / "seed.json").read_text())
PASSWORD = SEED["password"]
START_TIMEOUT = 60


class DevAlyx:
    """A running ``dev/alyx-server/serve.py``, its URL and REST helpers for the tests."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._tokens: dict = {}
        self._counter = 0

    def token(self, username: str = "test_user") -> str:
        if username not in self._tokens:
            response = requests.post(f"{self.base_url}/auth-token", data={"username": username, "password": PASSWORD}, timeout=10)
            response.raise_for_status()
            self._tokens[username] = response.json()["token"]
        return self._tokens[username]

    def rest(self, method: str, path: str, body: object = None, username: str = "admin") -> object:
        response = requests.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            headers={"Authorization": f"Token {self.token(username)}", "Accept": "application/json"},
            timeout=10,
        )
        response.raise_for_status()
        return None if response.status_code == 204 else response.json()

    def new_session(self) -> str:
        self._counter += 1
        subject = SEED["subjects"][self._counter % len(SEED["subjects"])]["nickname"]
        session = self.rest(
            "POST",
            "/sessions",
            {
                "subject": subject,
                "number": 100 + self._counter,
                "start_time": "2024-01-15T10:00:00",
                "task_protocol": "_iblrig_tasks_ephysChoiceWorld6.6.2",
                "json": {"sign_off_checklist": {"_ephysChoiceWorld_00": None}, "kept": [1, "x"]},
            },
        )
        return session["id"]  # type: ignore[index]

    def new_insertion(self) -> str:
        insertion = self.rest("POST", "/insertions", {"session": self.new_session(), "name": "probe00"})
        return insertion["id"]  # type: ignore[index]

    def notes_of(self, object_id: str) -> list:
        return self.rest("GET", f"/notes?django=object_id,{object_id}&limit=1000")["results"]  # type: ignore[index]


@pytest.fixture(scope="session")
def alyx() -> Iterator[DevAlyx]:
    """The development Alyx with its seed data, on a free port, for the whole test session."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / "dev" / "alyx-server" / "serve.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready: list = []
    stderr: list = []
    # Keep draining stderr for the server's whole life: a full pipe would block it.
    threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True).start()  # type: ignore[arg-type]

    def read_ready() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.startswith("ALYX READY "):
                ready.append(line.split()[2])
                break

    reader = threading.Thread(target=read_ready, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not ready:
        process.kill()
        pytest.fail(f"the dev Alyx did not start within {START_TIMEOUT} s:\n{''.join(stderr)[-3000:]}")
    try:
        yield DevAlyx(ready[0])
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
