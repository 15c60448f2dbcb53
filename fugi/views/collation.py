"""五十音順: a collation key over a hiragana reading (the kana rules of JIS X 4061), and names without legal forms.

The key compares readings the way a Japanese dictionary or index does:

1. every kana by its base letter in 五十音 order: 濁点・半濁点 and small letters are ignored (が→か, ぱ→は,
   ゃ→や, っ→つ), the long-vowel mark ー counts as the vowel of the letter before it (こーど→こおど), and
   ゝ/ゞ repeat the letter before; spaces and ・ are not letters;
2. then, where the base letters are the same, 清音 before 濁音 before 半濁音 (は→ば→ぱ);
3. then a normal letter before a small one (きや→きゃ) and a vowel before ー (ああく→あーく).
"""
from __future__ import annotations

import re
import unicodedata

_GOJUON = ("あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの", "はひふへほ", "まみむめも",
           "や ゆ よ", "らりるれろ", "わゐ ゑを")
#: the vowel a letter ends with (ー after it repeats that vowel); ん is its own
VOWEL = {letter: "あいうえお"[i] for row in _GOJUON for i, letter in enumerate(row) if letter != " "}
VOWEL["ん"] = "ん"
SMALL = dict(zip("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ"))
LONG = "ー"
REPEAT, REPEAT_VOICED = "ゝ", "ゞ"
#: not letters of a reading: spaces (half and full width) and the middle dot of テプコ・ソリューション
SEPARATORS = " \u3000・･"
_VOICED, _SEMI_VOICED = "\u3099", "\u309a"

#: what a reading may be written with: hiragana, ー, ゝゞ and the separators
_READING = re.compile(r"^[\u3041-\u3096\u309d\u309e" + LONG + SEPARATORS + r"]+$")


def collation_key(reading: str) -> tuple:
    """(base letters, voicing per letter, size per letter): sorting by this key is 五十音順."""
    bases, voicing, sizes = [], [], []
    for char in reading:
        if char in SEPARATORS:
            continue
        if char == LONG:
            base, voice, size = VOWEL.get(bases[-1], LONG) if bases else LONG, 0, 2
        elif char in (REPEAT, REPEAT_VOICED):
            base, voice, size = (bases[-1] if bases else char), (1 if char == REPEAT_VOICED else 0), 0
        else:
            decomposed = unicodedata.normalize("NFD", char)
            base, marks = decomposed[0], decomposed[1:]
            voice = 1 if _VOICED in marks else 2 if _SEMI_VOICED in marks else 0
            size = 1 if base in SMALL else 0
            base = SMALL.get(base, base)
        bases.append(base)
        voicing.append(voice)
        sizes.append(size)
    return ("".join(bases), tuple(voicing), tuple(sizes))


def to_hiragana(text: str) -> str:
    """カタカナ -> ひらがな (ァ..ヶ); everything else as it is."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def reading_problem(reading: str) -> str:
    """Why a text cannot be a reading, or "" (hiragana, ー and separators only)."""
    if _READING.match(reading):
        return ""
    if _READING.match(to_hiragana(reading)):
        return "katakana"
    return "".join(dict.fromkeys(c for c in reading if not _READING.match(c)))


# ---------------------------------------------------------------------------
# Legal forms: 株式会社 Box Japan sorts under ぼ (its reading without かぶしきがいしゃ), not under か

#: the legal form of a body, with its reading; a name's legal form is not part of where it sorts
LEGAL_FORMS = {
    "株式会社": "かぶしきがいしゃ", "有限会社": "ゆうげんがいしゃ", "合同会社": "ごうどうがいしゃ",
    "合資会社": "ごうしがいしゃ", "合名会社": "ごうめいがいしゃ",
    "一般社団法人": "いっぱんしゃだんほうじん", "公益社団法人": "こうえきしゃだんほうじん",
    "一般財団法人": "いっぱんざいだんほうじん", "公益財団法人": "こうえきざいだんほうじん",
    "特定非営利活動法人": "とくていひえいりかつどうほうじん", "社会福祉法人": "しゃかいふくしほうじん",
    "医療法人社団": "いりょうほうじんしゃだん", "医療法人財団": "いりょうほうじんざいだん", "医療法人": "いりょうほうじん",
    "学校法人": "がっこうほうじん", "地方独立行政法人": "ちほうどくりつぎょうせいほうじん",
    "独立行政法人": "どくりつぎょうせいほうじん", "国立研究開発法人": "こくりつけんきゅうかいはつほうじん",
    "国立大学法人": "こくりつだいがくほうじん", "弁護士法人": "べんごしほうじん", "税理士法人": "ぜいりしほうじん",
    "司法書士法人": "しほうしょしほうじん", "監査法人": "かんさほうじん",
}
_ABBREVIATED = ("(株)", "(有)", "(同)", "(一社)", "(公社)", "(一財)", "(公財)", "(特非)", "(福)", "(医)", "(学)")
_BY_LENGTH = sorted(LEGAL_FORMS, key=len, reverse=True)
_FORM_WORDS = "|".join(re.escape(w) for w in (*_BY_LENGTH, *_ABBREVIATED))
_NAME_FORM = re.compile(rf"^(?:{_FORM_WORDS})\s*|\s*(?:{_FORM_WORDS})$")
_READING_FORM = re.compile(
    rf"^(?:{'|'.join(sorted(LEGAL_FORMS.values(), key=len, reverse=True))})[{SEPARATORS}]*"
    rf"|[{SEPARATORS}]*(?:{'|'.join(sorted(LEGAL_FORMS.values(), key=len, reverse=True))})$")


def bare_name(name: str) -> str:
    """富士通 Japan 株式会社 -> 富士通 Japan; ㈱ABC -> ABC (NFKC: full-width letters, ㈱ -> (株)); never empty."""
    text = unicodedata.normalize("NFKC", name).strip()
    bare = _NAME_FORM.sub("", text).strip()
    return bare or text


def bare_reading(reading: str) -> str:
    """かぶしきがいしゃ ぼっくすじゃぱん -> ぼっくすじゃぱん (the reading of the legal form is not sorted on)."""
    bare = _READING_FORM.sub("", reading.strip()).strip(SEPARATORS)
    return bare or reading


def name_key(name: str) -> str:
    """How a name is looked up in the readings: without its legal form, spaces and letter case (NFKC)."""
    return re.sub(r"\s+", "", bare_name(name)).casefold()
