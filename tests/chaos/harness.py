"""What the chaos test is made of: made-up news, bad input, worker processes to kill, the log read back.

Longer than most modules because it is the whole fault-injection rig in one place:
a seeded generator of submissions (each knowing what ingest will call it and how it
must end), a pool of ``newsfacts worker`` processes that can be SIGKILLed and
restarted, the embedded server's crash and restart, and checks that read nothing
but the log: each returns the broken promises it finds, so a failure lists them all.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import redis.asyncio as aioredis

from services.common import server
from services.common.envelope import Envelope, decode
from services.common.names import LOG_STREAMS, STAGES, Names
from services.common.rejection import Rejection
from services.common.settings import Settings
from services.common.stage import entry_payload
from services.ingest.logic import ingest, validate
from services.publish.sources import Item
from tests.support import cli_env

REPO = Path(__file__).resolve().parents[2]
#: The facts every accepted article gets, in pipeline order, each caused by the one before.
CHAIN = ("article.ingested", "article.cleaned", "article.classified", "article.enriched", "article.indexed")
CHAIN_STREAMS = ("ingested", "cleaned", "classified", "enriched", "indexed")

# --- made-up news -----------------------------------------------------------------------------------------

COMPANIES = (
    "Siemens", "Toyota", "Nestlé", "Shell", "HSBC", "Samsung", "Tencent", "Volkswagen", "Airbus", "Boeing",
    "Pfizer", "Novartis", "Unilever", "Nvidia", "Intel", "Amazon", "Tesla", "BYD", "Xiaomi", "Sony",
    "Nokia", "Ericsson", "Rio Tinto", "Glencore", "Maersk", "Repsol", "Petrobras", "Infosys", "Safaricom",
)  # fmt: skip
PEOPLE = (
    "Christine Lagarde", "Jerome Powell", "Kazuo Ueda", "Andrew Bailey", "Ngozi Okonjo-Iweala",
    "Satya Nadella", "Lisa Su", "Jensen Huang", "Mary Barra", "Ursula von der Leyen", "Antonio Guterres",
)  # fmt: skip
PLACES = (
    "Germany", "France", "Japan", "Brazil", "India", "Kenya", "Nigeria", "Canada", "Australia", "Mexico",
    "Tokyo", "Berlin", "Paris", "London", "Nairobi", "Mumbai", "Toronto", "Sydney", "Lagos", "Madrid",
)  # fmt: skip
SOURCES = ("Reuters", "AP", "AFP", "Bloomberg", "BBC", "Nikkei Asia", "Der Spiegel", "Le Monde", None)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

TITLES = (
    "{company} shares jump {pct} after {place} deal",
    "{company} to cut {n} jobs as demand slows in {place}",
    "{person} signals rates will stay high into {month}",
    "Inflation in {place} eases to {pct} in {month}",
    "{company} agrees {money} takeover of {company2}",
    "Floods force {n} people from their homes near {place}",
    "{place} election: turnout reaches {pct} as polls close",
    "{company} unveils new chip aimed at AI data centres",
    "Court in {place} fines {company} {money} over competition breach",
    "Heatwave pushes power demand in {place} to record",
    "{place} beat rivals 3-1 to reach the final in {month}",
    "Researchers in {place} report progress on malaria vaccine",
)
SENTENCES = (
    "{company} said on {day} that revenue rose {pct} to {money} in the quarter.",
    "{person} told reporters in {place} that the outlook remained uncertain.",
    "Analysts had expected growth of about {pct}, according to a poll of {n} economists.",
    "The company plans to invest {money} in new factories in {place} by {year}.",
    "Officials in {place} said {n} people were affected and rescue teams were on site.",
    "Shares of {company} closed {pct} higher, valuing the group at {money}.",
    "The central bank kept its main rate unchanged at {pct} on {day}.",
    "{company2} declined to comment on the report, first published on {month} {dom}.",
    "Unemployment in {place} fell to {pct}, the lowest level since {year}.",
    "The deal, worth {money}, still needs approval from regulators in {place}.",
    "Voters in {place} will return to the polls in {month} {year}, the commission said.",
    "Scientists tested the approach on {n} volunteers over {dom} weeks.",
)
FOREIGN = {
    "de": (
        "{company} steigert den Umsatz in {place} um {pct}",
        "Der Vorstand von {company} erwartet für {year} einen Gewinn von {money}. "
        "Die Aktie legte am {day} deutlich zu, berichteten Händler in Frankfurt.",
    ),
    "fr": (
        "{company} annonce {n} embauches en {place}",
        "Le groupe {company} prévoit d'investir {money} d'ici {year}. "
        "Les syndicats ont salué une décision attendue depuis des mois à {place}.",
    ),
    "es": (
        "{company} abre una nueva planta en {place}",
        "La empresa {company} invertirá {money} en {year} y creará {n} empleos. "
        "El Gobierno celebró el anuncio en una rueda de prensa en {place}.",
    ),
}


def _slots(rng: random.Random) -> dict[str, Any]:
    currency = rng.choice(("$", "€", "£", "¥"))
    unit = rng.choice(("million", "billion"))
    return {
        "company": rng.choice(COMPANIES), "company2": rng.choice(COMPANIES), "person": rng.choice(PEOPLE),
        "place": rng.choice(PLACES), "pct": f"{rng.uniform(0.1, 40):.1f}%", "n": rng.randint(12, 48_000),
        "money": f"{currency}{rng.uniform(1, 950):.1f} {unit}", "month": rng.choice(MONTHS),
        "day": rng.choice(DAYS), "dom": rng.randint(1, 28), "year": rng.randint(2019, 2027),
    }  # fmt: skip


def _published(rng: random.Random) -> str:
    day, hour = rng.randint(1, 28), rng.randint(0, 23)
    if rng.random() < 0.3:  # RSS feeds send RFC 2822
        return f"{rng.choice(('Mon', 'Tue', 'Wed'))}, {day:02d} Mar 2025 {hour:02d}:15:00 +0100"
    return f"2025-03-{day:02d}T{hour:02d}:{rng.randint(0, 59):02d}:00Z"


def _story(rng: random.Random, n: int) -> dict[str, Any]:
    """One plausible article; ``n`` only makes its url unique, never its text."""
    s = _slots(rng)
    kind = rng.random()
    section = rng.choice(("world", "business", "tech", "science"))
    url = f"https://news.example.com/{section}/{n}-{rng.getrandbits(32):x}"
    if kind < 0.10:
        lang = rng.choice(sorted(FOREIGN))
        title, body = FOREIGN[lang]
        story: dict[str, Any] = {"title": title.format(**s), "body": body.format(**s), "url": url}
        if rng.random() < 0.5:
            story["language"] = lang
        return story
    title = rng.choice(TITLES).format(**s)
    if kind < 0.25:  # a headline from a feed
        return {"title": title, "source": rng.choice(SOURCES[:-1]), "published_at": _published(rng)}
    paragraphs = [
        " ".join(rng.choice(SENTENCES).format(**_slots(rng) | {"company": s["company"]}) for _ in range(3))
        for _ in range(rng.randint(1, 3))
    ]
    if kind < 0.40:  # a web page
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = (
            f"<html><head><title>{title}</title></head><body><nav>Home | World | Business</nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>© Example News</footer></body></html>"
        )
        return {"html": html, "url": url, "source": rng.choice(SOURCES)}
    story = {"title": title, "body": "\n\n".join(paragraphs), "source": rng.choice(SOURCES)}
    if rng.random() < 0.7:
        story["url"] = url + "?utm_source=feed" if rng.random() < 0.2 else url
    if rng.random() < 0.8:
        story["published_at"] = _published(rng)
    return story


@dataclass(frozen=True)
class Submission:
    """One thing published, and how the pipeline must end it."""

    item: Item
    #: The article id ingest gives it (None for input ingest cannot accept).
    article_id: str | None
    #: 'article' (all five facts), 'duplicate' (an exact copy) or 'rejected' (at ``stage``, for ``reason``).
    expect: str
    stage: str | None = None
    reason: str | None = None


def _article_id(story: dict[str, Any]) -> str:
    return ingest(validate(story)).article_id


def _bad(n: int, rng: random.Random) -> Submission:
    """Bad input of every kind, in turn; each distinct, each with the stage and reason that must refuse it."""
    tag = f"{n}-{rng.getrandbits(24):x}"
    raw_cases: list[tuple[bytes, str]] = [
        (b"\x89PNG\r\n\x1a\n\x00\xff" + tag.encode(), "not_utf8"),
        (b'{"title": "Unfinished ' + tag.encode(), "malformed_json"),
        (f'[1, 2, "{tag}"]'.encode(), "not_an_object"),
        (("[" * 2000 + f'"{tag}"' + "]" * 2000).encode(), "too_deep"),
    ]
    object_cases: list[tuple[dict[str, Any], str, str]] = [
        ({"title": 5, "body": tag}, "ingest", "invalid_field"),
        ({"url": f"https://news.example.com/empty/{tag}"}, "ingest", "missing_content"),
        ({"title": "   ", "body": "\n", "source": tag}, "ingest", "missing_content"),
        ({"title": f"Odd link {tag}", "url": f"ftp://files.example.com/{tag}"}, "ingest", "invalid_field"),
        ({"title": f"When? {tag}", "published_at": "the day after tomorrow"}, "ingest", "invalid_field"),
        ({"html": f"<html><body><script>var t = '{tag}';</script></body></html>"}, "clean", "empty_text"),
    ]
    case = n % (len(raw_cases) + len(object_cases))
    if case < len(raw_cases):
        raw, reason = raw_cases[case]
        return Submission(Item(f"bad:{n}", None, raw), None, "rejected", "ingest", reason)
    story, stage, reason = object_cases[case - len(raw_cases)]
    article_id = _article_id(story) if stage == "clean" else None
    return Submission(Item(f"bad:{n}", story, orjson.dumps(story)), article_id, "rejected", stage, reason)


def corpus(articles: int, duplicates: int, bad: int, seed: int = 7) -> list[Submission]:
    """``articles`` distinct articles, ``duplicates`` exact copies of some, ``bad`` bad inputs, mixed."""
    rng = random.Random(seed)
    originals: list[Submission] = []
    seen: set[str] = set()
    while len(originals) < articles:
        story = _story(rng, len(originals))
        article_id = _article_id(story)
        if article_id in seen:  # two headlines may come out the same: that would be a duplicate
            continue
        seen.add(article_id)
        originals.append(
            Submission(Item(f"article:{len(originals)}", story, orjson.dumps(story)), article_id, "article")
        )
    out = list(originals)
    for n in range(duplicates):  # after its original, so that most copies are seen as the copy
        original = originals[rng.randrange(len(originals))]
        copy = Submission(
            Item(f"copy:{n}", original.item.article, original.item.raw), original.article_id, "duplicate"
        )
        out.insert(rng.randint(out.index(original) + 1, len(out)), copy)
    for n in range(bad):
        out.insert(rng.randint(0, len(out)), _bad(n, rng))
    return out


# --- processes: workers and the server --------------------------------------------------------------------


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """A worker process's environment: the test's server, prefix and data, its claim and batch sizes."""
    return cli_env(
        settings,
        NEWSFACTS_CLAIM_IDLE_MS=str(settings.claim_idle_ms),
        NEWSFACTS_BATCH_SIZE=str(settings.batch_size),
        NEWSFACTS_LOG_LEVEL="info",  # "worker starting" tells when a process is ready
        **extra,
    )


@dataclass
class Workers:
    """``newsfacts worker ROLE`` processes: killed at random and restarted, finally stopped with SIGTERM.

    A process is *ready* once its log says it started (after its warm-up): only ready
    processes are killed, because killing one still importing tests nothing and, on a
    small machine, restarts that never finish would starve the pipeline of CPU.
    """

    env: dict[str, str]
    logs: Path
    copies: dict[str, int]
    slots: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    kills: Counter[str] = field(default_factory=Counter)
    #: Processes that exited without being killed (e.g. started while the server was down), by role.
    crashes: Counter[str] = field(default_factory=Counter)

    def _spawn(self, role: str, n: int) -> subprocess.Popen[bytes]:
        path = self.logs / f"{role}-{n}.log"
        offset = path.stat().st_size if path.exists() else 0
        if n < len(self.offsets):
            self.offsets[n] = offset
        else:
            self.offsets.append(offset)
        with path.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "services.cli", "worker", role],
                env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for role, count in self.copies.items():
            for _ in range(count):
                self.slots.append((role, self._spawn(role, len(self.slots))))

    def ready(self, n: int) -> bool:
        """Whether slot ``n``'s current process has logged that it started."""
        role, proc = self.slots[n]
        with (self.logs / f"{role}-{n}.log").open("rb") as log:
            log.seek(self.offsets[n])
            return proc.poll() is None and b' starting"' in log.read()

    def all_ready(self) -> bool:
        return all(self.ready(n) for n in range(len(self.slots)))

    def kill_one(self, rng: random.Random) -> str | None:
        """SIGKILL one ready process at random and start its replacement at once; the role killed."""
        candidates = [n for n in range(len(self.slots)) if self.ready(n)]
        if not candidates:
            return None
        n = rng.choice(candidates)
        role, proc = self.slots[n]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.kills[role] += 1
        self.slots[n] = (role, self._spawn(role, n))
        return role

    def revive(self) -> None:
        """Restart every process that exited by itself, as ``newsfacts up`` does."""
        for n, (role, proc) in enumerate(self.slots):
            if proc.poll() is not None:
                self.crashes[role] += 1
                self.slots[n] = (role, self._spawn(role, n))

    def stop(self, timeout: float = 30.0) -> dict[str, int | None]:
        """SIGTERM all, wait, SIGKILL stragglers; exit codes by slot."""
        for _, proc in self.slots:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes: dict[str, int | None] = {}
        for n, (role, proc) in enumerate(self.slots):
            try:
                codes[f"{role}#{n}"] = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[f"{role}#{n}"] = proc.wait()
        return codes


