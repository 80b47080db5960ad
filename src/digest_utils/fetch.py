"""Fetch Hugging Face Daily Papers as JSON Lines digests, one file per day.

The only module that touches the network, and only when :func:`fetch_digests` is called (the
CLI's ``fetch``). It asks the Hub through ``huggingface_hub``: its HTTP session, its headers
(``HF_TOKEN`` or the saved login, read when the request is made) and its error handling. The
route is the one ``HfApi.list_daily_papers`` calls, but the answer is kept as raw JSON:
``PaperInfo`` drops the fields it does not know (``ai_keywords`` and ``githubRepo`` under
``paper``, for one), and every field is written so a later version can read them again.

Paging: pages ``p = 0, 1, ...`` of ``limit`` records are asked for until a page is empty (the
server may answer with fewer than ``limit`` records before the last page). Each day is written
whole, by one atomic replace, or not at all; a day with no papers writes no file.

A busy Hub: a request answered 429, 502, 503 or 504, or not answered within the timeout, is
retried up to ``config.FETCH_RETRIES`` times, after the ``Retry-After`` the Hub asks for, else
after ``config.FETCH_BACKOFF`` seconds doubled each retry, never longer than
``config.FETCH_MAX_WAIT`` (a longer ``Retry-After`` ends the fetch at once); then one error
names the day. (``huggingface_hub.utils.http_backoff`` does not cap ``Retry-After`` and
cannot be told how to sleep, so the loop is here.)

Example:
    >>> from datetime import date
    >>> fetch_digests([date(2024, 5, 13)], "digests")  # doctest: +SKIP
"""

from __future__ import annotations

import calendar
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils._util import atomic_write
from digest_utils.errors import DateError, FetchError

__all__ = ["FetchSummary", "Retry", "days_of", "fetch_day", "fetch_digests", "parse_day"]

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
#: Statuses that mean "busy, ask again later": rate limited, or a gateway or server overloaded.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


def parse_day(value: str) -> date:
    """Parse ``YYYY-MM-DD``.

    Raises:
        DateError: ``must be YYYY-MM-DD (got '2024-13-01')``.
    """
    m = _DAY.fullmatch(value.strip())
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise DateError(f"--date must be YYYY-MM-DD (got {value!r})", value=value) from None


def _week_days(value: str, today: date) -> list[date]:
    """The seven days of ISO week ``YYYY-Www`` (``last``: the week before today's)."""
    if value.strip().casefold() == "last":
        monday = today - timedelta(days=today.weekday() + 7)
        return [monday + timedelta(days=i) for i in range(7)]
    m = _WEEK.fullmatch(value.strip())
    try:
        if m is None:
            raise ValueError
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise DateError(
            f"--week must be YYYY-Www, an ISO week such as 2024-W20, or 'last' (got {value!r})",
            value=value,
        ) from None
    return [monday + timedelta(days=i) for i in range(7)]


def _month_days(value: str) -> list[date]:
    """Every day of month ``YYYY-MM``."""
    m = _MONTH.fullmatch(value.strip())
    if m is None or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1:
        raise DateError(f"--month must be YYYY-MM (got {value!r})", value=value)
    year, month = int(m[1]), int(m[2])
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def days_of(
    *,
    dates: Iterable[str] = (),
    week: str | None = None,
    month: str | None = None,
    today: date | None = None,
) -> list[date]:
    """The days asked for, sorted and without repeats.

    Args:
        dates: Days as ``YYYY-MM-DD``.
        week: An ISO week ``YYYY-Www`` (Monday to Sunday), or ``"last"``: the week before
            ``today``'s.
        month: A month ``YYYY-MM``.
        today: The day ``"last"`` counts from (default: today).

    Raises:
        DateError: A value is malformed or not a calendar date; nothing was asked for.
    """
    days = [parse_day(d) for d in dates]
    if week is not None:
        days += _week_days(week, today or date.today())
    if month is not None:
        days += _month_days(month)
    if not days:
        raise DateError("give the days to fetch: --date, --week or --month", value="")
    return sorted(set(days))


def _offline_var() -> str | None:
    """The variable that puts ``huggingface_hub`` in offline mode, if it is (as it reads it)."""
    import os

    from huggingface_hub import constants

    if not constants.is_offline_mode():
        return None
    return next((v for v in _OFFLINE_VARS if os.environ.get(v)), _OFFLINE_VARS[0])


