"""A 会議概要 back to its front matter and body: date and place, attendees, items and decisions, advice, remarks."""
from __future__ import annotations

import re

from fugi.forms import numbering
from fugi.forms.definition import meeting_title
from fugi.importer.forms_map import Block, Imported, Mapper, NotAForm
from fugi.importer.values import norm, parse_when, split_top, text_value, tidy, trailing_note


#: A kind's heading's own label: (1), 1, ア, (ア), ① (fugi.forms.numbering's styles).
LABEL = r"(?:[（(](?:\d+|[ア-ン])[）)]|\d+|[ア-ン]|[①-⑳])"


class MeetingMapper(Mapper):
    def run(self, title_match) -> Imported:
        fm, forms = self.fm, self.forms
        meeting = forms.meeting
        self.kind, self.group_started, self.item_refs = "", False, {}  # the items' kind group being read (役割 kind)
        roles = {one.role: one for one in meeting.fields}
        items_field, remarks_field = roles.get("items"), roles.get("remarks")
        parts = {p.role: p for p in items_field.parts}
        rparts = {p.role: p for p in remarks_field.parts} if remarks_field else {}
        headings = meeting.texts.get("見出し", {})
        values = dict(zip(fm.meeting_title_names, title_match.groups()))
        blocks = [b for b in self.source.blocks]
        known = {norm(headings.get("日時", "")): "when", norm(headings.get("議事", "")): "summary"}
        for role in ("attendees", "basis_text"):
            if roles.get(role):
                known[norm(roles[role].label)] = role
        items_label, remarks_label = norm(f"【{items_field.label}】"), norm(f"【{remarks_field.label}】") if remarks_field else None
        section, items, advice_title, advice_intro, advice, remarks = None, [], "", "", [], []
        when = attendees = basis_text = None
        started = False
        for block in blocks:
            text = block.text.strip()
            n = norm(text)
            if not started:
                started = bool(fm.meeting_title.match(n))
                if not started:
                    self.note(block, text, "表題")
                continue
            bare = re.sub(r"^\d+", "", n)
            if n in known or bare in known:
                section = known.get(n) or known.get(bare)
                continue
            if n == items_label:
                section = "items"
                continue
            if remarks_label and n == remarks_label:
                section = "remarks"
                continue
            if re.match(r"^【[^】]+】$", n) and section in ("items", "basis_text", "advice"):
                section, advice_title = "advice", text.strip()[1:-1].strip()
                continue
            line = re.sub(r"^[-‐]\s+", "", text).strip()
            if section == "when" and when is None:
                when = parse_when(line)
                if when is None:
                    self.note(block, line, headings.get("日時", ""))
                continue
            if section == "attendees" and attendees is None:
                attendees = []
                for piece in split_top(tidy(line)):
                    name, role = trailing_note(piece)
                    attendees.append({"職名": name, "役割": role} if role else name)
                continue
            if section == "basis_text" and basis_text is None:
                basis_text = tidy(line)
                continue
            if section == "items":
                self.item_line(line, items, block, parts)
                continue
            if section == "advice":
                if not advice_intro and not advice and not line.startswith(("・", "-")):
                    advice_intro = tidy(line)
                else:
                    advice.append((text, block))
                continue
            if section == "remarks":
                self.remark_line(text, remarks, block)
                continue
            self.note(block, text)
        if not items:
            raise NotAForm(f"{meeting.name}の{items_field.label}が見つかりません")
        meta: dict = {}
        for one in meeting.fields:
            role = one.role
            if role == "council":
                council = values.get(one.key, "")
                if council and norm(council) != norm(forms.council["名称"]):
                    meta[one.key] = council
            elif role == "number":
                meta[one.key] = int(values.get(one.key) or 0) or 1
            elif role == "date" and when:
                meta[one.key] = when[0]
            elif role == "start" and when and when[1]:
                meta[one.key] = when[1]
            elif role == "end" and when and when[2]:
                meta[one.key] = when[2]
            elif role == "place" and when and when[3]:
                meta[one.key] = when[3]
            elif role == "public":
                meta[one.key] = True
            elif role == "attendees" and attendees:
                meta[one.key] = attendees
            elif role == "basis_text" and basis_text:
                meta[one.key] = forms.council["審議の根拠"] if norm(basis_text) == norm(forms.council["審議の根拠"]) else basis_text
            elif role == "items":
                conditions_key = parts["conditions"].key if "conditions" in parts else None
                for item in items:
                    if item.get("_c") and conditions_key:
                        if forms.condition_rule(item.get(parts["decision"].key, "")) == "refused":
                            for text in item["_c"]:  # this decision takes no conditions: the lines are kept as notes
                                self.note(f"({item.get('_n', '')})", text, f"{one.key}.{conditions_key}")
                        else:
                            item[conditions_key] = text_value(item["_c"])
                meta[one.key] = [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]
            elif role == "advice" and advice_title:
                meta[one.key] = {"表題": advice_title, **({"前文": advice_intro} if advice_intro else {})}
            elif role == "remarks" and remarks:
                items_key = items_field.key
                meta[one.key] = [{items_key: number, one.key: [{rparts["speaker"].key: s, rparts["text"].key: t[0] if len(t) == 1 else t}
                                                             for s, t in group]} for number, group in remarks]
        body = self.advice_markdown(advice)
        shown = {one.key: meta.get(one.key, "") for one in meeting.fields}
        if roles.get("council"):
            shown[roles["council"].key] = meta.get(roles["council"].key) or forms.council["名称"]
        try:
            title = meeting_title(meeting, shown)
        except (KeyError, ValueError, IndexError, AttributeError):
            title = f"{meeting.name} {meta.get(roles['number'].key)}"
        return Imported("meeting", meta, body, self.notes, title)

    def item_line(self, line: str, items: list, block: Block, parts: dict) -> None:
        """「(3) 件名 ⇒ 承認」, or the title, 「⇒ 承認」 and the conditions on lines of their own.  With item kinds
        (役割 kind): a kind's heading 「(2)報告事項」 starts its group, whose items are labelled in its own style (ア …)."""
        decisions = self.forms.words(parts["decision"].vocabulary)
        title_key, decision_key = parts["title"].key, parts["decision"].key
        conditions_key = parts["conditions"].key if "conditions" in parts else None
        arrow = re.search(r"⇒\s*(\S+)\s*$", line)
        head = line[:arrow.start()].strip() if arrow else line
        refs = self.item_refs
        if "kind" in parts and not arrow:
            kinds = "|".join(re.escape(k) for k in self.forms.kinds())
            group = re.match(rf"^{LABEL}?\s*({kinds})$", head) if kinds else None
            if group:
                self.kind, self.group_started = group.group(1), True
                return
        numbered = re.match(r"^[（(](\d+)[）)]\s*(.*)$", head)
        if "kind" in parts and self.kind:
            # the next item of this kind bears the next label of its style (ア needs a space: アンケート is a title)
            count = sum(1 for one in items if one.get(parts["kind"].key) == self.kind)
            expected = numbering.label(self.forms.kind_style(self.kind), count + 1)
            labelled = re.match(rf"^({re.escape(expected)})(?:\s+|(?<=[）)]))(.*)$", head) if expected else None
            if labelled:
                items.append({title_key: tidy(labelled.group(2)), "_n": len(items) + 1, parts["kind"].key: self.kind})
                refs[norm(f"{self.kind}{labelled.group(1)}")] = len(items)
                self.group_started = False
                head = ""
            numbered = None
        last = items[-1] if items else None
        decided = last is not None and decision_key in last and not self.group_started
        if numbered and decided and conditions_key and not arrow:
            # after the decision a numbered line is the next item, unless it goes on the conditions' numbering
            listed = last.get("_c", [])
            if last.get("_cn", 0) + 1 == int(numbered.group(1)) and (listed or int(numbered.group(1)) != len(items) + 1):
                last.setdefault("_c", []).append(tidy(numbered.group(2)))
                last["_cn"] = int(numbered.group(1))
                return
        if numbered:
            items.append({title_key: tidy(numbered.group(2)), "_n": int(numbered.group(1))})
        elif head and decided and conditions_key:
            last.setdefault("_c", []).append(tidy(head))
        elif head and self.group_started and "kind" in parts:  # a kind's one item, unnumbered
            items.append({title_key: tidy(head), "_n": len(items) + 1, parts["kind"].key: self.kind})
            refs[norm(self.kind)] = len(items)
            self.group_started = False
        elif head and items and not arrow:
            last[title_key] = tidy(last[title_key] + " " + head)
        elif head:
            self.note(block, head, title_key)
        if arrow and items:
            word = arrow.group(1)
            if word not in decisions:
                self.note(block, f"⇒ {word}", decision_key)
            items[-1][decision_key] = word

    def remark_line(self, text: str, remarks: list, block: Block) -> None:
        line = re.sub(r"^[-‐]\s+", "", text).strip()
        bullet = line.startswith("・")
        line = line.lstrip("・").strip()
        items_key = self.forms.meeting.role("items").label
        group = re.match(rf"^{re.escape(items_key)}\s*[（(](\d+)[）)]\s*について$", line)
        if group:
            remarks.append((int(group.group(1)), []))
            return
        by_kind = re.match(r"^(.+?)\s*について$", line)
        if by_kind and norm(by_kind.group(1)) in self.item_refs:  # 報告事項ア について
            remarks.append((self.item_refs[norm(by_kind.group(1))], []))
            return
        said = re.match(r"^([^:：]{1,30}?)\s*[:：]\s*(.*)$", line) if bullet or text.startswith("-") else None
        if said and remarks:
            remarks[-1][1].append((tidy(said.group(1)), [tidy(said.group(2))]))
            return
        if remarks and remarks[-1][1]:
            remarks[-1][1][-1][1].append(tidy(line))
            return
        self.note(block, text)

    def advice_markdown(self, advice: list) -> str:
        out = []
        for text, block in advice:
            line = text.strip()
            if self.source.flat and out and not out[-1].rstrip().endswith(("。", ")", "）")) and \
                    not line.startswith(("・", "-", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨")):
                out[-1] = out[-1].rstrip() + line
                continue
            hint = block.cells[0][0].style
            top = re.match(r"^(?:-\s+)?・\s*(.*)$", line)
            sub = re.match(r"^-\s+(.*)$", line)
            if hint.startswith("li"):
                level = int(hint[2:])
                item = line[1:].strip() if line.startswith("・") else line
                out.append("  " * (level - 1) + "- " + item)
            elif hint.startswith("more"):
                out.append("  " * int(hint[4:]) + line)
            elif top:
                out.append("- " + top.group(1))
            elif sub and out:
                out.append("  - " + sub.group(1))
            elif re.match(r"^[①-⑳]", line) and out and (out[-1].startswith("- ") or out[-1].startswith("  ")):
                out.append("  - " + line)
            elif out and out[-1].lstrip().startswith("- "):
                out.append("  " + line)
            else:
                out.append(line)
        text = ""
        for k, line in enumerate(out):  # nested list items follow each other; other blocks are a blank line apart
            text += ("\n" if line.startswith("  - ") and out[k - 1].startswith("  - ") else "\n\n") if k else ""
            text += line
        return text