def crash_server(settings: Settings) -> tuple[int, int]:
    """SIGKILL the embedded server and start it again on its port, from its AOF; (old pid, new pid)."""
    before = server.running(settings)
    assert before is not None, "no embedded server to crash"
    os.kill(before.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server.running(settings) is not None:
        assert time.monotonic() < deadline, "the killed server still answers"
        time.sleep(0.02)
    after = server.ensure_server(settings)
    assert after.port == before.port, "the server came back on another port: workers cannot find it"
    return before.pid, after.pid


# --- the log, read back -----------------------------------------------------------------------------------


@dataclass
class Log:
    """Every entry of every log stream: (entry id, payload), and the events that decode."""

    entries: dict[str, list[tuple[str, bytes]]]
    events: dict[str, list[tuple[str, Envelope]]]
    undecodable: int

    def of_type(self, event_type: str) -> list[tuple[str, Envelope]]:
        return [(eid, e) for short in self.events for eid, e in self.events[short] if e.type == event_type]


async def read_log(client: aioredis.Redis, names: Names, page: int = 2000) -> Log:
    entries: dict[str, list[tuple[str, bytes]]] = {}
    events: dict[str, list[tuple[str, Envelope]]] = {}
    undecodable = 0
    for short in LOG_STREAMS:
        entries[short], events[short], start = [], [], "-"
        while rows := await client.xrange(names.stream(short), min=start, count=page):
            for raw_id, fields in rows:
                eid, payload = raw_id.decode(), entry_payload(fields)
                entries[short].append((eid, payload))
                try:
                    events[short].append((eid, decode(payload)))
                except Rejection:
                    undecodable += 1
            start = "(" + rows[-1][0].decode()
    return Log(entries, events, undecodable)


def _key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq)


