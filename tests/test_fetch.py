"""Tests for `digest-topics fetch` (digest_utils.fetch) against a real HTTP server on 127.0.0.1.

The server speaks the Daily Papers API's shape from tests/data/daily_papers_api.json (synthetic
records): several days, one of them empty, more records than one page (it answers at most
three records per page whatever the limit, as a server may), one day with an error status and
one with an answer that is not JSON; on request it answers a page "busy" (429/503 with
Retry-After) or late. huggingface_hub is not mocked: HF_ENDPOINT points it at the server, and
nothing leaves the machine. Waits before a retry are recorded, not slept.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from digest_utils import DateError, FetchError, analyse, config, dedupe, load_digests
from digest_utils.cli import main
from digest_utils.fetch import Retry, days_of, fetch_day

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parents[1] / "seeds"
PAGE_CAP = 3  # records per page the server answers at most, whatever the limit asked


class Hub:
    """A running fake Hub: its URL, the days it serves, and every request it saw."""

    def __init__(self, days: dict[str, list[dict]]) -> None:
        self.days = days
        self.errors = {"2024-05-16": 500, "2024-05-18": 401}  # day -> error status
        self.not_json = {"2024-05-17"}  # days answered with an HTML page
        self.ignores_p = {"2024-05-12"}  # days answered with one page whatever page is asked
        self.requests: list[dict] = []
        self.url = ""
        # (day, page) -> statuses answered before the page itself, one per request
        self.busy: dict[tuple[str, int], list[int]] = {}
        self.retry_after: str | None = "0"  # the Retry-After of a busy answer
        # (day, page) -> seconds to wait before answering, one per request
        self.slow: dict[tuple[str, int], list[float]] = {}

    def asked(self, day: str) -> list[int]:
        """The pages asked for a day, in order."""
        return [int(r["p"]) for r in self.requests if r.get("date") == day]


class _Handler(BaseHTTPRequestHandler):
    """Answers as the Daily Papers API would, as ``hub`` says (set by :func:`_handler`)."""

    hub: Hub

    def log_message(self, *_args) -> None:  # keep the test output quiet
        pass

    def _send(
        self, status: int, body: bytes, kind: str = "application/json", **headers: str
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            pass

    def _flaky(self, key: tuple[str, int]) -> bool:
        """Answer late or busy when the hub says so; True when the answer was busy."""
        if self.hub.slow.get(key):
            time.sleep(self.hub.slow[key].pop(0))
        if not self.hub.busy.get(key):
            return False
        wait = {} if self.hub.retry_after is None else {"Retry_After": self.hub.retry_after}
        self._send(self.hub.busy[key].pop(0), b'{"error": "busy"}', **wait)
        return True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.hub.requests.append(
            {**query, "auth": self.headers.get("Authorization"), "path": url.path}
        )
        day = query.get("date", "")
        if self._flaky((day, int(query.get("p", 0)))):
            return
        if url.path != "/api/daily_papers":
            self._send(404, b'{"error": "not found"}')
        elif day in self.hub.errors:
            self._send(self.hub.errors[day], json.dumps({"error": "synthetic failure"}).encode())
        elif day in self.hub.ignores_p:
            self._send(200, json.dumps(self.hub.days["2024-05-14"]).encode())
        elif day in self.hub.not_json:
            self._send(200, b"<html>maintenance</html>", "text/html")
        else:
            p, limit = int(query.get("p", 0)), int(query.get("limit", 50))
            size = min(limit, PAGE_CAP)
            page = self.hub.days.get(day, [])[p * size : (p + 1) * size]
            self._send(200, json.dumps(page).encode())


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"hub": hub})


@pytest.fixture
def hub(monkeypatch):
    """A Daily Papers server on 127.0.0.1 (ephemeral port); huggingface_hub pointed at it."""
    from huggingface_hub import constants
    from huggingface_hub.utils import close_session

    state = Hub(json.loads((DATA / "daily_papers_api.json").read_text(encoding="utf-8")))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HF_ENDPOINT", state.url)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # `make test` exports HF_HUB_OFFLINE=1, which huggingface_hub reads once at import
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    # the user-agent's telemetry would ask constants.ENDPOINT (read at import) for a registry
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    close_session()  # a fresh client that sees NO_PROXY
    yield state
    close_session()
    server.shutdown()
    server.server_close()
    thread.join()


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_fetch_end_to_end_in_a_fresh_process(hub, tmp_path):
    """`python -m digest_utils fetch`: a JSONL digest per day with papers, every field kept.

    Paging goes on until an empty page; HF_TOKEN is sent; nothing else is asked.
    """
    env = {
        k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    days = ["--date", "2024-05-13", "--date", "2024-05-14", "--date", "2024-05-15"]
    proc = subprocess.run(
        [sys.executable, "-m", "digest_utils", "fetch", *days, "-o", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-05-13.jsonl", "2024-05-14.jsonl"]
    assert _lines(tmp_path / "2024-05-13.jsonl") == hub.days["2024-05-13"]  # every field kept
    assert _lines(tmp_path / "2024-05-14.jsonl") == hub.days["2024-05-14"]
    assert hub.asked("2024-05-13") == [0, 1, 2, 3]  # 7 records, 3 a page, then an empty page
    assert {(r["path"], r["auth"]) for r in hub.requests} == {
        ("/api/daily_papers", "Bearer hf_test_token")
    }
    assert "wrote 2 digest(s), 9 papers" in proc.stdout
    assert proc.stderr.strip() == "no papers on 2024-05-15; no file written for them"


def test_days_on_disk_are_skipped_unless_forced(hub, tmp_path, capsys):
    """A second fetch asks nothing for days on disk; --force fetches them again."""
    args = ["fetch", "--date", "2024-05-14", "-o", str(tmp_path), "-q"]
    assert _run(args, capsys)[0] == 0
    n = len(hub.requests)
    code, out, _ = _run(args, capsys)
    assert code == 0
    assert len(hub.requests) == n
    assert "1 day(s) already on disk" in out
    (tmp_path / "2024-05-14.jsonl").write_text("stale\n")
    assert _run([*args, "--force"], capsys)[0] == 0
    assert len(hub.requests) > n
    assert _lines(tmp_path / "2024-05-14.jsonl") == hub.days["2024-05-14"]


def test_progress_bar_runs_over_days(hub, tmp_path, capsys):
    """Without -q a progress bar over the days is shown on stderr."""
    code, _, err = _run(["fetch", "--date", "2024-05-14", "-o", str(tmp_path)], capsys)
    assert code == 0
    assert "fetching days" in err


def test_a_week_is_its_seven_days_and_empty_days_are_named(hub, tmp_path, capsys):
    """--week asks Monday to Sunday; days without papers are named on one line."""
    hub.days["2024-05-19"] = hub.days.pop("2024-05-14")
    hub.errors.clear()
    hub.not_json.clear()
    code, _, err = _run(["fetch", "--week", "2024-W20", "-o", str(tmp_path), "-q"], capsys)
    assert code == 0
    assert sorted({r["date"] for r in hub.requests}) == [f"2024-05-{d}" for d in range(13, 20)]
    assert sorted(p.stem for p in tmp_path.iterdir()) == ["2024-05-13", "2024-05-19"]
    assert err.strip().startswith("no papers on 2024-05-14, 2024-05-15, 2024-05-16")


@pytest.mark.parametrize(
    ("days", "needles"),
    [
        (["2024-05-16"], ["2024-05-16: HTTP 500", "/api/daily_papers"]),
        (["2024-05-18"], ["2024-05-18: HTTP 401", "check HF_TOKEN"]),
        (["2024-05-17"], ["2024-05-17: expected a JSON array", "<html>maintenance"]),
        (["2024-05-15"], ["no papers on 2024-05-15; nothing written"]),
        (["2024-05-13", "2024-05-16"], ["HTTP 500", "1 earlier day(s) written"]),
    ],
)
def test_failures_exit_2_with_one_line_and_write_nothing_half(hub, tmp_path, capsys, days, needles):
    """An error status, a non-JSON answer or a day without papers: exit 2, one line.

    No file is written for the failing day; the days before it are whole.
    """
    args = ["fetch", *(a for d in days for a in ("--date", d)), "-o", str(tmp_path), "-q"]
    code, _, err = _run(args, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    for needle in needles:
        assert needle in err
    written = sorted(p.name for p in tmp_path.iterdir()) if tmp_path.exists() else []
    assert written == (["2024-05-13.jsonl"] if "2024-05-13" in days else [])
    assert _lines(tmp_path / "2024-05-13.jsonl") if written else True


def test_no_network_says_fetch_needs_it(hub, tmp_path, capsys, monkeypatch):
    """Nothing listening: fetch says it needs the network and the rest works offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    code, _, err = _run(["fetch", "--date", "2024-05-13", "-o", str(tmp_path), "-q"], capsys)
    assert code == 2
    assert "fetch needs the network, every other command works offline" in err
    assert f"127.0.0.1:{port}" in err
    assert len(err.strip().splitlines()) == 1
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_offline_mode_is_honoured_and_named(hub, tmp_path, capsys, monkeypatch):
    """HF_HUB_OFFLINE set: no request is made and the message says how to run fetch."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, _, err = _run(["fetch", "--date", "2024-05-13", "-o", str(tmp_path), "-q"], capsys)
    assert code == 2
    assert "fetch needs the network, but HF_HUB_OFFLINE is set" in err
    assert "HF_HUB_OFFLINE=0 digest-topics fetch" in err
    assert hub.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2024-13-01"], "--date must be YYYY-MM-DD (got '2024-13-01')"),
        (["--date", "13/05/2024"], "--date must be YYYY-MM-DD (got '13/05/2024')"),
        (["--week", "2024-W54"], "--week must be YYYY-Www, an ISO week such as 2024-W20"),
        (["--month", "2024-13"], "--month must be YYYY-MM (got '2024-13')"),
    ],
)
def test_bad_dates_exit_2_naming_the_format(tmp_path, capsys, args, message):
    """A malformed or impossible date, week or month: exit 2, one line, nothing asked."""
    code, _, err = _run(["fetch", *args, "-o", str(tmp_path), "-q"], capsys)
    assert code == 2
    assert err.strip() == message or err.startswith(message)
    assert len(err.strip().splitlines()) == 1


def test_days_of_weeks_months_and_last_week():
    """ISO weeks run Monday to Sunday; months have their days; 'last' is the week before."""
    week = days_of(week="2024-W20")
    assert (week[0], week[-1], len(week)) == (date(2024, 5, 13), date(2024, 5, 19), 7)
    assert len(days_of(month="2024-02")) == 29
    assert days_of(week="last", today=date(2024, 5, 22))[0] == date(2024, 5, 13)
    assert days_of(dates=["2024-05-02", "2024-05-01", "2024-05-02"]) == [
        date(2024, 5, 1),
        date(2024, 5, 2),
    ]
    with pytest.raises(DateError):
        days_of()


def test_a_server_ignoring_the_page_number_ends_the_paging(hub):
    """Pages that add no new record end the paging instead of looping."""
    assert fetch_day(date(2024, 5, 12)) == hub.days["2024-05-14"]
    assert hub.asked("2024-05-12") == [0, 1]


def test_fetch_error_is_a_digest_error_and_an_oserror():
    """FetchError carries its context and can be caught as OSError."""
    exc = FetchError("HTTP 500", url="http://x", status=500, day="2024-05-16")
    assert isinstance(exc, OSError)
    assert str(exc) == "2024-05-16: HTTP 500"
    assert (exc.status, exc.url) == (500, "http://x")


def test_fetched_digests_analysed_with_the_seeds(hub, tmp_path, capsys, fake_model):
    """A fetched folder and seeds/ are analysed together, joined on paper_id.

    A seed paper also fetched is one paper that gains its link; analyse(...).papers and
    .themed carry the url.
    """
    seed_entries = load_digests(SEEDS)
    shared = seed_entries.iloc[0]
    record = hub.days["2024-05-14"][0]
    record["paper"]["title"] = record["title"] = str(shared["title"])  # read here, not stored
    code, _, _ = _run(
        ["fetch", "--date", "2024-05-13", "--date", "2024-05-14", "-o", str(tmp_path), "-q"], capsys
    )
    assert code == 0
    entries = load_digests([tmp_path, SEEDS])
    papers = dedupe(entries)
    assert len(papers) == seed_entries["paper_id"].nunique() + 9 - 1
    a = analyse([tmp_path, SEEDS], progress=False)
    assert len(a.papers) == len(papers)
    row = a.themed.set_index("paper_id").loc[shared["paper_id"]]
    assert row["url"] == f"https://huggingface.co/papers/{record['paper']['id']}"
    assert sorted(row["digests"]) == sorted([shared["digest"], "2024-05-14"])
    assert a.themed["url"].notna().sum() == 9


def test_busy_answers_are_retried_after_the_wait_the_hub_asks_for(hub):
    """429 then 503 with Retry-After: the page is asked again after that wait, the day whole."""
    hub.busy[("2024-05-13", 1)] = [429, 503]
    hub.retry_after = "2"
    waits: list[float] = []
    records = fetch_day(date(2024, 5, 13), retry=Retry(sleep=waits.append))
    assert records == hub.days["2024-05-13"]
    assert hub.asked("2024-05-13") == [0, 1, 1, 1, 2, 3]
    assert waits == [2.0, 2.0]


def test_without_retry_after_the_wait_doubles_up_to_the_cap(hub):
    """No Retry-After: waits of backoff, 2x, 4x ... never longer than max_wait."""
    hub.busy[("2024-05-14", 0)] = [503, 502, 504, 429]
    hub.retry_after = None
    waits: list[float] = []
    retry = Retry(retries=4, backoff=0.5, max_wait=1.5, sleep=waits.append)
    assert fetch_day(date(2024, 5, 14), retry=retry) == hub.days["2024-05-14"]
    assert waits == [0.5, 1.0, 1.5, 1.5]


def test_a_retry_after_longer_than_the_cap_ends_the_fetch_at_once(hub):
    """A Hub asking for an hour's wait: one clear error naming the day, no waiting."""
    hub.busy[("2024-05-13", 0)] = [429]
    hub.retry_after = "3600"
    waits: list[float] = []
    with pytest.raises(FetchError, match="asks to wait 3600 s") as info:
        fetch_day(date(2024, 5, 13), retry=Retry(max_wait=60, sleep=waits.append))
    assert str(info.value).startswith("2024-05-13: HTTP 429")
    assert (info.value.status, waits, hub.asked("2024-05-13")) == (429, [], [0])


