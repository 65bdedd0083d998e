import json

import numpy as np
from rank_bm25 import BM25Okapi

from index.search.fields import build_fields, query_terms
from index.text.analyzer import Analyzer

from .conftest import SAMPLE

analyzer = Analyzer()


def _streams() -> list[list[str]]:
    lines = (SAMPLE / "sotttt-hanoi" / "items.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines[:80]]
    return [analyzer.tokens(f"{r['title']}\n{r['summary']}") for r in rows]


def test_bulk_fields_score_like_rank_bm25_over_the_query_side_terms() -> None:
    streams = _streams()
    fields = build_fields(streams)
    per_doc = [query_terms(s) for s in streams]
    query = query_terms(analyzer.tokens("chuyển đổi số thành phố Hà Nội"))
    for name in ("words", "syllables", "pairs"):
        reference = BM25Okapi([list(getattr(t, name)) for t in per_doc])
        expected = reference.get_scores(list(getattr(query, name)))
        tokens = fields.pair_keys(query.pairs) if name == "pairs" else list(getattr(query, name))
        actual = getattr(fields, name).scores(tokens)
        np.testing.assert_allclose(actual, expected, atol=1e-6)
        assert actual.max() > 0


def test_query_terms_fold_syllables_and_pair_them_within_boundaries() -> None:
    terms = query_terms(["hội thảo", "chính quyền", ".", "điện tử"])
    assert terms.words == ("hội thảo", "chính quyền", "điện tử")
    assert terms.syllables == ("hoi", "thao", "chinh", "quyen", "dien", "tu")
    assert terms.pairs == ("hoi thao", "thao chinh", "chinh quyen", "dien tu")


def test_text_without_diacritics_meets_the_same_syllables_and_pairs() -> None:
    accented = query_terms(analyzer.tokens("hội thảo chính quyền điện tử"))
    plain = query_terms(analyzer.tokens("hoi thao chinh quyen dien tu"))
    assert accented.syllables == plain.syllables
    assert accented.pairs == plain.pairs
