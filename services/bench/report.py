"""The benchmark's targets, judged, and the report as text for people."""

from __future__ import annotations

from typing import Any

MIN_CEILING_RATIO = 0.8
MAX_P99_MS = 250.0
MIN_REPLAY_EVENTS_PER_S = 40_000
MIN_REPLAY_RATIO = 0.4
MAX_WORKER_RSS_MB = 200.0
MIN_SCALING = 1.7
#: Cores other processes may use during a run before the report warns that it was not alone.
NOISY_CORES = 0.2


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain aligned text table (the command-line one; the bench package does not import the CLI)."""
    widths = [max(len(h), *(len(r[n]) for r in rows)) for n, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def _target(name: str, value: Any, goal: str, passed: bool | None, note: str = "") -> dict[str, Any]:
    return {"name": name, "value": value, "goal": goal, "passed": passed, "note": note}


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it was met (None: not measured in this run)."""
    pipe, paced = report["pipeline"], report["config"]["rate"] is not None
    ratio = report["comparison"]["throughput_ratio"]
    p99 = pipe["latency_ms"]["visible"]["p99"]
    replay, replay_ratio = pipe["replay"]["events_per_s"], pipe["replay"].get("ratio")
    rss = max((mb for role in pipe["roles"].values() for mb in role["peak_rss_mb"]), default=None)
    scaling = report.get("scaling")
    scaled = scaling["ratio"] if scaling else None
    return [
        _target(
            "pipeline / ceiling at equal cores", ratio, f">= {MIN_CEILING_RATIO}",
            None if paced else ratio is not None and ratio >= MIN_CEILING_RATIO,
            "paced run: throughput is set by --rate" if paced else "",
        ),
        _target(
            "p99 publish -> visible (ms)", p99, f"<= {MAX_P99_MS:g} at half max rate",
            p99 is not None and p99 <= MAX_P99_MS if paced else None,
            "" if paced else "max-throughput run: queueing; judge with --rate at half the max",
        ),
        _target(
            "replay rebuild (events/s)", replay, f">= {MIN_REPLAY_EVENTS_PER_S:,}",
            replay is not None and replay >= MIN_REPLAY_EVENTS_PER_S,
        ),
        _target(
            "replay rebuild / raw ceiling", replay_ratio, f">= {MIN_REPLAY_RATIO}",
            replay_ratio >= MIN_REPLAY_RATIO if replay_ratio is not None else None,
            "ceiling: XRANGE + JSON decode of the same log, one process",
        ),
        _target("peak RSS of any worker (MB)", rss, f"<= {MAX_WORKER_RSS_MB:g}",
                rss is not None and rss <= MAX_WORKER_RSS_MB),
        _target(
            f"scaling {scaling['stage']} 1 -> 2 processes" if scaling else "scaling 1 -> 2 processes",
            scaled, f">= {MIN_SCALING}x", scaled >= MIN_SCALING if scaled else None,
            "" if scaling else "not measured: --scaling STAGE",
        ),
    ]  # fmt: skip


