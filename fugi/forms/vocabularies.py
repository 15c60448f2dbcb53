"""The vocabularies of the forms (語彙:): the words a field may take, and what a word means to fugi (扱い, 但し書き)."""
from __future__ import annotations

from typing import Optional

from fugi.forms.numbering import STYLES
from fugi.source.reader import Reader

#: What a status word means to fugi (語彙 of the status field, 扱い:).
STATUS_MEANINGS = ("draft", "submitted", "decided")
#: What a decision word may mean to fugi (扱い: pending — not decided yet, a later meeting decides).
DECISION_MEANINGS = ("pending",)
#: Whether a decision word needs the conditions part (但し書き: required / refused / optional, the default).
CONDITION_RULES = ("required", "refused", "optional")
#: What a word of a vocabulary may say besides its name, and the values each may take.
VOCABULARY_KEYS = {"扱い": STATUS_MEANINGS + DECISION_MEANINGS, "但し書き": CONDITION_RULES, "番号": STYLES}


#: The words of conditions followed until reported (語彙: 報告の表示 …): key -> what it names.
FOLLOW_KEYS = ("報告の表示", "未了の表示", "完了の表示", "次回以降の表示")


def read_follow_words(reader: Optional[Reader]) -> dict:
    """{報告の表示, 未了の表示, 完了の表示, 次回以降の表示} as written (missing ones are absent)."""
    if reader is None:
        return {}
    return {key: reader.string(key) for key in FOLLOW_KEYS if reader.has(key)}


def read_vocabularies(reader: Optional[Reader]):
    """(vocabularies {name: ({名称, 扱い, 但し書き …}, …)}, the 未定の表示, the parts of a month (旬), the 未審議の表示)."""
    vocabularies, undecided, parts, not_heard = {}, "", (), ""
    if reader is None:
        return vocabularies, undecided, parts, not_heard
    undecided = reader.string("未定の表示", required=False, default="")
    not_heard = reader.string("未審議の表示", required=False, default="")
    parts = reader.names("旬", required=False) or ()
    for key in list(reader.map):
        if key in ("未定の表示", "未審議の表示", "旬", *FOLLOW_KEYS):
            continue
        entries = []
        for item, line in reader.items(key):
            if isinstance(item, (str, int)):
                entries.append({"名称": str(item)})
                continue
            if not isinstance(item, Reader):
                reader.ctx.error(line, reader.name(key), "語彙は `- {名称: …}` の並びで書いてください", "例: `- {名称: 〇〇}`")
                continue
            entry = {"名称": item.string("名称")}
            entry.update({k: item.choice(k, list(v), required=False) for k, v in VOCABULARY_KEYS.items() if item.has(k)})
            entry.update({f"{k}の行": item.line(k) for k in VOCABULARY_KEYS if item.has(k)})
            item.finish(["名称", *VOCABULARY_KEYS])
            if entry["名称"]:
                entries.append(entry)
        vocabularies[str(key)] = tuple(entries)
    return vocabularies, undecided, tuple(parts), not_heard


def check_vocabulary_keys(ctx, forms) -> None:
    """扱い and 但し書き mean something only in the vocabulary of the field they are about: 扱い draft/submitted/decided
    in the status vocabulary, 扱い pending and 但し書き in the decision vocabulary."""
    status = forms.agenda.role("status")
    decision = forms.meeting.part("items", "decision")
    kind = forms.meeting.part("items", "kind")
    allowed = {status.vocabulary if status else None: {"扱い": STATUS_MEANINGS},
               decision.vocabulary if decision else None: {"扱い": DECISION_MEANINGS, "但し書き": CONDITION_RULES},
               kind.vocabulary if kind else None: {"番号": STYLES}}
    if any(name not in forms.vocabularies for name in allowed if name):
        return  # a field names a vocabulary that does not exist: reported already, nothing to compare with
    for name, entries in forms.vocabularies.items():
        for index, entry in enumerate(entries):
            for key in VOCABULARY_KEYS:
                if entry.get(key) and entry[key] not in allowed.get(name, {}).get(key, ()):
                    owners = "・".join(f"「{v}」" for v, keys in allowed.items() if v and entry[key] in keys.get(key, ()))
                    ctx.error(entry[f"{key}の行"], f"語彙.{name}[{index + 1}].{key}",
                              f"語彙「{name}」の言葉には {key}: {entry[key]} を書けません",
                              f"{key}: {entry[key]} は語彙{owners}にだけ書けます" if owners else f"{key}: の行を消してください")
