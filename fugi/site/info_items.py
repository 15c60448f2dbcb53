"""The archive-wide information-items page: which decided public items handle which data, filterable in the page."""
from __future__ import annotations

from fugi import model as m
from fugi.review.findings import public_review

PAGE = "browse/info-items.md"


def info_items_context(public: m.Archive, agendas: list, rows: dict, reviews: dict | None = None) -> dict:
    """The page's context from the public view: one row per decided item whose information items were matched.

    `agendas` are the published items in the order the lists use; `rows` their list rows (context.agenda_row);
    `reviews` their public_review by id, when the caller has them already."""
    vocabulary = public.vocabulary
    classes = sorted(vocabulary.classes, key=lambda c: c.rank) if vocabulary else []
    sensitive = [c for c in classes if c.sensitive]
    table, counts = [], {}
    for agenda in agendas:
        review = reviews[agenda.id] if reviews is not None else public_review(agenda, public)
        found = review["sensitivity"] if review else None
        if found is None or not found.items:
            continue
        marked = dict((c.name, labels) for c, labels in review["sensitive"])
        others = []  # (label, class) of the matches of the classes the site does not mark
        for item in found.items:
            for match in item.matches:
                data_class = match.entry.data_class
                if not data_class.sensitive and (match.entry.label, data_class) not in others:
                    others.append((match.entry.label, data_class))
        others.sort(key=lambda lc: (lc[1].rank, label_order(lc[1], lc[0], vocabulary)))
        tokens = list(marked) + [label for labels in marked.values() for label in labels]
        tokens += list(dict.fromkeys(c.name for _, c in others)) + [label for label, _ in others]
        tokens = list(dict.fromkeys(tokens))
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
        table.append({**rows[agenda.id], "partners": list(dict.fromkeys(name for _, name in agenda.partners)),
                      "marked": [marked.get(c.name, {}) for c in sensitive],
                      "others": [{"label": label, "class": c.name, "ordinary": c.treatment == "ordinary"}
                                 for label, c in others],
                      "data": "|" + "|".join(tokens) + "|"})
    options = []
    for data_class in classes:
        labels = sorted({token for row in table for token in row_labels(row, data_class, sensitive)},
                        key=lambda label: label_order(data_class, label, vocabulary))
        if data_class.name in counts:
            options.append({"class": data_class, "count": counts[data_class.name],
                            "labels": [(label, counts[label]) for label in labels]})
    return {"vocabulary": vocabulary, "classes": classes, "sensitive": sensitive, "rows": table, "options": options}


def row_labels(row: dict, data_class, sensitive: list) -> list:
    if data_class.sensitive:
        return list(row["marked"][sensitive.index(data_class)])
    return [o["label"] for o in row["others"] if o["class"] == data_class.name]


def label_order(data_class, label: str, vocabulary) -> tuple:
    """The law's categories in the law's order, then the vocabulary's items in the order of the file."""
    kinds = list(data_class.kinds)
    if label in kinds:
        return (kinds.index(label), 0)
    return (len(kinds), next((i for i, e in enumerate(vocabulary.entries) if e.label == label), len(vocabulary.entries)))
