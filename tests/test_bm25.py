import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from index.search.bm25 import BM25Index, BM25Params

words = st.sampled_from(["hội thảo", "chính quyền", "điện tử", "hà nội", "sở", "tin", "số", "x"])
documents = st.lists(words, min_size=0, max_size=25)
corpora = st.lists(documents, min_size=1, max_size=30).filter(lambda c: any(c))
queries = st.lists(st.one_of(words, st.just("không có")), min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(corpus=corpora, query=queries)
def test_scores_equal_rank_bm25(corpus: list[list[str]], query: list[str]) -> None:
    expected = BM25Okapi(corpus).get_scores(query)
    actual = BM25Index.build(corpus).scores(query)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(
    corpus=corpora,
    query=queries,
    k1=st.floats(0.1, 3.0),
    b=st.floats(0.0, 0.99),
    epsilon=st.floats(0.0, 1.0),
)
def test_scores_equal_rank_bm25_for_any_parameters(
    corpus: list[list[str]], query: list[str], k1: float, b: float, epsilon: float
) -> None:
    expected = BM25Okapi(corpus, k1=k1, b=b, epsilon=epsilon).get_scores(query)
    actual = BM25Index.build(corpus, k1=k1, b=b, epsilon=epsilon).scores(query)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)


def test_scores_on_a_larger_random_corpus() -> None:
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(500)]
    weights = 1 / np.arange(1, 501)
    weights /= weights.sum()
    corpus = [
        list(rng.choice(vocabulary, size=rng.integers(1, 120), p=weights)) for _ in range(400)
    ]
    index = BM25Index.build(corpus)
    reference = BM25Okapi(corpus)
    for _ in range(20):
        query = list(rng.choice(vocabulary, size=4))
        np.testing.assert_allclose(index.scores(query), reference.get_scores(query), atol=1e-6)


def test_top_returns_best_first_among_matching_documents() -> None:
    corpus = [["a", "b", "g"], ["a", "a", "c"], ["c"], ["d"], ["e"], ["f", "a", "g", "h"], ["i"]]
    index = BM25Index.build(corpus)
    top = index.top(["a"], 10)
    assert [position for position, _ in top] == [1, 0, 5]  # more "a", then the shorter document
    assert top == sorted(top, key=lambda pair: -pair[1])
    assert index.top(["a"], 1) == top[:1]
    assert index.top(["zzz"], 3) == []


def test_scores_follow_input_order_and_repeated_query_terms_count_twice() -> None:
    corpus = [["x", "y"], ["y"], ["z"], ["z", "x"], ["w"], ["v"]]
    index = BM25Index.build(corpus)
    once, twice = index.scores(["x"]), index.scores(["x", "x"])
    np.testing.assert_allclose(twice, 2 * once)
    assert once[0] > 0 and once[3] > 0 and once[1] == 0


def test_empty_corpus_and_empty_documents() -> None:
    assert len(BM25Index.build([]).scores(["a"])) == 0
    index = BM25Index.build([[], ["a"], []])
    np.testing.assert_allclose(index.scores(["a"]), BM25Okapi([[], ["a"], []]).get_scores(["a"]))


def test_integer_keys_with_sorted_vocabulary() -> None:
    keys = np.array([10, 20, 30], dtype=np.int64)
    term_ids = np.array([0, 1, 1, 2], dtype=np.int64)
    doc_ids = np.array([0, 0, 1, 2], dtype=np.int64)
    index = BM25Index.from_postings(term_ids, doc_ids, 4, keys, BM25Params())
    corpus = [[10, 20], [20], [30], []]
    np.testing.assert_allclose(index.scores([20, 99]), BM25Okapi(corpus).get_scores([20, 99]))
    assert index.document_frequency(20) == 2 and index.document_frequency(99) == 0


@pytest.mark.parametrize("token", ["a", "b"])
def test_idf_floor_for_terms_in_most_documents(token: str) -> None:
    corpus = [["a", "b"], ["a"], ["a", "c"], ["d"], ["e"], ["f"]]
    index = BM25Index.build(corpus)
    reference = BM25Okapi(corpus)
    assert index.idf_of(token) == pytest.approx(reference.idf[token])
