"""Storing article records: deduplication, updates in place, analysis cached at ingest time."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..text.analyzer import Analyzer
from ..text.dates import now
from .analysis import Prepared, analysis_values, content_hash
from .changes import data_version, touch
from .database import get_meta, set_meta, write_session
from .models import Article, ArticleTerms, Attachment, NewsOutbox, Source
from .records import (
    MAX_LABEL_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    ArticleRecord,
    AttachmentLink,
    Problem,
    ProblemCode,
    bound_record,
)

__all__ = [
    "Outcome",
    "IngestReport",
    "ProgressCallback",
    "content_hash",
    "store_record",
    "store_batch",
    "analysis_needed",
    "reanalyse",
    "reanalyse_when_changed",
    "mark_changed",
    "is_news",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int | None], None]
"""Called with (done, total) as work progresses; total is None when unknown."""

DEFAULT_SOURCE = "nhập từ tệp"
NEWS_PUBLISHED_WITHIN = timedelta(days=7)  # an older article first stored now is archive


class Outcome(StrEnum):
    """What storing one record did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Changes:
    """What any report that counts stored records says about them."""

    added: int
    updated: int
    failed: int

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return self.failed == 0

    @property
    def changed(self) -> bool:
        """True when articles were added or updated (the index needs a refresh)."""
        return bool(self.added or self.updated)


@dataclass
class IngestReport(Changes):
    """Counts and problems of one ingest run."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        """Record the outcome of one stored record."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def merge(self, other: IngestReport) -> None:
        """Add another report's counts and problems to this one."""
        for name in ("added", "updated", "unchanged", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)


def analyse(article: Article, analyzer: Analyzer, prepared: Prepared | None = None) -> None:
    """Cache the article's analysis on it: `prepared` when it fits the article as it now
    stands (see `analysis.Prepared`), else segmented here."""
    fields = (article.title, article.summary, article.body, article.category)
    if prepared is not None and prepared.fits(fields, article.published_at, analyzer.version):
        _cache(article, dict(prepared.values))
    else:
        _cache(article, _analysis(article, analyzer))


def _analysis(article: Article, analyzer: Analyzer) -> dict[str, str | bytes]:
    fields = (article.title, article.summary, article.body, article.category)
    return analysis_values(fields, article.published_at, article.content_hash, analyzer)


def _cache(article: Article, values: dict[str, str | bytes]) -> None:
    if article.terms is None:
        article.terms = ArticleTerms(**values)
    else:
        for name, value in values.items():
            setattr(article.terms, name, value)


def _source(session: Session, name: str, cache: dict[str, int]) -> int:
    if name in cache:
        return cache[name]
    source_id = session.scalar(select(Source.id).where(Source.name == name))
    if source_id is None:
        source = Source(name=name, created_at=now())
        session.add(source)
        session.flush()
        source_id = source.id
    cache[name] = source_id
    return source_id


def _source_name(record: ArticleRecord, default: str | None) -> str:
    if record.source:
        return record.source
    if record.url:
        host = urlsplit(record.url).hostname or ""
        # A host name may be 253 characters; the column holds the same on every database.
        return host.removeprefix("www.")[:MAX_LABEL_CHARS] or DEFAULT_SOURCE
    return (default or DEFAULT_SOURCE)[:MAX_LABEL_CHARS]


def _find_existing(
    session: Session, record: ArticleRecord, digest: str, by_url: dict[str, Article] | None
) -> Article | None:
    """The stored article this record is: the same url (looked up in `by_url` when given);
    without a url, the same text, else the same title and date (an edited url-less article)."""
    if record.url:
        if by_url is not None:
            return by_url.get(record.url)
        return session.scalar(select(Article).where(Article.url == record.url))
    query = select(Article).where(Article.url.is_(None)).order_by(Article.id).limit(1)
    found = session.scalars(query.where(Article.content_hash == digest)).first()
    if found is not None or record.published_at is None:
        return found
    same_title_and_date = (Article.title == record.title) & (
        Article.published_at == record.published_at
    )
    return session.scalars(query.where(same_title_and_date)).first()


