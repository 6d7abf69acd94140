"""The forms under which a name is found: separators, widths, pinyin, Latin spellings of transcribed names."""

from __future__ import annotations

import pytest

from graph.search.names import (
    SOUND,
    TABLE,
    Pair,
    Transcriptions,
    latin_skeleton,
    name_keys,
    normal,
    query_keys,
    read_pairs,
    transcriptions,
)


def found(label: str, text: str) -> bool:
    """Whether a query finds a label as the search index compares them: a key of the query inside a key of the label."""
    query = query_keys(text)
    return any(needle is not None and needle in key for key in name_keys(label) for needle in query)


@pytest.mark.parametrize("separator", ["\u00b7", "\u2022", "\u30fb", "\uff65", "\u2027", "\u2010", "\u2013", " ", "  "])
def test_separators_between_the_parts_of_a_name_are_one(separator: str) -> None:
    assert normal(f"伊力哈木{separator}土赫提") == "伊力哈木 土赫提"
    assert found("伊力哈木•土赫提", f"伊力哈木{separator}土赫提") and found("伊力哈木·土赫提", f"伊力哈木{separator}土赫提")


def test_full_width_forms_fold_to_their_plain_letters() -> None:
    assert normal("ＡｋｂａｒＩｍｉｎ") == "akbarimin" and found("AkbarImin", "ＡＫＢＡＲ　ＩＭＩＮ")


def test_the_label_folded_is_always_a_key() -> None:
    for label in ["伊力哈木•土赫提", "Gulmira Imin", "Xinjiang No. 2 Prison", "USCIRF", ""]:
        assert label.casefold() in name_keys(label) or not label


def test_plain_latin_labels_get_no_other_keys() -> None:
    assert name_keys("Xinjiang No. 2 Prison") == {"xinjiang no. 2 prison"}


@pytest.mark.parametrize("text", ["zhang liumao", "Zhāng Liùmáo", "zhangliumao", "ZHANG LIU MAO", "liumao"])
def test_a_chinese_name_is_found_by_its_pinyin_with_or_without_tones(text: str) -> None:
    assert found("张六毛", text)


def test_pinyin_is_read_per_part_of_a_transcribed_name() -> None:
    assert {"yilihamu tuheti", "yi li ha mu tu he ti"} <= name_keys("伊力哈木•土赫提")


@pytest.mark.parametrize("text", ["Ilham Tohti", "ilham", "tohti", "ILHAM TOXTI", "Ilhám Tohti"])
def test_a_uyghur_name_in_chinese_transcription_is_found_by_its_latin_spelling(text: str) -> None:
    assert found("伊力哈木•土赫提", text) and found("伊力哈木·土赫提", text)


def test_a_run_together_latin_name_is_found_by_its_words() -> None:
    assert found("AkbarImin", "Akbar Imin") and not found("USCIRF", "u s")


def test_a_transcribed_name_outside_the_table_is_found_by_its_sound() -> None:
    # Learned from every pair but this person's: the sound key alone must carry the match.
    others = Transcriptions([p for p in read_pairs(TABLE) if "伊力哈木" not in p.han], spellings=True)
    for text in ("Ilham Tohti", "Ilham", "Tohti"):
        sound = query_keys(text).sound
        assert sound is not None and any(sound in key for key in others.keys(["伊力哈木", "土赫提"])), text
    assert not any(query_keys("Tashpolat Tiyip").sound in key for key in others.keys(["伊力哈木", "土赫提"]))


def test_the_sound_key_compares_consonant_classes() -> None:
    assert latin_skeleton("Abdurazzak") == "ptljk" and latin_skeleton("Shamseden") == "smstn"
    assert transcriptions().sound(["阿布杜热扎克", "夏木西丁"]) == SOUND + "ptljk" + SOUND + "smstn"


def test_a_query_too_short_to_tell_names_apart_has_no_sound_key() -> None:
    assert query_keys("a").sound is None and query_keys("Ayup").sound is None and query_keys("伊力哈木").sound is None


def test_learned_correspondences_override_pinyin_where_the_pairs_say_so() -> None:
    pairs = [Pair("哈木拉提·吾甫尔", "Halmurat Ghopur", "ug", "test"), Pair("古丽米拉•艾明", "Gulmira Imin", "ug", "test")]
    table = Transcriptions(pairs)
    assert table.learned["吾"] == "k" and table.learned["甫"] == "p", "Ghopur: the g is 吾's, though wu has no initial"


def test_uyghur_arabic_script_is_found_as_written_and_in_uyghur_latin() -> None:
    assert found("ئىلھام توختى", "ئىلھام توختى") and found("ئىلھام توختى", "ilham toxti")
    assert found("رابىيە قادىر", "رابىيه قادىر"), "heh typed for ae is the same letter"


def test_every_pair_of_the_table_names_its_source() -> None:
    pairs = read_pairs(TABLE)
    assert len(pairs) > 30 and all(pair.address.startswith("https://") or pair.address.startswith("http://") for pair in pairs)
    assert all(pair.language in ("ug", "bo", "kk") for pair in pairs)