def _n(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _latency(stats: dict[str, Any]) -> str:
    return "  ".join(f"{k} {_n(stats[k])}" for k in ("p50", "p95", "p99", "max"))


def role_table(roles: dict[str, dict[str, Any]]) -> str:
    """One row per role: processes, CPU per article, capacity per core, observed rate, batches, RSS."""
    rows = []
    for role, r in roles.items():
        b, observed = r["batches"], r.get("observed") or {}
        rows.append([
            role, str(r["processes"]), _n(r["cpu_ms_per_article"], 2), _n(r["articles_per_cpu_s"]),
            _n(observed.get("rate")), _n(b["count"]), _n(b["mean"]), _n(b["p50"]), _n(b["max"]),
            " ".join(_n(mb) for mb in r["peak_rss_mb"]),
        ])  # fmt: skip
    headers = ["role", "procs", "CPU ms/art", "art/CPU-s", "observed art/s", "batches", "mean", "p50", "max"]
    return table(rows, [*headers, "peak RSS MB"])


def target_table(judged: list[dict[str, Any]]) -> str:
    rows = [
        [
            t["name"],
            _n(t["value"], 2),
            t["goal"],
            {True: "pass", False: "FAIL", None: "n/a"}[t["passed"]],
            t["note"],
        ]
        for t in judged
    ]
    return table(rows, ["target", "value", "goal", "result", "note"])


def render(report: dict[str, Any]) -> str:
    """The report as a few lines and two tables."""
    cfg, corpus, pipe = report["config"], report["corpus"], report["pipeline"]
    ceiling, cmp, cpu, lat = report["ceiling"], report["comparison"], pipe["cpu"], pipe["latency_ms"]
    mode = f"paced at {cfg['rate']:g} articles/s" if cfg["rate"] else "max throughput"
    replay = pipe["replay"]
    lines = [
        f"newsfacts bench: {pipe['articles']:,} articles ({corpus['source']}, content "
        f"{corpus['kb']['mean']} KB mean, {corpus['kb']['min']}-{corpus['kb']['max']} KB), {mode}, "
        f"{cfg['cores']} cores, server {cfg['server']}, load average {cfg['load_average_1m']['before']} "
        f"before, {cfg['load_average_1m']['after']} after",
        f"end to end      {_n(pipe['articles_per_s'])} articles/s, first publish to last visible "
        f"in {_n(pipe['seconds'], 2)} s; outcomes {pipe['outcomes']}",
        f"latency ms      publish -> visible       {_latency(lat['visible'])}  (poll {lat['poll_ms']} ms)",
        f"                publish -> last fact     {_latency(lat['in_log'])}",
        f"                last fact -> visible     {_latency(lat['projector_lag'])}",
        f"ceiling         {_n(ceiling['articles_per_s_one_core'])} articles/s on one core "
        f"({_n(ceiling['cpu_ms_per_article'], 2)} CPU ms/article); x{_n(cmp['cores_available'], 2)} cores "
        f"available = {_n(cmp['ceiling_at_equal_cores'])} articles/s: the pipeline reaches "
        f"{_n(cmp['throughput_ratio'], 2)} of that ({_n(cmp['throughput_ratio_all_cores'], 2)} of "
        f"all {cmp['cores']} cores)",
        f"pipeline CPU    {_n(cpu['pipeline_cpu_ms_per_article'], 2)} ms/article (workers "
        f"{_n(cpu['workers_cpu_ms_per_article'], 2)} + server {_n(cpu['server_cpu_ms_per_article'], 2)}); "
        f"CPU efficiency vs ceiling {_n(cmp['cpu_efficiency'], 2)}; cores busy {_n(cpu['cores_busy'], 2)} "
        f"(other processes on the machine: {_n(cpu['other_processes_cores'], 2)}); "
        f"bench driver {_n(cpu['driver_cpu_ms_per_article'], 2)} ms/article",
        f"replay          rebuild {replay['events']:,} events in {_n(replay['seconds'], 3)} s: "
        f"{_n(replay['events_per_s'])} events/s; raw ceiling (XRANGE + decode, one process) "
        f"{_n(replay.get('ceiling_events_per_s'))} events/s; ratio {_n(replay.get('ratio'), 2)}; "
        f"checksum equal to the live store: {replay.get('checksum_equal_to_live')}",
    ]
    if (cold := replay.get("archive")) is not None:
        lines.append(
            f"archive         wrote {cold['entries']:,} entries in {cold['segments']} segments at "
            f"{_n(cold['write_events_per_s'])} events/s; read + decode "
            f"{_n(cold['read_decode_events_per_s'])} events/s; rebuild from the archive alone "
            f"{_n(cold['rebuild_events_per_s'])} events/s, checksum equal: {cold['checksum_equal_to_live']}; "
            f"{_n(cold['redis_bytes_per_article'])} B/article in Redis, "
            f"{_n(cold['archive_bytes_per_article'])} B/article archived"
        )
    others = cpu["other_processes_cores"]
    if others > NOISY_CORES:
        lines.append(
            f"warning         other processes used {others:.2f} cores during the run: CPU per article holds, "
            "rates and latencies are lower than on a quiet machine"
        )
    if scaling := report.get("scaling"):
        rates = ", ".join(
            f"{r['processes']}p {_n(r['articles_per_s'])}/s "
            f"(others {_n(r['other_processes_cores'], 2)} cores)"
            for r in scaling["runs"]
        )
        lines.append(
            f"scaling         {scaling['stage']}: {rates}; best 2p / best 1p: x{_n(scaling['ratio'], 2)}"
        )
    return "\n".join([*lines, "", role_table(pipe["roles"]), "", target_table(report["targets"])])