def store_record(
    session: Session,
    record: ArticleRecord,
    analyzer: Analyzer,
    *,
    fetched_at: datetime | None = None,
    default_source: str | None = None,
    source_cache: dict[str, int] | None = None,
    notify: bool = False,
    prepared: Prepared | None = None,
    by_url: dict[str, Article] | None = None,
    added: list[tuple[Article, ArticleRecord, datetime]] | None = None,
) -> tuple[Outcome, Article]:
    """Insert or update one article, matched by url, else by text, else by title and date.

    With `notify`, an added article that is news (published in the last week, or undated) is
    put in the news outbox in the same transaction, for a running bot to deliver.

    The record is bounded first (`bound_record`: the importers have reported what that changes;
    the crawler's pages are bounded silently); raises ValueError for a record the database
    cannot hold whatever is done to it. `prepared` is the record's analysis computed ahead
    (by `analysis.prepare`), used when it fits the article as stored; `by_url`, the stored
    articles with the urls of a batch, looked up together (see `stored_by_url`). With `added`,
    a new article is not flushed: it is listed there, for `after_insert` once the batch is.
    """
    record, _ = bound_record(record)
    if len(record.title) > MAX_TITLE_CHARS or len(record.url or "") > MAX_URL_CHARS:
        raise ValueError("title or url too long")
    stamp = fetched_at or now()
    digest = content_hash(record.title, record.summary, record.body)
    existing = _find_existing(session, record, digest, by_url)
    if existing is None:
        article = _new_article(session, record, digest, stamp, default_source, source_cache)
        session.add(article)
        analyse(article, analyzer, prepared)
        if added is not None:
            added.append((article, record, stamp))
        else:
            session.flush()
            after_insert(session, article, record, stamp, notify)
        return Outcome.ADDED, article
    outcome = _update(existing, record, digest, stamp, analyzer, prepared)
    _keep_attachments(session, existing, record.attachments)
    return outcome, existing


def after_insert(
    session: Session, article: Article, record: ArticleRecord, stamp: datetime, notify: bool
) -> None:
    """What follows a new article once it has its id: its attachments, its outbox row."""
    _keep_attachments(session, article, record.attachments)
    if notify and is_news(record.published_at, stamp):
        session.add(NewsOutbox(article_id=article.id, created_at=stamp))


def _new_article(
    session: Session,
    record: ArticleRecord,
    digest: str,
    stamp: datetime,
    default_source: str | None,
    source_cache: dict[str, int] | None,
) -> Article:
    """The row of an article seen for the first time (its source found or created)."""
    return Article(
        source_id=_source(
            session,
            _source_name(record, default_source),
            source_cache if source_cache is not None else {},
        ),
        url=record.url,
        title=record.title,
        summary=record.summary,
        body=record.body,
        category=record.category,
        author=record.author,
        published_at=record.published_at or stamp,
        date_estimated=record.published_at is None,
        fetched_at=stamp,
        content_hash=digest,
        updated_at=stamp,
    )


MAX_ATTACHMENTS = 30  # links kept per article


def _keep_attachments(
    session: Session, article: Article, links: tuple[AttachmentLink, ...] | None
) -> None:
    """Replace the article's attachments with the page's (None: the record does not say)."""
    if links is None:
        return
    wanted = [(a.name[:500], a.url, a.size) for a in links[:MAX_ATTACHMENTS] if len(a.url) <= 2000]
    kept = session.scalars(
        select(Attachment).where(Attachment.article_id == article.id).order_by(Attachment.position)
    ).all()
    if [(a.name, a.url, a.size) for a in kept] == wanted:
        return
    for old in kept:
        session.delete(old)
    for position, (name, url, size) in enumerate(wanted):
        session.add(
            Attachment(article_id=article.id, position=position, name=name, url=url, size=size)
        )


def is_news(published_at: datetime | None, stored_at: datetime) -> bool:
    """True for an article stored at `stored_at` that is news: undated, or recent."""
    return published_at is None or published_at >= stored_at - NEWS_PUBLISHED_WITHIN


def _update(
    article: Article,
    record: ArticleRecord,
    digest: str,
    stamp: datetime,
    analyzer: Analyzer,
    prepared: Prepared | None,
) -> Outcome:
    wanted: dict[str, object] = {
        "title": record.title,
        "summary": record.summary,
        "body": record.body,
        "category": record.category or article.category,
        "author": record.author or article.author,
        "content_hash": digest,
    }
    if record.published_at is not None:
        wanted["published_at"] = record.published_at
        wanted["date_estimated"] = False
    changed = {k: v for k, v in wanted.items() if getattr(article, k) != v}
    if not changed:
        return Outcome.UNCHANGED
    for name, value in changed.items():
        setattr(article, name, value)
    article.fetched_at = stamp
    article.updated_at = stamp
    terms = article.terms
    stale = (
        terms is None or terms.content_hash != digest or terms.analyzer_version != analyzer.version
    )
    if stale or "category" in changed:
        analyse(article, analyzer, prepared)
    return Outcome.UPDATED


