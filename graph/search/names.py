"""The forms under which a name is found: separators and widths unified, pinyin, and Latin spellings of transcribed names.

A label's keys (`name_keys`) and a query's keys (`query_keys`) are compared by substring, as the search index does.
Three kinds of key:

- the label folded (case, accents, compatibility forms) and its separators made one space, so that 伊力哈木·土赫提
  (middle dot), 伊力哈木•土赫提 (bullet) and 伊力哈木・土赫提 (katakana dot) are one name;
- for Han characters, pinyin without tones, spaced by syllable, by name part and joined ("zhang liu mao",
  "zhang liumao", "zhangliumao"); a toned query ("Zhāng Liùmáo") loses its tones in folding;
- for names written in Chinese transcription of Uyghur, Kazakh or Tibetan: the Latin spellings sources give
  (graph/data/names/uyghur-transcriptions.tsv), and a sound key, written after `SOUND`, comparing consonants only.

The sound key reduces a Latin spelling and a Han transcription to the same consonant classes: a Han character stands
for the consonant its pinyin begins with (and an n when it ends in one), except where the aligned pairs of the table
show the transcription using it otherwise. docs/names.md says how well this finds names the table does not hold.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from itertools import islice, product
from pathlib import Path
from typing import NamedTuple

from graph.paths import PACKAGE_DIR

READINGS = 8  # the most pinyin readings of one name that become keys
TABLE = PACKAGE_DIR / "data" / "names" / "uyghur-transcriptions.tsv"

# Begins every part of a sound key: no folded text holds it (`normal` removes it), so sound keys only meet sound keys.
SOUND = "\ue000"

# Marks that join the parts of a transcribed name, and dashes; ASCII hyphen-minus stays, as in dates and codes.
SEPARATORS = frozenset("\u00b7\u2022\u30fb\uff65\u2027\u2219\u22c5\u0387\u2e31\u16eb"
                       "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58")

# Written inside Uyghur Arabic-script words without being letters, or typed for one another.
_ARABIC_FOLDS = {"\u0640": "", "\u200c": "", "\u200d": "", "\u0647": "\u06d5"}

# Uyghur Arabic script to the Uyghur Latin script (ULY), letter by letter; the hamza seat begins a vowel and is not written.
_ULY = {
    "ا": "a", "ە": "e", "ب": "b", "پ": "p", "ت": "t", "ج": "j", "چ": "ch", "خ": "x", "د": "d", "ر": "r", "ز": "z",
    "ژ": "zh", "س": "s", "ش": "sh", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "گ": "g", "ڭ": "ng", "ل": "l", "م": "m",
    "ن": "n", "ھ": "h", "و": "o", "ۇ": "u", "ۆ": "ö", "ۈ": "ü", "ۋ": "w", "ې": "é", "ى": "i", "ي": "y", "ئ": "",
}

# Consonant classes of the sound key. Chinese transcription confuses l and r (Mandarin has no "ra"), z and j, b, p and f,
# d and t; Mandarin h is velar, and writes Uyghur h, x and q alike (哈斯木 Qasim, 土赫提 Tohti), so h joins g, k and q.
# Vowels, y and w are not compared.
_LATIN_PAIRS = {"sh": "s", "ch": "j", "zh": "j", "kh": "k", "gh": "k", "ng": "n", "ts": "j"}
_LATIN = {"b": "p", "p": "p", "f": "p", "d": "t", "t": "t", "g": "k", "k": "k", "q": "k", "x": "k", "h": "k", "c": "j",
          "j": "j", "z": "j", "s": "s", "l": "l", "r": "l", "m": "m", "n": "n"}
_PINYIN_INITIALS = {"zh": "j", "ch": "j", "sh": "s", "b": "p", "p": "p", "f": "p", "d": "t", "t": "t", "g": "k", "k": "k",
                    "h": "k", "j": "j", "q": "j", "x": "s", "z": "j", "c": "j", "s": "s", "l": "l", "r": "l", "m": "m",
                    "n": "n", "y": "", "w": "", "": ""}


class Query(NamedTuple):
    """What a search looks for: the text in normal form, and its sound key when it is a Latin name."""

    text: str
    sound: str | None


def fold(text: str) -> str:
    """Text reduced for matching: compatibility forms unified, accents and NULs removed, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\x00").casefold()


def normal(text: str) -> str:
    """Folded text with every name separator a space, spaces collapsed and the sound mark removed."""
    folded = fold(text)
    kept = "".join(" " if c in SEPARATORS else _ARABIC_FOLDS.get(c, c) for c in folded if c != SOUND)
    return " ".join(kept.split())