@dataclass(frozen=True)
class Retry:
    """How a busy Hub is asked again (the defaults come from :mod:`digest_utils.config`).

    Attributes:
        retries: Retries after the first attempt.
        backoff: Seconds before the first retry without ``Retry-After``; doubled each retry.
        max_wait: Longest wait; a ``Retry-After`` asking for more ends the fetch at once.
        sleep: How to wait (``time.sleep``; tests pass a recorder).
    """

    retries: int = config.FETCH_RETRIES
    backoff: float = config.FETCH_BACKOFF
    max_wait: float = config.FETCH_MAX_WAIT
    sleep: Callable[[float], object] = time.sleep


def _get_page(url: str, params: dict[str, Any], *, day: str, timeout: float, retry: Retry) -> list:
    """One page of records as raw JSON, through huggingface_hub's session and headers.

    A busy answer (:data:`RETRY_STATUSES`) or a timeout is retried as ``retry`` says.
    """
    from huggingface_hub.utils import httpx

    for attempt in range(retry.retries + 1):
        last = attempt == retry.retries
        try:
            response = _request(url, params, day=day, timeout=timeout)
        except httpx.TimeoutException:
            if last:
                raise FetchError(
                    f"no answer from {url} within {timeout:g} s, {attempt + 1} attempts",
                    url=url,
                    day=day,
                ) from None
            retry.sleep(min(retry.backoff * 2**attempt, retry.max_wait))
            continue
        if response.status_code not in RETRY_STATUSES or last:
            return _page(response, url, day=day, attempts=attempt + 1)
        retry.sleep(_wait(response, attempt, retry, url=url, day=day))
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def _request(url: str, params: dict[str, Any], *, day: str, timeout: float) -> Any:
    """One GET through huggingface_hub's session; offline mode and no network are FetchErrors."""
    from huggingface_hub.errors import OfflineModeIsEnabled
    from huggingface_hub.utils import build_hf_headers, get_session, httpx

    try:
        return get_session().get(
            url, params=params, headers=_headers(build_hf_headers), timeout=timeout
        )
    except OfflineModeIsEnabled:
        raise FetchError(_offline_message(), url=url, day=day) from None
    except httpx.TimeoutException:
        raise
    except httpx.TransportError as exc:
        raise FetchError(
            f"cannot reach {url} ({type(exc).__name__}: {exc}); fetch needs the network, "
            "every other command works offline",
            url=url,
            day=day,
        ) from None


def _wait(response: Any, attempt: int, retry: Retry, *, url: str, day: str) -> float:
    """Seconds to wait before asking again: ``Retry-After`` if given, else the backoff."""
    asked = _retry_after(response.headers.get("Retry-After"))
    if asked is None:
        return min(retry.backoff * 2**attempt, retry.max_wait)
    if asked > retry.max_wait:
        status = response.status_code
        raise FetchError(
            f"HTTP {status} from {url}: the Hub asks to wait {asked:g} s (Retry-After), longer "
            f"than {retry.max_wait:g} s; try again later",
            url=url,
            status=status,
            day=day,
        )
    return asked


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (``"120"``); an HTTP date is ignored, as huggingface_hub does."""
    text = (value or "").strip()
    return float(text) if text.isdigit() else None


def _page(response: Any, url: str, *, day: str, attempts: int) -> list:
    """The records of an answer; an error status or a body that is not an array is a FetchError."""
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import hf_raise_for_status

    try:
        hf_raise_for_status(response)
    except HfHubHTTPError as exc:
        status = exc.response.status_code
        hint = "; check HF_TOKEN" if status in (401, 403) else ""
        tries = f" after {attempts} attempts; the Hub is busy, try again later" * (attempts > 1)
        reason = exc.response.reason_phrase or "error"
        raise FetchError(
            f"HTTP {status} ({reason}) from {url}{hint}{tries}", url=url, status=status, day=day
        ) from None
    try:
        page = response.json()
    except ValueError:
        page = None
    if not isinstance(page, list):
        got = response.text[:60]
        raise FetchError(
            f"expected a JSON array of Daily Papers records from {url} (got {got!r})",
            url=url,
            day=day,
        )
    return page


def _headers(build: Any) -> dict[str, str]:
    """huggingface_hub's headers (token from HF_TOKEN or the saved login), naming this tool."""
    from digest_utils import __version__

    return build(library_name="digest-topics", library_version=__version__)


def _offline_message() -> str:
    var = _offline_var() or _OFFLINE_VARS[0]
    return (
        f"fetch needs the network, but {var} is set (offline mode); run it as "
        f"'{var}=0 digest-topics fetch ...'. Every other command works offline"
    )