def test_a_hub_still_busy_fails_naming_the_day_and_leaves_no_half_day(hub, tmp_path, capsys):
    """Page 2 of a day busy on every retry: exit 2, one line naming the day and the attempts.

    The day before it is written whole; nothing of the busy day is written.
    """
    hub.busy[("2024-05-14", 1)] = [503] * (config.FETCH_RETRIES + 5)
    args = ["fetch", "--date", "2024-05-13", "--date", "2024-05-14", "-o", str(tmp_path), "-q"]
    code, _, err = _run(args, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    attempts = config.FETCH_RETRIES + 1
    assert err.startswith("2024-05-14: HTTP 503 (Service Unavailable)")
    assert f"after {attempts} attempts; the Hub is busy, try again later" in err
    assert "1 earlier day(s) written" in err
    assert hub.asked("2024-05-14") == [0] + [1] * attempts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-05-13.jsonl"]
    assert _lines(tmp_path / "2024-05-13.jsonl") == hub.days["2024-05-13"]


def test_a_late_answer_times_out_and_is_asked_again(hub):
    """An answer later than the timeout is retried; a Hub that never answers in time fails."""
    hub.slow[("2024-05-14", 0)] = [0.6]
    waits: list[float] = []
    retry = Retry(retries=2, backoff=0.25, sleep=waits.append)
    assert fetch_day(date(2024, 5, 14), timeout=0.2, retry=retry) == hub.days["2024-05-14"]
    assert (waits, hub.asked("2024-05-14")) == ([0.25], [0, 0, 1])
    hub.slow[("2024-05-13", 0)] = [0.6] * 2
    with pytest.raises(FetchError, match=r"no answer from .* within 0.2 s, 2 attempts") as info:
        fetch_day(date(2024, 5, 13), timeout=0.2, retry=Retry(retries=1, sleep=waits.append))
    assert info.value.day == "2024-05-13"