def name_keys(label: str) -> frozenset[str]:
    """Every folded form under which a label is found: the label folded, its normal form, pinyin and Latin spellings."""
    if label.isascii() and "\x00" not in label:  # most labels: no separator, script or accent to fold, only case and spaces
        folded = label.casefold()
        split = _camel_split(label)
        return frozenset(key for key in (folded, " ".join(folded.split()), split and normal(split)) if key)
    keys = {fold(label), normal(label)}
    parts = _parts(label)
    if any(_is_han(c) for c in label):
        keys |= _pinyin_keys(parts)
        keys |= transcriptions().keys(parts)
    if any(_is_arabic(c) for c in label):
        keys.add(normal(uly(label)))
    split = _camel_split(label)
    if split:
        keys.add(normal(split))
    keys.discard("")
    return frozenset(keys)


def romanised(label: str) -> str:
    """A name in Latin letters: as written, the Latin spelling a source gives a transcribed name, else pinyin or ULY."""
    if label.isascii():
        return _camel_split(label) or " ".join(label.split())
    parts = _parts(label)
    spelled = next((pair.latin for pair in transcriptions().pairs if normal(pair.han) == " ".join(parts)), None)
    if spelled is not None:
        return spelled
    if any(_is_arabic(c) for c in label):
        return normal(uly(label))
    if len(parts) == 1 and 2 <= len(parts[0]) <= 3 and all(_is_han(c) for c in parts[0]):
        surname, *given = _readings(parts[0], surname=True)[0]  # a Chinese name: surname, then given name
        return f"{surname} {''.join(given)}"
    return " ".join("".join(_readings(part)[0]) if any(_is_han(c) for c in part) else part for part in parts)


def query_keys(text: str) -> Query:
    """The keys a query looks for: its normal form, and a sound key when it is a name in Latin letters."""
    return Query(normal(text), sound_key(normal(text).split()))


def sound_key(words: list[str]) -> str | None:
    """The sound key of a Latin name: each word's consonant classes after `SOUND`; None when too short to tell names apart."""
    skeletons = [latin_skeleton(word) for word in words]
    if not skeletons or not all(skeletons) or sum(map(len, skeletons)) < 2:
        return None
    return "".join(SOUND + skeleton for skeleton in skeletons)


def latin_skeleton(word: str) -> str:
    """The consonant classes of a word in Latin letters ("" when it has a letter of another script)."""
    letters = fold(word)
    if not letters.isascii():
        return ""
    single = "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])  # Abdurazzak, Mutellip
    out, at = [], 0
    while at < len(single):
        pair = single[at:at + 2]
        if pair in _LATIN_PAIRS:
            out.append(_LATIN_PAIRS[pair])
            at += 2
            continue
        out.append(_LATIN.get(single[at], ""))
        at += 1
    return "".join(out)


def han_default(character: str) -> str:
    """The consonant classes a Han character stands for by its pinyin alone: its initial, and n for a nasal ending."""
    syllable = _readings(character)[0][0]
    if syllable == "er":
        return "l"
    initial = syllable[:2] if syllable[:2] in ("zh", "ch", "sh") else syllable[:1] if syllable[:1] not in "aeiou" else ""
    return _PINYIN_INITIALS.get(initial, "") + ("n" if syllable.endswith(("n", "ng")) else "")


def uly(text: str) -> str:
    """Uyghur Arabic script written in Uyghur Latin (ULY) letters; other characters as they are."""
    return "".join(_ULY.get(c, c) for c in unicodedata.normalize("NFKC", text))


class Pair(NamedTuple):
    """A name in Chinese transcription beside a Latin spelling of it, and the page that gives both."""

    han: str
    latin: str
    language: str
    address: str


class Transcriptions:
    """Latin keys for transcribed names: the spellings the table gives, and sound keys from learned correspondences."""

    def __init__(self, pairs: Iterable[Pair], spellings: bool = True) -> None:
        self.pairs = list(pairs)
        self.spellings: dict[str, set[str]] = defaultdict(set)
        if spellings:
            for pair in self.pairs:
                self.spellings[normal(pair.han)].add(normal(pair.latin))
        self.learned = _learn(self.pairs)

    def keys(self, parts: list[str]) -> set[str]:
        """The Latin spellings and the sound key of a name given as its parts."""
        keys = set(self.spellings.get(" ".join(parts), ()))
        if keys or (len(parts) > 1 and all(part and all(_is_han(c) for c in part) for part in parts)):
            keys.add(self.sound(parts))
        return keys

    def sound(self, parts: list[str]) -> str:
        """The sound key of a name in Han characters, part by part."""
        return "".join(SOUND + "".join(self.learned.get(c) or han_default(c) for c in part) for part in parts)


