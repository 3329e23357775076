"""`kinerja-sim serve`: clean errors, and a real Voila server on loopback with hidden code."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from kinerja_sim.cli import main
from kinerja_sim.ui import serve

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "kinerja_sim.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unknown_face_is_an_input_error_naming_the_faces(capsys):
    assert main(["serve", "kasir"]) == 1
    err = capsys.readouterr().err
    assert "kasir" in err and "designer" in err and "sosialisasi" in err
    assert "Traceback" not in err


def test_missing_notebook_is_an_input_error(tmp_path, capsys):
    assert main(["serve", "designer", "--notebooks", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "perancang_bobot.ipynb" in err and "not found" in err


def test_busy_port_is_an_input_error_not_another_port(tmp_path, capsys):
    nb = tmp_path / "sosialisasi.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), nb)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not serve.port_is_free(port)
        assert main(["serve", "sosialisasi", "--port", str(port), "--notebooks",
                     str(tmp_path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"port {port}" in err and "in use" in err


def test_port_out_of_range_is_an_input_error(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "sosialisasi.ipynb")
    assert main(["serve", "sosialisasi", "--port", "70000", "--notebooks", str(tmp_path)]) == 1


def test_voila_command_is_loopback_code_hidden_and_preheated():
    argv = serve.voila_argv("x.ipynb", 9001)
    assert argv[:3] == [sys.executable, "-m", "voila"]
    for flag in ("--Voila.ip=127.0.0.1", "--port=9001", "--strip_sources=True",
                 "--preheat_kernel=True", "--pool_size=2", "--no-browser",
                 "--Voila.port_retries=0"):
        assert flag in argv


def test_every_face_maps_to_a_notebook_in_notebooks_folder():
    assert serve.default_notebook_dir() == ROOT / "notebooks"
    assert set(serve.FACES) == {"designer", "sosialisasi"}
    assert all(name.endswith(".ipynb") for name in serve.FACES.values())


def wait_for_port(proc: subprocess.Popen, port: int, timeout: float = 90.0) -> None:
    """Wait until something listens on the port, failing at once if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: "
                                 f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on port {port} within {timeout} s")


def test_serve_starts_voila_on_loopback_and_hides_code(tmp_path):
    import urllib.request

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("SECRET_SOURCE_MARK = 6 * 7\nprint('hasil', "
                                          "SECRET_SOURCE_MARK)")]
    nbformat.write(nb, tmp_path / "sosialisasi.ipynb")
    port = free_port()
    proc = subprocess.Popen([*CLI, "serve", "sosialisasi", "--port", str(port),
                             "--notebooks", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_port(proc, port)
        assert not serve.port_is_free(port)
        html = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read().decode()
        assert "hasil 42" in html  # the cell ran (pre-rendered by the pooled kernel)
        assert "SECRET_SOURCE_MARK = 6 * 7" not in html  # but its code is not shown
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_serve_help_lists_port_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    assert exc.value.code == 0
    assert "--port" in capsys.readouterr().out
