"""Numbering styles a council prints its lists with: (1) (2) …, 1 2 …, ア イ ウ …, (ア) (イ) …, ① ② … or none.

A style is named in forms.yml by its first label (番号: ア); the engine knows how each continues."""
from __future__ import annotations

#: The order of the iroha-less kana numbering used in Japanese public documents (ア, イ, ウ … ン).
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
#: The styles, by the name a forms maintainer writes (the first label of the style); なし: no label at all.
STYLES = ("(1)", "1", "ア", "(ア)", "①", "なし")


def label(style: str, number: int) -> str:
    """The printed label of the number-th entry (1-based) in a style: label("ア", 2) -> イ."""
    if style == "なし" or not style:
        return ""
    if style == "(1)":
        return f"({number})"
    if style == "1":
        return str(number)
    if style in ("ア", "(ア)"):
        kana = KANA[(number - 1) % len(KANA)]
        return kana if style == "ア" else f"({kana})"
    if style == "①":
        return chr(0x2460 + number - 1) if number <= 20 else f"({number})"
    return f"({number})"
