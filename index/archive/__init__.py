"""The archive: the orchestration above the rooms (store then index, crawl then index, stats).

facade.py      Archive: opening, searching, ingesting, reindexing, deleting, crawling, stats
chats.py       conversation states, hand-overs, answers, feedback, the staff's report
dictionary.py  the admins' dictionary lines merged with the file's, followed across processes
service.py     health, the change log, shared token buckets, leases, alerts
reports.py     Stats, Health, ReindexReport
rooms.py       the store and engine every part works over
"""

from .dictionary import DICTIONARY_CHECK_SECONDS
from .facade import Archive
from .reports import Health, HealthProblem, ReindexReport, Stats

__all__ = [
    "Archive",
    "Health",
    "HealthProblem",
    "Stats",
    "ReindexReport",
    "DICTIONARY_CHECK_SECONDS",
]
