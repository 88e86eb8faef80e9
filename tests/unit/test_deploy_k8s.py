"""deploy/k8s is known to be right, not just written: Kubernetes' own schemas, kustomize, probes and KEDA."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from kubernetes_validate import utils as k8s_schemas

from services.common.names import STAGES, Names
from services.common.partitions import PartitionMap
from tests.deployment import DEPLOY, K8S, REPO, documents, kubectl, kustomize, manifests, workloads

KEDA_SCHEMA = json.loads((REPO / "tests" / "data" / "keda-v1alpha1.schema.json").read_text())
KEDA = K8S / "keda"
NAMES = Names("nf")  # the manifests' streams are those of the default prefix
K8S_VERSION = k8s_schemas.latest_version()


def keda_objects() -> list[dict[str, Any]]:
    listed = documents(KEDA / "kustomization.yaml")[0]["resources"]
    return [doc for name in listed for doc in documents(KEDA / name)]


def check(obj: dict[str, Any]) -> None:
    """Validate one object: KEDA's against the KEDA schema, every other against Kubernetes' (strict)."""
    if obj["apiVersion"].startswith("keda.sh/"):
        jsonschema.validate(obj, KEDA_SCHEMA)
    else:
        k8s_schemas.validate(obj, K8S_VERSION, strict=True)


def test_every_manifest_conforms_to_its_schema() -> None:
    """Each object of deploy/k8s, the KEDA component and the cluster example passes strict validation."""
    objects = [*manifests(), *documents(K8S / "secret.example.yaml"), *keda_objects()]
    objects += documents(KEDA / "cluster.example.yaml")
    for obj in objects:
        check(obj)
    assert {o["kind"] for o in objects} >= {
        "Deployment",
        "StatefulSet",
        "ScaledObject",
        "TriggerAuthentication",
    }


def test_the_schemas_catch_a_misspelt_field() -> None:
    """The checks above can fail: a typo in a probe, or an unquoted lagCount, is refused."""
    deployment = documents(K8S / "clean.yaml")[0]
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["paht"] = "/x"
    with pytest.raises(jsonschema.ValidationError, match="paht"):
        check(deployment)
    scaled = documents(KEDA / "clean.yaml")[0]
    scaled["spec"]["triggers"][0]["metadata"]["lagCount"] = 64
    with pytest.raises(jsonschema.ValidationError):
        check(scaled)


@pytest.mark.skipif(kubectl() is None, reason="kubectl is not installed: the kustomize render is not checked")
def test_kustomize_renders_the_base_and_the_keda_component(tmp_path: Path) -> None:
    """`kubectl kustomize` renders both, the render passes the schemas, and every stage gets REDIS_ADDRESS."""
    (tmp_path / "base").mkdir()
    (tmp_path / "keda").mkdir()
    base = kustomize(tmp_path / "base")
    scaled = kustomize(tmp_path / "keda", components=("keda",))
    for obj in base + scaled:
        check(obj)
    assert [o["kind"] for o in base].count("ScaledObject") == 0
    assert sorted(o["metadata"]["name"] for o in scaled if o["kind"] == "ScaledObject") == sorted(
        f"newsfacts-{s}" for s in STAGES
    )
    for workload in workloads(scaled):
        env = {e["name"] for e in workload["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert ("REDIS_ADDRESS" in env) == (workload["kind"] == "Deployment"), workload["metadata"]["name"]


def test_every_process_serves_its_probes_on_the_named_metrics_port() -> None:
    """Each container binds NEWSFACTS_METRICS_PORT on all addresses, names that port `metrics`, and its
    startup and liveness probes ask /healthz and its readiness probe /readyz there."""
    for workload in workloads(manifests()):
        template = workload["spec"]["template"]
        (container,) = template["spec"]["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        (port,) = container["ports"]
        assert port["name"] == "metrics" and str(port["containerPort"]) == env["NEWSFACTS_METRICS_PORT"]
        assert env["NEWSFACTS_METRICS_HOST"] == "0.0.0.0"
        probes = {
            kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        }
        assert {kind: (p["path"], p["port"]) for kind, p in probes.items()} == {
            "startupProbe": ("/healthz", "metrics"),
            "livenessProbe": ("/healthz", "metrics"),
            "readinessProbe": ("/readyz", "metrics"),
        }
        assert template["metadata"]["annotations"]["prometheus.io/port"] == env["NEWSFACTS_METRICS_PORT"]
        assert container["args"] == ["worker", template["metadata"]["labels"]["app.kubernetes.io/component"]]


def test_a_scaledobject_per_stage_scales_its_deployment_on_its_group_lag() -> None:
    """Every stage has one: it targets that stage's Deployment and reads the lag of the stage's own group
    on the stage's input stream (names.py), authenticated from the Secret the workers use."""
    objects = keda_objects()
    deployments = {o["metadata"]["name"] for o in manifests() if o["kind"] == "Deployment"}
    (auth,) = [o for o in objects if o["kind"] == "TriggerAuthentication"]
    secret = documents(K8S / "secret.example.yaml")[0]
    assert {ref["name"] for ref in auth["spec"]["secretTargetRef"]} == {secret["metadata"]["name"]}
    assert {ref["key"] for ref in auth["spec"]["secretTargetRef"]} <= set(secret["stringData"])
    scaled = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ScaledObject"}
    assert set(scaled) == {f"newsfacts-{s}" for s in STAGES}
    for stage in STAGES:
        spec = scaled[f"newsfacts-{stage}"]["spec"]
        assert spec["scaleTargetRef"]["name"] in deployments and spec["minReplicaCount"] >= 1
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "redis-streams"
        assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
        meta = trigger["metadata"]
        assert (meta["stream"], meta["consumerGroup"]) == (NAMES.input_stream(stage), NAMES.group(stage))
        assert int(meta["lagCount"]) > 0 and meta["addressFromEnv"] == "REDIS_ADDRESS"
    patch = documents(KEDA / "kustomization.yaml")[0]["patches"][0]["patch"]
    assert "REDIS_ADDRESS" in patch and "REDIS_ADDRESS" in secret["stringData"]