def chain_problems(log: Log, submissions: list[Submission]) -> list[str]:
    """Each article: one fact of each kind, each caused by the one before, each later in the log."""
    problems: list[str] = []
    facts: dict[tuple[str | None, str], list[tuple[str, Envelope]]] = defaultdict(list)
    for short in CHAIN_STREAMS:
        for eid, event in log.events[short]:
            if event.type in CHAIN:
                facts[(event.subject, event.type)].append((eid, event))
    submitted = {e.id: eid for eid, e in log.events["submitted"]}
    complete = {s.article_id for s in submissions if s.expect == "article"}
    refused_later = {s.article_id for s in submissions if s.expect == "rejected" and s.stage != "ingest"}
    extra = {subject for subject, _ in facts} - complete - refused_later
    if extra:
        problems.append(
            f"{len(extra)} article id(s) in the log that were never published, e.g. {sorted(extra)[:3]}"
        )
    for article_id in sorted(a for a in complete if a):
        previous: tuple[str, str] | None = None  # (entry id, event id) of the fact before
        for event_type in CHAIN:
            found = facts.get((article_id, event_type), [])
            if len(found) != 1:
                problems.append(f"{article_id}: {len(found)} x {event_type}")
                break
            eid, event = found[0]
            if previous is None:
                cause_entry = submitted.get(event.causationid or "")
                if cause_entry is None:
                    problems.append(f"{article_id}: ingested from no submission in the log")
                    break
                previous = (cause_entry, event.causationid or "")
            if event.causationid != previous[1]:
                problems.append(
                    f"{article_id}: {event_type} caused by {event.causationid}, not {previous[1]}"
                )
            if _key(eid) <= _key(previous[0]):
                problems.append(
                    f"{article_id}: {event_type} at {eid} is not after its cause at {previous[0]}"
                )
            previous = (eid, event.id)
    return problems