@cache
def transcriptions() -> Transcriptions:
    """The transcriptions of the shipped table."""
    return Transcriptions(read_pairs(TABLE))


def read_pairs(path: Path) -> list[Pair]:
    """The pairs of a transcription table (tab-separated, comment lines beginning with #)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [Pair(row["han"], row["latin"], row["language"], row["address"])
                for row in csv.DictReader(lines, delimiter="\t")]


def _learn(pairs: list[Pair]) -> dict[str, str]:
    """For each Han character, the consonant classes it most often stands for in the aligned pairs."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for pair in pairs:
        han, latin = normal(pair.han).split(), normal(pair.latin).split()
        if len(han) != len(latin):
            han, latin = ["".join(han)], ["".join(latin)]
        for characters, word in zip(han, latin, strict=True):
            for character, fragment in _align(characters, latin_skeleton(word)):
                seen[character][fragment] += 1
    learned = {}
    for character, counts in seen.items():
        default = han_default(character)
        # The pinyin reading wins ties: a character is read otherwise only where the pairs say so more often.
        learned[character] = max(counts, key=lambda fragment: (counts[fragment] + (fragment == default) / 2, fragment == default))
    return learned


def _align(characters: str, skeleton: str) -> list[tuple[str, str]]:
    """The split of a skeleton among the characters that departs least from their pinyin readings."""
    n, m = len(characters), len(skeleton)
    inf = float(n + m + 1)
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(1, n + 1):
        default = han_default(characters[i - 1])
        # A character read with no initial consonant (吾 wu, 伊 yi) is the likelier one to stand for one it lacks: Ghopur, 吾甫尔.
        other = 0.75 if default == "" else 1.0
        for j in range(m + 1):
            for k in range(max(0, j - 3), j + 1):  # a character stands for at most three consonant classes
                step = cost[i - 1][k] + (other if skeleton[k:j] != default else 0.0)
                if step < cost[i][j]:
                    cost[i][j], back[i][j] = step, k
    if cost[n][m] >= inf:
        return []
    pieces, j = [], m
    for i in range(n, 0, -1):
        k = back[i][j]
        pieces.append((characters[i - 1], skeleton[k:j]))
        j = k
    return pieces[::-1]


def _parts(label: str) -> list[str]:
    return normal(label).split()


def _pinyin_keys(parts: list[str]) -> set[str]:
    keys = set()
    # One part is a Chinese name: its surname keeps its usual reading (方 may be read wang, but not as a surname).
    for syllables in islice(product(*(_readings(part, surname=len(parts) == 1) for part in parts)), READINGS):
        words = [[s for s in part if s.strip()] for part in syllables]
        keys |= {" ".join(s for part in words for s in part), " ".join("".join(part) for part in words),
                 "".join("".join(part) for part in words)}
        if len(words) == 1 and len(words[0]) > 1:  # a Chinese name: surname, then given name ("zhang liumao")
            keys.add(words[0][0] + " " + "".join(words[0][1:]))
    return {normal(key) for key in keys}


def _readings(text: str, surname: bool = False) -> list[tuple[str, ...]]:
    """The pinyin readings of a text: pypinyin's choice first, then the other readings of characters that have several.

    Names often take a character's rarer reading: 晟 in 高智晟 (Gao Zhisheng) is read cheng in words, sheng in names.
    """
    # Imported when first needed: pypinyin's dictionaries take half a second to load, and most labels are not Chinese.
    from pypinyin import Style, lazy_pinyin, pinyin

    chosen = lazy_pinyin(text)
    every = pinyin(text, style=Style.NORMAL, heteronym=True)
    if len(every) != len(chosen):
        return [tuple(chosen)]
    options = [[first, *(other for other in others if other != first)] for first, others in zip(chosen, every, strict=True)]
    if surname and options:
        options[0] = options[0][:1]
    return list(islice(product(*options), READINGS))


def _camel_split(label: str) -> str | None:
    """A Latin name written run together (AkbarImin), split at its capitals; None when there is nothing to split."""
    if not label.isascii() or not label.isalpha():
        return None
    words = "".join(" " + c if c.isupper() and i and label[i - 1].islower() else c for i, c in enumerate(label))
    return words if " " in words else None


def _is_han(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf" or "\uf900" <= character <= "\ufaff"


def _is_arabic(character: str) -> bool:
    return "\u0600" <= character <= "\u06ff" or "\ufb50" <= character <= "\ufeff"