def test_the_cluster_variant_has_one_trigger_per_partition_stream() -> None:
    """The redis-cluster-streams example reads enrich's input stream of each of its 4 partitions."""
    (scaled,) = documents(KEDA / "cluster.example.yaml")
    triggers = scaled["spec"]["triggers"]
    partitions = PartitionMap("nf", 4)
    assert [t["metadata"]["stream"] for t in triggers] == [
        partitions.names(p).input_stream("enrich") for p in range(4)
    ]
    assert {(t["type"], t["metadata"]["consumerGroup"]) for t in triggers} == {
        ("redis-cluster-streams", "enrich")
    }


def _docker_engine() -> str | None:
    """Why there is no Docker engine to build with, or None when there is one."""
    docker = shutil.which("docker")
    if docker is None:
        return "docker is not installed"
    probe = subprocess.run([docker, "info"], capture_output=True, timeout=30)
    return None if probe.returncode == 0 else "the docker client has no engine to talk to (docker info fails)"


@pytest.mark.slow
def test_the_image_builds_and_runs_the_cli(tmp_path: Path) -> None:
    """deploy/Dockerfile builds from the repository root and its entrypoint answers `--help`."""
    why = _docker_engine()
    if why is not None:
        pytest.skip(f"image not built: {why}")
    tag = "newsfacts:test-build"
    built = subprocess.run(
        ["docker", "build", "-f", str(DEPLOY / "Dockerfile"), "-t", tag, str(REPO)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    ran = subprocess.run(
        ["docker", "run", "--rm", tag, "--help"], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0 and "newsfacts" in ran.stdout