def outcome_problems(log: Log, submissions: list[Submission]) -> list[str]:
    """Every submission ended once at ingest; duplicates noted once each; bad input rejected once, rightly.

    Submissions are matched to ``submitted`` entries by position: one publisher sent them in order.
    """
    problems: list[str] = []
    entries = log.entries["submitted"]
    if len(entries) != len(submissions):
        return [f"{len(entries)} submitted entries for {len(submissions)} published items"]
    submission_of_event = {e.id: eid for eid, e in log.events["submitted"]}
    ends: dict[str, list[str]] = defaultdict(list)  # submitted entry id -> how ingest ended it
    for _, event in log.events["ingested"]:
        ends[submission_of_event.get(event.causationid or "", "?")].append(event.type)
    rejections: dict[str, list[tuple[str, str]]] = defaultdict(list)  # submitted entry -> (stage, reason)
    ingested_by_id = {e.id: e for _, e in log.events["ingested"]}
    for _, event in log.events["rejected"]:
        data = event.data
        if data["stage"] == "ingest":
            entry = data.get("input_entry_id") or "?"
            ends[entry].append(event.type)
        else:  # refused after ingest: follow the chain back to the submission
            cause = ingested_by_id.get(data.get("input_event_id") or "")
            entry = submission_of_event.get(cause.causationid or "", "?") if cause else "?"
        rejections[entry].append((data["stage"], data["reason"]))
    duplicates = Counter(e.subject for _, e in log.of_type("article.duplicate"))
    expected_duplicates = Counter(s.article_id for s in submissions if s.expect == "duplicate")
    if duplicates != expected_duplicates:
        diff = (duplicates - expected_duplicates) + (expected_duplicates - duplicates)
        problems.append(
            f"duplicate notices differ from the copies published for {len(diff)} article(s): {diff}"
        )
    for (eid, _), s in zip(entries, submissions, strict=True):
        if len(ends[eid]) != 1:
            problems.append(
                f"{s.item.origin} (entry {eid}) ended {len(ends[eid])} times at ingest: {ends[eid]}"
            )
        expected = [(s.stage, s.reason)] if s.expect == "rejected" else []
        if rejections.get(eid, []) != expected:
            problems.append(
                f"{s.item.origin} (entry {eid}): rejected {rejections.get(eid, [])}, expected {expected}"
            )
    if ends.get("?") or rejections.get("?"):
        problems.append(f"outcomes of no published submission: {ends.get('?')} {rejections.get('?')}")
    return problems


