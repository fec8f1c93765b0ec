"""Run ibllib's own QC note classes non-interactively, timed, for the benchmarks.

Usage (called by ``benchmarks/round-trips.ts`` and ``benchmarks/batch.ts``)::

    python benchmarks/ibllib_driver.py WORKFLOW --base-url URL --username reviewer2 \
        --password PW --uuids UUID[,UUID...] [--sign-off-key _ephysChoiceWorld_00]

WORKFLOW is one of

- ``critical-new``: ibllib's ``main(uuid, alyx)``, the documented terminal flow (two content-type
  lookups, the notes list, the create), on a session without a critical note; its prompts are
  answered by a scripted ``input()`` (reasons ``0,2,4``, free text for "Other");
- ``critical-new-known``: the content type known, ``CriticalSessionNote(uuid, alyx)
  .upload_note(nums='0,2,4', other_reason=...)`` (the notes list, the create);
- ``critical-overwrite``: the same on a session that has one, answering "y" to the overwrite
  prompt (each old note is deleted, then the new one created);
- ``sign-off``: ``TaskSignOffNote(uuid, alyx, key).upload_note(nums='1', other_reason=...)``,
  the note and then ``sign_off()`` of the checklist;
  on a session with a sign-off note for the key by another reviewer, the same call merges into it;
- ``sign-off-no-note``: ``TaskSignOffNote(uuid, alyx, key).sign_off()``, the checklist only;
- ``batch-sign-off``: ``sign-off`` for every UUID, one after the other, as a lab's script would;
- ``batch-sign-off-no-note``: ``sign-off-no-note`` for every UUID, one after the other.

Prints one JSON object on stdout: ``{"runs": [{"ms": ..., "requests": ..., "calls": ["GET /sessions/…", …]}], "total_ms": ...,
"failures": [...], "statuses": {"200": n, "429": n, ...}, "ibllib": version, "one": version}``
(statuses include the login). Timing covers the workflow only
(constructing the note object included, since its constructor makes requests); the Python start-up,
the imports and the login are outside it, as they are for alyx-qc. Requests are counted at the
HTTP adapter (every request ``requests`` sends); the proxy's log counts them too.

Why ``reviewer2``: ibllib's ``SignOffNote.sign_off()`` splits ``<date>_<username>`` on ``_`` to
get the user, so ``test_user`` would be stored as ``test`` in the checklist.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workflow", choices=["critical-new", "critical-new-known", "critical-overwrite", "sign-off", "sign-off-no-note", "batch-sign-off", "batch-sign-off-no-note", "versions"])
    parser.add_argument("--base-url")
    parser.add_argument("--username", default="reviewer2")
    parser.add_argument("--password")
    parser.add_argument("--uuids", default="")
    parser.add_argument("--sign-off-key", default="_ephysChoiceWorld_00")
    return parser.parse_args(argv)


def minimal_openapi_schema() -> dict:
    """The part of Alyx's ``/api/schema`` that ONE's ``rest()`` consults for these endpoints.

    ONE downloads the schema once and caches it for a week, so it is not part of a workflow's cost;
    the development Alyx does not serve it, so the driver hands ONE the few paths it needs.
    """
    def collection(name: str) -> dict:
        list_params = [{"name": "django", "in": "query"}, {"name": "id", "in": "query"}, {"name": "limit", "in": "query"}, {"name": "offset", "in": "query"}]
        body = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}
        return {
            f"/{name}": {"get": {"parameters": list_params}, "post": {"requestBody": body}},
            f"/{name}/{{id}}": {"get": {}, "put": {"requestBody": body}, "patch": {"requestBody": body}, "delete": {}},
        }

    paths: dict = {}
    schemas: dict = {}
    for name in ("notes", "sessions", "insertions"):
        paths.update(collection(name))
        schemas[name] = {"properties": {"json": {}, "text": {}, "object_id": {}, "content_type": {}, "user": {}}}
    return {"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # ONE keeps parameters and caches under HOME: a throwaway one, so that nothing on this machine
    # is read or changed and no interactive setup is triggered.
    home = tempfile.mkdtemp(prefix="alyx-qc-bench-home-")
    os.environ["HOME"] = home
    os.environ.setdefault("ONE_CACHE_DIR", os.path.join(home, "one-cache"))

    import requests.adapters
    import ibllib
    import one
    import builtins
    from ibllib.qc import critical_reasons
    from ibllib.qc.critical_reasons import CriticalSessionNote, TaskSignOffNote
    from one.webclient import AlyxClient, RestSchemeOpenApi

    versions = {"ibllib": ibllib.__version__, "one": one.__version__}
    if args.workflow == "versions":
        print(json.dumps(versions))
        return 0

    count = {"n": 0}
    calls: list[str] = []
    statuses: dict[str, int] = {}
    send = requests.adapters.HTTPAdapter.send

    def counting_send(self, request, *a, **kw):  # noqa: ANN001 - requests' own signature
        count["n"] += 1
        calls.append(f"{request.method} {request.path_url}")
        response = send(self, request, *a, **kw)
        statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
        if os.environ.get("ALYX_QC_BENCH_TRACE"):
            print(request.method, request.url, file=sys.stderr)
        return response

    requests.adapters.HTTPAdapter.send = counting_send

    # cache_rest=None: every GET goes to the server. With ONE's default REST cache the content-type
    # lookup could be answered from disk when the same UUID was looked up earlier in the day, which
    # a benchmark that creates fresh sessions would never see anyway.
    alyx = AlyxClient(
        base_url=args.base_url,
        username=args.username,
        password=args.password,
        cache_dir=os.environ["ONE_CACHE_DIR"],
        silent=True,
        cache_rest=None,
    )
    if not alyx.is_logged_in:
        alyx.authenticate(username=args.username, password=args.password)
    alyx._rest_schemes = RestSchemeOpenApi(minimal_openapi_schema())

    def scripted_input(prompt: str = "") -> str:
        """What a reviewer types at ibllib's prompts, answered without a terminal."""
        if "delete" in prompt:
            return "y"
        if "free text" in prompt:
            return "benchmark: other reason"
        return "0,2,4"

    builtins.input = scripted_input
    # ibllib prints its prompts' echoes ("You selected reason(s): ..."): keep stdout for the JSON.
    critical_reasons.print = lambda *a, **kw: print(*a, file=sys.stderr)

    def run(uuid: str) -> None:
        if args.workflow in ("critical-new", "critical-overwrite"):
            critical_reasons.main(uuid, alyx=alyx)
        elif args.workflow == "critical-new-known":
            CriticalSessionNote(uuid, alyx).upload_note(nums="0,2,4", other_reason="benchmark: other reason")
        elif args.workflow in ("sign-off-no-note", "batch-sign-off-no-note"):
            TaskSignOffNote(uuid, alyx, args.sign_off_key).sign_off()
        else:
            TaskSignOffNote(uuid, alyx, args.sign_off_key).upload_note(nums="1", other_reason="benchmark: sign-off")

    runs = []
    failures = []
    started = time.perf_counter()
    for uuid in [u for u in args.uuids.split(",") if u]:
        before = count["n"]
        calls.clear()
        t0 = time.perf_counter()
        try:
            run(uuid)
        except Exception as error:  # noqa: BLE001 - reported, the benchmark counts failures
            failures.append({"uuid": uuid, "error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc(limit=3)})
        runs.append({"ms": (time.perf_counter() - t0) * 1000, "requests": count["n"] - before, "calls": list(calls)})
    total_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"runs": runs, "total_ms": total_ms, "failures": failures, "statuses": statuses, **versions}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
