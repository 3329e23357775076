"""``kinerja-sim serve designer|sosialisasi``: a face's notebook as a code-free Voila page.

A trainer opens the page on a laptop in a training room, and the next participant should not
wait for a kernel to start and the notebook to run. So Voila runs with a pool of preheated
kernels (``--preheat_kernel=True --pool_size=2``): each pooled kernel has already executed
the notebook, and a visitor is handed a ready page while the pool refills in the background.
The notebooks therefore build their per-visitor state (the calculator's inputs) when the
widgets are built in that visitor's kernel, never in shared module state.

The server binds to 127.0.0.1 only and hides the code (``--strip_sources=True``). An unknown
face, a notebook that is not there (e.g. a wheel install without the ``notebooks/`` folder) or
a busy port is one clear :class:`~kinerja_sim.errors.InputError` (exit 1), never a traceback
and never a silent switch to another port.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.labels import t

#: Face name -> notebook file in the notebooks folder.
FACES: dict[str, str] = {
    "designer": "perancang_bobot.ipynb",
    "sosialisasi": "sosialisasi.ipynb",
}
DEFAULT_PORT = 8866
HOST = "127.0.0.1"
POOL_SIZE = 2

__all__ = ["FACES", "DEFAULT_PORT", "HOST", "notebook_path", "port_is_free", "voila_argv",
           "register", "cmd_serve"]


def default_notebook_dir() -> Path:
    """The project's ``notebooks/`` folder next to the package (source checkout / editable)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def notebook_path(face: str, notebook_dir: str | Path | None = None) -> Path:
    """The notebook that serves ``face``; InputError for an unknown face or a missing file."""
    if face not in FACES:
        raise InputError([Problem("serve", face, "unknown face",
                                  expected=" or ".join(FACES))])
    folder = Path(notebook_dir) if notebook_dir is not None else default_notebook_dir()
    path = folder / FACES[face]
    if not path.is_file():
        raise InputError([Problem(str(path), "", "notebook not found",
                                  expected="the project's notebooks/ folder, or --notebooks DIR")])
    return path


def port_is_free(port: int, host: str = HOST) -> bool:
    """Can a server listen on ``host:port``? (SO_REUSEADDR as Tornado sets it, so a port in
    TIME_WAIT counts as free and only a real listener counts as busy.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def voila_argv(notebook: str | Path, port: int, pool_size: int = POOL_SIZE) -> list[str]:
    """The Voila command line: loopback only, code hidden, preheated kernel pool, no retry on
    another port (the trainer must know the address they gave out)."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser",
            f"--port={port}", f"--Voila.ip={HOST}", "--Voila.port_retries=0",
            "--strip_sources=True", "--preheat_kernel=True", f"--pool_size={pool_size}",
            "--show_tracebacks=False"]


def register(subparsers) -> list[argparse.ArgumentParser]:
    p = subparsers.add_parser("serve", help="sajikan wajah interaktif di peramban (Voila) / "
                                            "serve an interactive face in the browser")
    p.add_argument("face", help=" | ".join(FACES))
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port di 127.0.0.1 (default {DEFAULT_PORT})")
    p.add_argument("--notebooks", default=None, metavar="DIR",
                   help="folder notebook (default: notebooks/ proyek)")
    p.set_defaults(func=cmd_serve)
    return [p]


def cmd_serve(args) -> int:
    lang = getattr(args, "lang", "id")
    nb = notebook_path(args.face, args.notebooks)
    if not 1 <= args.port <= 65535:
        raise InputError([Problem("serve", "--port", str(args.port), expected="1..65535")])
    if not port_is_free(args.port):
        raise InputError([Problem("serve", "--port", t("serve.port_busy", lang,
                                                       host=HOST, port=args.port),
                                  expected=t("serve.port_hint", lang))])
    print(t("serve.starting", lang, face=args.face, url=f"http://{HOST}:{args.port}/"),
          file=sys.stderr, flush=True)
    argv = voila_argv(nb, args.port)
    # Replace this process by Voila: stopping `kinerja-sim serve` (Ctrl+C, SIGTERM) stops the
    # server and its kernels directly, with no wrapper process left in between.
    os.execv(argv[0], argv)
    return 0  # pragma: no cover - execv does not return