def fetch_day(
    day: date,
    *,
    endpoint: str | None = None,
    page_size: int = config.FETCH_PAGE_SIZE,
    timeout: float = config.FETCH_TIMEOUT,
    retry: Retry | None = None,
) -> list[dict]:
    """Every Daily Papers record of one day, as the API returned them (raw JSON objects).

    Pages are asked for until one is empty; a record already seen (same ``paper.id``) is not
    kept twice, and a page adding nothing new ends the paging too.

    Args:
        day: The day.
        endpoint: The Hub (default :func:`digest_utils.config.hf_endpoint`, ``$HF_ENDPOINT``).
        page_size: Records asked for per page.
        timeout: Seconds to wait for each answer.
        retry: How a busy Hub (429, 502, 503, 504, or no answer in time) is asked again
            (default :class:`Retry`: ``config.FETCH_RETRIES`` retries with backoff).

    Raises:
        FetchError: Offline mode, no network, an HTTP error status, a Hub still busy after
            the retries, or an answer that is not a JSON array; the day is named.
    """
    url = (endpoint or config.hf_endpoint()).rstrip("/") + config.DAILY_PAPERS_ROUTE
    records: list[dict] = []
    seen: set[str] = set()
    for p in range(config.FETCH_MAX_PAGES):
        params = {"date": day.isoformat(), "p": p, "limit": page_size}
        page = _get_page(url, params, day=day.isoformat(), timeout=timeout, retry=retry or Retry())
        new = [r for r in page if _key(r) not in seen]
        if not new:
            return records
        seen.update(_key(r) for r in new)
        records += new
    raise FetchError(
        f"still getting new records after {config.FETCH_MAX_PAGES} pages from {url}; "
        "does the server ignore the page number 'p'?",
        url=url,
        day=day.isoformat(),
    )


def _key(record: object) -> str:
    """A record's identity for paging: its paper id, else its JSON text."""
    if isinstance(record, dict):
        paper = record.get("paper")
        pid = paper.get("id") if isinstance(paper, dict) else record.get("id")
        if isinstance(pid, str):
            return pid
    return json.dumps(record, sort_keys=True)


@dataclass
class FetchSummary:
    """What :func:`fetch_digests` did.

    Attributes:
        written: The digests written, one per day with papers.
        papers: Records written, over all days.
        on_disk: Days skipped because their digest already exists (without ``force``).
        empty: Days with no papers (no file written).
    """

    written: list[Path] = field(default_factory=list)
    papers: int = 0
    on_disk: list[date] = field(default_factory=list)
    empty: list[date] = field(default_factory=list)


def fetch_digests(
    days: Sequence[date],
    out_dir: str | Path = config.FETCH_DIR,
    *,
    force: bool = False,
    endpoint: str | None = None,
    page_size: int = config.FETCH_PAGE_SIZE,
    progress: bool = True,
    retry: Retry | None = None,
) -> FetchSummary:
    """Write one JSON Lines digest per day with papers: ``out_dir/YYYY-MM-DD.jsonl``.

    Args:
        days: The days to fetch (see :func:`days_of`).
        out_dir: Where the digests go (created when needed).
        force: Fetch again days whose digest exists; by default they are skipped.
        endpoint: The Hub (default ``$HF_ENDPOINT``, else ``https://huggingface.co``).
        page_size: Records asked for per page.
        progress: Show a progress bar over the days.
        retry: How a busy Hub is asked again (see :func:`fetch_day`).

    Returns:
        The :class:`FetchSummary`.

    Raises:
        FetchError: Offline mode is on, the Hub cannot be reached or answers with an error
            (the days before it are written, each whole), or no day asked for had papers.
    """
    from tqdm.auto import tqdm

    if _offline_var() is not None:
        raise FetchError(_offline_message())
    out, summary = Path(out_dir), FetchSummary()
    with tqdm(days, desc="fetching days", unit="day", disable=not progress, leave=False) as bar:
        for day in bar:
            path = out / f"{day.isoformat()}.jsonl"
            if path.exists() and not force:
                summary.on_disk.append(day)
                continue
            records = _fetch_noting_progress(day, summary, endpoint, page_size, retry)
            if not records:
                summary.empty.append(day)
                continue
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            summary.written.append(atomic_write(path, text.encode("utf-8")))
            summary.papers += len(records)
    if summary.empty and not summary.written and not summary.on_disk:
        listed = ", ".join(d.isoformat() for d in summary.empty)
        raise FetchError(f"no papers on {listed}; nothing written")
    return summary


def _fetch_noting_progress(
    day: date, summary: FetchSummary, endpoint: str | None, page_size: int, retry: Retry | None
) -> list[dict]:
    """:func:`fetch_day`, its error saying which days were already written."""
    try:
        return fetch_day(day, endpoint=endpoint, page_size=page_size, retry=retry)
    except FetchError as exc:
        if summary.written:
            exc.message += f" ({len(summary.written)} earlier day(s) written; a rerun skips them)"
            exc.args = (str(exc),)
        raise
