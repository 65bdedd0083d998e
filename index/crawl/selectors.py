"""CSS selectors that override automatic extraction on one site, and the built-in profiles of
portal software that many departments run."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only parsed pages are given here: importing lxml is the crawler's cost
    import lxml.html

__all__ = ["Selectors", "PROFILES", "detect_profile", "effective_selectors"]


@dataclass(frozen=True)
class Selectors:
    """CSS selectors that override automatic extraction on one site; empty means automatic."""

    title: str = ""
    date: str = ""
    body: str = ""
    summary: str = ""
    author: str = ""
    category: str = ""
    list_item: str = ""  # one element per article on a list page
    list_link: str = ""  # inside an item: the link to the article (its text is the title)
    list_date: str = ""
    list_summary: str = ""
    next_page: str = ""  # on a list page: the link to the next page

    def merged_over(self, base: Selectors) -> Selectors:
        """These selectors, falling back to `base` for the ones left empty."""
        return Selectors(
            **{f.name: getattr(self, f.name) or getattr(base, f.name) for f in fields(self)}
        )


# Selectors for portal software that many departments run, applied when the page has its marks.
PROFILES: dict[str, Selectors] = {
    "liferay": Selectors(
        title=".asset-full-content-title, .header-title, .journal-content-article h1",
        date=", ".join(
            (
                ".asset-full-content-title ~ .assetPublishDate",
                ".asset-full-content ~ .assetPublishDate",
            )
        ),
        body=".asset-full-content .journal-content-article",
        summary=".asset-full-content .sapo",
        author=".view-content-author",
        list_item=".asset-abstract",
        list_link=".asset-title a",
        list_date=".assetPublishDate",
        list_summary=".asset-summary",
        next_page=".lfr-pagination-buttons li:nth-child(3) a",
    ),
}
_PROFILE_MARKS = {
    "liferay": ".asset-abstract .asset-title a, .asset-full-content-title, .portlet-asset-publisher"
}


def detect_profile(tree: lxml.html.HtmlElement) -> str | None:
    """The name of the built-in profile whose marks the page has."""
    for name, marks in _PROFILE_MARKS.items():
        if tree.cssselect(marks):
            return name
    return None


def effective_selectors(
    tree: lxml.html.HtmlElement, selectors: Selectors, profile: str
) -> Selectors:
    """The site's selectors over its profile's (given, or recognised from the page)."""
    name = profile or detect_profile(tree)
    return selectors.merged_over(PROFILES[name]) if name in PROFILES else selectors
