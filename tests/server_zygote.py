"""An interpreter that has imported the service and TensorFlow once, and forks a server
from that state for each test that asks: `python -m app` spends about 6 of its 7 to 8
seconds of start importing, and the suite starts a server some twenty times.

A forked server runs `app.__main__.main()` with the environment it was given, its output
in its own log, on its own loopback port: the same code as `python -m app` from the
import on. The interpreter's own start is exercised by the session's server and by the
start-up tests, which spawn `python -m app` from scratch (tests/conftest.py).

It reads one JSON request per line on stdin and answers one JSON line on stdout:
`{"start": {"env", "log", "cwd"}}` forks a server and answers its pid;
`{"poll": pid}` answers its exit code, or null while it runs (negative: the signal).
"""

from __future__ import annotations

import importlib
import json
import os
import sys


def _serve(env: dict[str, str], log: str, cwd: str) -> None:
    """In the forked child: become `python -m app` with this environment; never return."""
    code = 1
    try:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(null)
        os.close(out)
        sys.argv = ["app"]
        from app.__main__ import main

        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # Not the zygote's exit handlers: only what this server registered would be ours
        # to run, and uvicorn has shut the server down by now.
        os._exit(code)


def main() -> None:
    from app import unserved

    unserved.keep_out()
    # What every server would import again: the seconds this process saves each start.
    for module in ("tensorflow", "app.main", "app.__main__"):
        importlib.import_module(module)
    # And what every server would read again: the language identifier's model.
    from app.sentiment.language import LanguageCheck

    LanguageCheck()

    children: dict[int, int | None] = {}
    reply = sys.stdout
    print(json.dumps({"ready": os.getpid()}), file=reply, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "start" in request:
            spec = request["start"]
            reply.flush()
            pid = os.fork()
            if pid == 0:
                _serve(spec["env"], spec["log"], spec["cwd"])
            children[pid] = None
            answer: dict[str, object] = {"pid": pid}
        else:
            pid = int(request["poll"])
            if children.get(pid) is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    children[pid] = os.waitstatus_to_exitcode(status)
            answer = {"returncode": children.get(pid)}
        print(json.dumps(answer), file=reply, flush=True)


if __name__ == "__main__":
    main()
