"""deploy/prometheus and deploy/grafana are known to be right: promtool, relabelling against the manifests,
the ports `up` gives, and a dashboard whose every query parses as PromQL."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from services.cli.supervisor import METERED
from tests.deployment import DEPLOY, dashboard, documents, manifests, metric_names, queries, tool, workloads

PROMETHEUS = DEPLOY / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("promtool"), *args], capture_output=True, text=True, timeout=60)


def test_the_prometheus_configs_pass_promtool(tmp_path: Path) -> None:
    """local.yml as it is; prometheus.yml with its pod discovery swapped for a static target, since
    Debian's promtool is built without Kubernetes discovery (the relabelling is still checked)."""
    checked = promtool("check", "config", str(PROMETHEUS / "local.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    config = documents(PROMETHEUS / "prometheus.yml")[0]
    for job in config["scrape_configs"]:
        assert job.pop("kubernetes_sd_configs") == [{"role": "pod"}]
        job["static_configs"] = [{"targets": ["pod.example:9400"]}]
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(config))
    checked = promtool("check", "config", str(copy))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _sanitised(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


def _relabel(labels: dict[str, str], rules: list[dict[str, Any]]) -> dict[str, str] | None:
    """Prometheus' keep and replace relabelling (the two actions the config uses); None when dropped."""
    for rule in rules:
        joined = rule.get("separator", ";").join(labels.get(s, "") for s in rule["source_labels"])
        match = re.fullmatch(rule.get("regex", "(.*)"), joined)
        action = rule.get("action", "replace")
        if action == "keep" and match is None:
            return None
        if action == "replace" and match is not None:
            labels[rule["target_label"]] = match.expand(rule.get("replacement", "$1").replace("$1", r"\1"))
        assert action in ("keep", "replace"), action
    return labels


def test_the_pod_relabelling_keeps_one_target_per_pod_labelled_with_its_role() -> None:
    """Each pod of deploy/k8s, as Kubernetes discovery labels it (one target per container port), yields
    exactly one target, its metrics port, with role = its component; a pod of another app yields none."""
    (job,) = documents(PROMETHEUS / "prometheus.yml")[0]["scrape_configs"]
    rules = job["relabel_configs"]

    def targets(pod_labels: dict[str, str], ports: list[dict[str, Any]]) -> list[dict[str, str]]:
        found = []
        for port in ports:
            meta = {f"__meta_kubernetes_pod_label_{_sanitised(k)}": v for k, v in pod_labels.items()}
            meta |= {
                "__meta_kubernetes_pod_container_port_name": port.get("name", ""),
                "__meta_kubernetes_namespace": "newsfacts",
                "__meta_kubernetes_pod_name": "pod-0",
            }
            kept = _relabel(meta, rules)
            if kept is not None:
                found.append(kept)
        return found

    for workload in workloads(manifests()):
        template = workload["spec"]["template"]
        ports = template["spec"]["containers"][0]["ports"] + [{"name": "other", "containerPort": 1}]
        (target,) = targets(template["metadata"]["labels"], ports)
        assert target["role"] == template["metadata"]["labels"]["app.kubernetes.io/component"]
        assert target["__meta_kubernetes_pod_container_port_name"] == "metrics"
    assert targets({"app.kubernetes.io/name": "someone-else"}, [{"name": "metrics"}]) == []


def test_the_local_config_scrapes_the_ports_up_gives_its_children() -> None:
    """`NEWSFACTS_METRICS_PORT=9400 newsfacts up` serves role i on 9400 + i, in the supervisor's order."""
    (job,) = documents(PROMETHEUS / "local.yml")[0]["scrape_configs"]
    got = [(group["targets"], group["labels"]["role"]) for group in job["static_configs"]]
    assert got == [([f"127.0.0.1:{9400 + n}"], role) for n, role in enumerate(METERED)]


def test_the_dashboard_is_well_formed() -> None:
    """Unique panel ids, panels inside Grafana's 24 columns, one refId per target in a panel, every query
    on the datasource variable, and only the variables the dashboard defines."""
    board = dashboard()
    panels = board["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    defined = {v["name"] for v in board["templating"]["list"]}
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        targets = panel.get("targets", [])
        assert len({t["refId"] for t in targets}) == len(targets), panel["title"]
        for target in targets:
            assert target["datasource"]["uid"] == "${datasource}"
            used = set(re.findall(r"\$(\w+)", target["expr"])) - {"__rate_interval"}
            assert used <= defined, (panel["title"], used - defined)
    assert sum(len(p.get("targets", [])) for p in panels) == len(queries(board)) >= 15


def test_every_dashboard_query_parses_as_promql(tmp_path: Path) -> None:
    """promtool checks each panel's query (Grafana's variables substituted) as a recording rule."""
    rules = [{"record": f"newsfacts:query_{n}", "expr": q} for n, q in enumerate(queries(dashboard()))]
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = promtool("check", "rules", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules)} rules found" in checked.stdout


def test_the_metric_name_reader_finds_names_and_nothing_else() -> None:
    """The helper the metric-name comparison relies on reads names, not functions, labels or durations."""
    expr = 'histogram_quantile(0.99, sum by (stage, le) (rate(x_bucket{stage=~".*"}[1m]))) / y_total'
    assert metric_names(expr) == {"x_bucket", "y_total"}