def take_down(session: Session, articles: Iterable[Article]) -> list[int]:
    """Delete articles (their cached analysis goes with them) and count them as taken down;
    the ids deleted."""
    unique = {article.id: article for article in articles}
    for article in unique.values():
        session.delete(article)
    if unique:
        mark_changed(session)
        before = int(get_meta(session, "taken_down") or 0)
        set_meta(session, "taken_down", str(before + len(unique)))
    return sorted(unique)


def mark_changed(session: Session) -> None:
    """Record that the articles changed, so running engines know to rebuild their index (the
    change log numbers the transaction when it commits; see `changes`)."""
    touch(session)


# What may go wrong with one record, as opposed to the database itself (a lost connection, a
# locked file: OperationalError), which stops the ingest.
_RECORD_ERRORS = (SQLAlchemyError, ValueError, TypeError, ArithmeticError, RecursionError)


def store_batch(
    sessions: sessionmaker[Session],
    batch: Sequence[ArticleRecord],
    analyzer: Analyzer,
    notify: bool,
    prepared: Sequence[Prepared | None] | None = None,
) -> IngestReport:
    """Store a batch in one transaction, each record in a savepoint: a record the database
    refuses is reported and the rest of the batch lands. Should the batch's transaction fail
    as a whole (at commit), each record is stored again in its own. `prepared`: the records'
    analyses computed ahead, in the same order (see `store_record`)."""
    analyses: list[Prepared | None] = list(prepared or [None] * len(batch))
    try:
        return _store_together(sessions, batch, analyzer, notify, analyses)
    except OperationalError:
        raise
    except _RECORD_ERRORS:
        pass
    report = IngestReport()
    for record, analysis in zip(batch, analyses, strict=True):
        try:
            report.merge(_store_together(sessions, [record], analyzer, notify, [analysis]))
        except OperationalError:
            raise
        except _RECORD_ERRORS as exc:
            report.failed += 1
            report.problems.append(_cannot_store(record, exc))
    return report


def _store_together(
    sessions: sessionmaker[Session],
    batch: Sequence[ArticleRecord],
    analyzer: Analyzer,
    notify: bool,
    analyses: list[Prepared | None],
) -> IngestReport:
    with write_session(sessions) as session:
        report = _store_at_once(session, batch, analyzer, notify, analyses)
        if report is None:
            report = _store_one_by_one(session, batch, analyzer, notify, analyses)
        if report.changed:
            mark_changed(session)
    return report


def _store_at_once(
    session: Session,
    batch: Sequence[ArticleRecord],
    analyzer: Analyzer,
    notify: bool,
    analyses: list[Prepared | None],
) -> IngestReport | None:
    """The batch in one savepoint and (new articles) one flush; None when any record fails,
    the savepoint then rolled back for `_store_one_by_one` (the outcome is the same: the
    savepoint per record that finds the failing one costs a flush per record)."""
    report = IngestReport()
    cache: dict[str, int] = {}
    by_url = stored_by_url(session, batch)
    added: list[tuple[Article, ArticleRecord, datetime]] = []
    try:
        with session.begin_nested():
            for record, prepared in zip(batch, analyses, strict=True):
                outcome, article = store_record(
                    session, record, analyzer, source_cache=cache, notify=notify,
                    prepared=prepared, by_url=by_url, added=added,
                )  # fmt: skip
                if article.url:
                    by_url[article.url] = article  # a later record of the batch may repeat it
                report.count(outcome)
            session.flush()
            for article, record, stamp in added:
                after_insert(session, article, record, stamp, notify)
            session.flush()
    except OperationalError:
        raise
    except _RECORD_ERRORS:
        return None
    return report


def _store_one_by_one(
    session: Session,
    batch: Sequence[ArticleRecord],
    analyzer: Analyzer,
    notify: bool,
    analyses: list[Prepared | None],
) -> IngestReport:
    """The batch with a savepoint per record: a record that fails is reported alone."""
    report = IngestReport()
    cache: dict[str, int] = {}
    by_url = stored_by_url(session, batch)
    for record, prepared in zip(batch, analyses, strict=True):
        try:
            with session.begin_nested():
                outcome, article = store_record(
                    session, record, analyzer, source_cache=cache, notify=notify,
                    prepared=prepared, by_url=by_url,
                )  # fmt: skip
        except OperationalError:
            raise
        except _RECORD_ERRORS as exc:
            report.failed += 1
            report.problems.append(_cannot_store(record, exc))
            cache.clear()  # a source created in the rolled-back savepoint is gone
            continue
        if article.url:
            by_url[article.url] = article  # a later record of the batch may repeat it
        report.count(outcome)
    return report


