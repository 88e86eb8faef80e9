"""The files under deploy/ as the tests read them: manifests, the kustomize render, dashboard queries."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
DASHBOARD = DEPLOY / "grafana" / "newsfacts.json"
#: What Grafana substitutes before a query reaches Prometheus, for checking the queries outside it.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$stage": ".*"}


def documents(path: Path) -> list[dict[str, Any]]:
    """Every YAML document of ``path`` (empty ones dropped)."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def manifests(directory: Path = K8S) -> list[dict[str, Any]]:
    """The objects of every manifest the kustomization in ``directory`` lists as a resource."""
    listed = documents(directory / "kustomization.yaml")[0]["resources"]
    return [doc for name in listed for doc in documents(directory / name)]


def kubectl() -> str | None:
    """The kubectl binary, if this machine has one."""
    return shutil.which("kubectl")


def kustomize(tmp: Path, *, components: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """``kubectl kustomize`` of deploy/k8s, through an overlay in ``tmp`` that adds ``components``."""
    binary = kubectl()
    assert binary is not None
    base = Path(os.path.relpath(K8S, tmp))
    overlay = {"resources": [str(base)], "components": [str(base / c) for c in components]}
    (tmp / "kustomization.yaml").write_text(yaml.safe_dump(overlay))
    done = subprocess.run([binary, "kustomize", str(tmp)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Deployments and StatefulSets."""
    return [o for o in objects if o["kind"] in ("Deployment", "StatefulSet")]


def dashboard() -> dict[str, Any]:
    """The Grafana dashboard."""
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def queries(board: dict[str, Any]) -> list[str]:
    """Every PromQL expression of the dashboard's panels, as Prometheus receives it."""
    found = []
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"]
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            found.append(expr)
    return found


_FUNCTIONS = {"sum", "rate", "increase", "max", "max_over_time", "histogram_quantile", "by", "le"}


def metric_names(expr: str) -> set[str]:
    """The metric names an expression reads (identifiers not inside braces, quotes or a by (...))."""
    bare = re.sub(r'\{[^}]*\}|"[^"]*"|\bby \([^)]*\)|\[[^\]]*\]', " ", expr)
    return {word for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", bare) if word not in _FUNCTIONS}


def tool(name: str) -> str:
    """The path of a system tool the deploy checks need; skipped without it on a laptop, a failure in CI."""
    found = shutil.which(name)
    if found is None:
        why = f"{name} is not installed (Debian: apt-get install prometheus); .ci/run installs it"
        if os.environ.get("CI"):
            raise AssertionError(why)
        pytest.skip(why)
    return found
