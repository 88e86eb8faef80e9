"""The wheel on its own: built from the source tree, installed into a fresh venv, `newsfacts demo` runs there.

Nothing of the source tree is importable in that venv: it holds the wheel and, linked from this
environment, exactly the distributions the wheel's metadata requires (recursively), so a file
left out of the wheel or a dependency left out of ``pyproject.toml`` fails here. Linking them
instead of downloading keeps the test offline and a few seconds long; it is what ``pip install``
would put there, at the versions ``constraints.txt`` pins.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import orjson
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from services.common import server
from services.common.settings import Settings
from tests.e2e.conftest import REPO, clean_environment, terminate

SEED_ITEMS = 18
#: Not part of a source distribution: left behind so the copy stays small and the build clean.
BUILD_LEFTOVERS = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".data")


def requirement_closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions that satisfy ``requirements``, and theirs, recursively."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, str]] = set()
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        dist = metadata.distribution(req.name)
        assert dist.version in req.specifier or not req.specifier, f"{req} but {dist.version} is installed"
        name = canonicalize_name(dist.metadata["Name"])
        found[name] = dist
        for wanted in ["", *sorted(req.extras)]:
            if (name, wanted) not in seen:
                seen.add((name, wanted))
                todo += [(Requirement(r), wanted) for r in dist.requires or []]
    return list(found.values())


def link_into(site: Path, dist: metadata.Distribution) -> None:
    """Make ``dist`` importable in ``site`` by linking its top-level files and folders there."""
    base = Path(str(dist.locate_file("")))
    for top in {f.parts[0] for f in dist.files or [] if f.parts[0] != ".."}:
        target = site / top
        if not target.exists() and (base / top).exists():
            target.symlink_to(base / top)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The wheel built from a copy of the source tree (offline, no build isolation), and the build output."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(root / "dist"), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    (built,) = (root / "dist").glob("newsfacts-*.whl")
    yield built, build.stdout + build.stderr


@pytest.fixture(scope="module")
def venv(wheel: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed by pip and its declared dependencies, nothing else."""
    built, _ = wheel
    home = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True, timeout=120)
    python = home / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
         str(built)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    site = Path(
        subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
        .decode()
        .strip()
    )
    assert site != Path(sysconfig.get_path("purelib"))
    with zipfile.ZipFile(built) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [
            line.split(":", 1)[1].strip()
            for line in zf.read(meta).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
    for dist in requirement_closure(requires):
        link_into(site, dist)
    return home


def test_the_wheel_builds_without_warnings_and_states_its_licence(wheel: tuple[Path, str]) -> None:
    """No setuptools deprecation warnings (the licence is an SPDX expression), and the metadata says MIT."""
    built, output = wheel
    assert "deprecat" not in output.lower(), output
    with zipfile.ZipFile(built) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
        names = zf.namelist()
    assert "License-Expression: MIT" in text.splitlines()
    assert "services/cli/seeds/000_xiaomi_ev_mass_production.txt" in names
    assert "services/cli/seeds/headlines.jsonl" in names
    shipped = {Path(n).name for n in names if n.startswith("services/common/schemas/")}
    assert {p.name for p in (REPO / "schemas").iterdir()} <= shipped


@pytest.mark.redis
@pytest.mark.slow
def test_demo_runs_from_the_installed_wheel_alone(venv: Path, tmp_path: Path) -> None:
    """Outside the source tree, the installed `newsfacts demo` starts a server, projects 18 seeds, stops."""
    data_dir = tmp_path / "demo"
    env = clean_environment(NEWSFACTS_DATA_DIR=str(data_dir))
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import services; print(services.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(venv), "the source tree leaked into the venv"
    try:
        done = subprocess.run(
            [str(venv / "bin" / "newsfacts"), "demo", "--json", "--timeout", "60"],
            capture_output=True, env=env, cwd=tmp_path, timeout=150,
        )  # fmt: skip
    finally:
        server.stop_server(Settings(data_dir=data_dir))  # only matters if demo failed to
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    out = orjson.loads(done.stdout)
    assert (out["published"], out["projected"]) == (SEED_ITEMS, SEED_ITEMS)
    assert set(out["workers_exit"].values()) == {0}, out["workers_exit"]
    assert out["counters"]["article.indexed"] == SEED_ITEMS
    assert out["articles"][0]["title"].startswith("Xiaomi Corp.")
    assert server.running(Settings(data_dir=data_dir)) is None


def test_the_installed_schemas_command_copies_the_published_schemas(venv: Path, tmp_path: Path) -> None:
    """`newsfacts schemas --out DIR` from the wheel writes exactly the committed schemas/ files."""
    out = tmp_path / "contract"
    env = clean_environment(NEWSFACTS_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run(
        [str(venv / "bin" / "newsfacts"), "schemas", "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    committed = {p.name: p.read_bytes() for p in (REPO / "schemas").iterdir()}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == committed


def test_the_installed_serve_has_its_templates_static_files_and_docs(venv: Path, tmp_path: Path) -> None:
    """`newsfacts serve` from the wheel renders a page and serves its CSS and Swagger UI's files (offline)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = clean_environment(NEWSFACTS_DATA_DIR=str(tmp_path / "data"))
    errors = tmp_path / "serve.err"
    with errors.open("wb") as sink:
        process = subprocess.Popen(
            [str(venv / "bin" / "newsfacts"), "serve", "--port", str(port)],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=sink,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/static/site/style.css", timeout=5).close()
                break
            except OSError:
                assert process.poll() is None, errors.read_text()
                assert time.monotonic() < deadline, "newsfacts serve did not answer in 60 s"
                time.sleep(0.1)
        for path in ("/docs", "/static/docs/swagger-ui-bundle.js", "/static/site/pipeline.js", "/pipeline"):
            with urllib.request.urlopen(base + path, timeout=10) as reply:
                assert reply.status == 200, path
        with pytest.raises(urllib.error.HTTPError) as no_store:  # no read models yet: a page says so
            urllib.request.urlopen(base + "/", timeout=10)
        assert no_store.value.code == 503 and b"no read models yet" in no_store.value.read()
    finally:
        assert terminate(process) == 0