def expected_counters(log: Log) -> dict[str, int]:
    """The projector's counters due: one per event by type, rejection reasons, skipped entries."""
    counts: Counter[str] = Counter(e.type for short in log.events for _, e in log.events[short])
    counts.update(f"rejected:{e.data['reason']}" for _, e in log.events["rejected"])
    counts["skipped"] += log.undecodable
    return {k: v for k, v in sorted(counts.items()) if v}


async def groups(client: aioredis.Redis, names: Names) -> dict[str, dict[str, Any]]:
    """Stage -> its group's XINFO GROUPS row (name, consumers, pending, lag, ...)."""
    found = {}
    for stage in STAGES:
        for row in await client.xinfo_groups(names.input_stream(stage)):
            if row["name"] == stage.encode():
                found[stage] = row
    return found


async def redelivered(client: aioredis.Redis, names: Names) -> set[tuple[str, str]]:
    """(stage, entry id) of entries pending now that were delivered more than once: a sample, not a total."""
    seen = set()
    for stage in STAGES:
        rows = await client.xpending_range(names.input_stream(stage), stage, "-", "+", 10_000)
        seen |= {(stage, r["message_id"].decode()) for r in rows if r["times_delivered"] > 1}
    return seen


def is_stable(values: list[Any], n: int = 3) -> bool:
    return len(values) >= n and all(v == values[-1] for v in values[-n:])
