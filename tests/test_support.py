import math

from index.text.support import Support

from .sample_corpus import SampleStats, sample_stats

# Six tiny documents as analysed token streams ("." is a boundary).
TINY = SampleStats.from_streams(
    [
        ["chuyển đổi", "số", ".", "hội thảo"],
        ["chuyển đổi", "số", "quốc gia"],
        ["số", "liệu"],
        ["hòa bình", ".", "số"],
        ["sở", "thông tin"],
        ["đổi", "mới"],
    ]
)


def test_the_stats_count_documents_not_occurrences() -> None:
    assert TINY.documents() == 6
    assert TINY.folded_df("so") == 5  # số x4, sở
    assert TINY.syllable_df("số") == 4 and TINY.syllable_df("sở") == 1
    assert TINY.pair_df("chuyen", "doi") == 2 and TINY.pair_df("doi", "so") == 2
    assert TINY.pair_df("so", "hoi") == 0  # a boundary separates them


def test_unigram_is_weighted_as_restoration_weighs_words() -> None:
    support = Support(TINY)
    assert math.isclose(support.unigram("so"), math.log(5.5) - math.log(7))
    assert math.isclose(support.unigram("xyz"), math.log(0.5) - math.log(7))


def test_a_known_pair_beats_the_back_off() -> None:
    support = Support(TINY)
    assert support.transition("doi", "so") > support.transition("doi", "lieu")
    assert support.transition("doi", "so") > support.unigram("so") - 1


def test_diacritics_nobody_writes_are_penalised_and_others_are_not() -> None:
    support = Support(TINY)
    assert support.accent("số") == 0 and support.accent("sở") == 0
    assert support.accent("so") == 0  # typed without: restoration decides later
    assert support.accent("sơ") < -1  # a syllable no document writes


def test_the_decoded_question_is_better_supported_than_the_keys() -> None:
    support = Support(sample_stats())
    decoded = support.sequence(["chuyển", "đổi", "số"])
    keys = support.sequence(["chuyeenr", "ddooir", "soos"])
    assert decoded > keys + 10