def stored_by_url(session: Session, records: Sequence[ArticleRecord]) -> dict[str, Article]:
    """The stored articles with the records' urls, in one query per 500 urls."""
    urls = sorted({r.url for r in records if r.url})
    found: dict[str, Article] = {}
    for start in range(0, len(urls), 500):
        query = select(Article).where(Article.url.in_(urls[start : start + 500]))
        found.update((a.url, a) for a in session.scalars(query) if a.url)
    return found


def analysis_needed(
    session: Session, records: Sequence[ArticleRecord], analyzer_version: str
) -> list[bool]:
    """For each record, whether storing it may analyse it: False only when the article it is
    (by url; without one, by text) holds the same text analysed by this version, and the
    record keeps its category."""
    digests = [content_hash(r.title, r.summary, r.body) for r in records]
    urls = sorted({r.url for r in records if r.url})
    texts = sorted({d for r, d in zip(records, digests, strict=True) if not r.url})
    fresh: set[tuple[str | None, str, str | None]] = set()
    for key, values in ((Article.url, urls), (Article.content_hash, texts)):
        for start in range(0, len(values), 500):
            query = (
                select(Article.url, Article.content_hash, Article.category)
                .join(ArticleTerms)
                .where(key.in_(values[start : start + 500]))
                .where(ArticleTerms.content_hash == Article.content_hash)
                .where(ArticleTerms.analyzer_version == analyzer_version)
            )
            fresh.update(
                (url, digest, category) for url, digest, category in session.execute(query)
            )
    categories = {(url, digest): category for url, digest, category in fresh}
    return [
        (r.url, d) not in categories or r.category not in (None, categories[(r.url, d)])
        for r, d in zip(records, digests, strict=True)
    ]


def _cannot_store(record: ArticleRecord, exc: BaseException) -> Problem:
    """The database's reason in one short line, without the statement and its parameters."""
    reason = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    lines = str(reason).strip().splitlines()
    text = lines[0] if lines else type(reason).__name__
    return Problem(record.origin, ProblemCode.CANNOT_STORE, text[:200])


_FRESH_ANALYSIS = "fresh_analysis"  # meta: "analyzer@data version" a pass found all fresh at


def reanalyse_when_changed(
    sessions: sessionmaker[Session], analyzer: Analyzer, progress: ProgressCallback | None
) -> int:
    """`reanalyse`, unless neither the articles (the data version) nor the analyzer changed
    since a pass found every analysis fresh: finding none stale reads every article (a third of
    a second at 100,000, at every start)."""
    with sessions() as session:
        mark = f"{analyzer.version}@{data_version(session)}"
        if get_meta(session, _FRESH_ANALYSIS) == mark:
            return 0
    # the mark is read before the pass: a change made meanwhile gives another version
    count = reanalyse(sessions, analyzer, progress=progress)
    if count == 0:
        try:
            with write_session(sessions) as session:
                set_meta(session, _FRESH_ANALYSIS, mark)
        except OperationalError as exc:  # a read-only database: the next start reads again
            log.debug("fresh analysis not recorded: %s", exc)
    return count


def reanalyse(
    sessions: sessionmaker[Session],
    analyzer: Analyzer,
    *,
    full: bool = False,
    progress: ProgressCallback | None = None,
    batch_size: int = 50,
) -> int:
    """Re-segment articles whose cached terms are missing or stale (all of them with `full`)."""
    with sessions() as session:
        query = select(Article.id).outerjoin(ArticleTerms).order_by(Article.id)
        if not full:
            query = query.where(
                or_(
                    ArticleTerms.article_id.is_(None),
                    ArticleTerms.analyzer_version != analyzer.version,
                    ArticleTerms.content_hash != Article.content_hash,
                )
            )
        stale = list(session.scalars(query))
    for start in range(0, len(stale), batch_size):
        chunk = stale[start : start + batch_size]
        # Segment outside the write transaction (seconds of CPU for a batch): the write lock is
        # held only to store the results, so other writers (questions counted by the bot) never
        # wait behind the segmenter.
        with sessions() as session:
            found = {
                a.id: (a.content_hash, a.category, _analysis(a, analyzer))
                for a in session.scalars(select(Article).where(Article.id.in_(chunk)))
            }
        with write_session(sessions) as session:
            for article in session.scalars(select(Article).where(Article.id.in_(list(found)))):
                content, category, values = found[article.id]
                if (article.content_hash, article.category) == (content, category):
                    _cache(article, values)  # else it changed meanwhile and was re-analysed
            mark_changed(session)
        if progress:
            progress(min(start + batch_size, len(stale)), len(stale))
    return len(stale)
