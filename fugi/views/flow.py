"""資料N-1 個人情報の流れ as a graph: the 区 and its systems, each partner, arrows with the items and the medium or line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from fugi import model as m

ITEM_OPTION = "個人情報の項目"  # a field listing the items handed over (the same mark the review reads)
MEANS_OPTION = "流れの手段"  # a field naming the medium or the line of a flow (記録媒体, 結合の形態)
WARD = "ward"


@dataclass(frozen=True)
class FlowNode:
    """A box of the drawing: the 区, one of its systems, a partner (with its role) or a party a clerk declared."""

    id: str
    name: str
    kind: str  # ward / system / partner / declared
    role: str = ""  # the partner field's label (委託先 …)


@dataclass(frozen=True)
class FlowEdge:
    """An arrow: from, to, the items (with the label of the field they come from) and the medium or line."""

    source: str
    target: str
    items: tuple = ()  # printed lines
    means: tuple = ()
    items_label: str = ""
    means_label: str = ""
    category: str = ""


@dataclass(frozen=True)
class FlowGraph:
    """What 資料N-1 draws: the ward's label, nodes and edges, in the order of the sheets."""

    ward: str
    nodes: tuple
    edges: tuple

    def node(self, ident: str) -> FlowNode:
        return next(n for n in self.nodes if n.id == ident)

    @property
    def empty(self) -> bool:
        return not self.edges


def lines_of(row: Optional[m.SheetRow]) -> tuple:
    """A text row's paragraphs (empty when absent)."""
    if row is None or not isinstance(row.value, tuple):
        return ()
    return tuple(str(line) for line in row.value if str(line).strip())


def marked(sheet: m.Sheet, option: str) -> Optional[m.SheetRow]:
    """The first row of a sheet whose field carries `option` (個人情報の項目, 流れの手段)."""
    return next((row for row in sheet.rows if row.field is not None and row.field.options.get(option)), None)


def ward_label(agenda: m.Agenda, forms) -> str:
    """新宿区 地域福祉課: the 自治体 and the item's 課."""
    sections = list(dict.fromkeys(ka for dep in agenda.departments for ka in dep.ka))
    return " ".join([forms.council["自治体"], *sections]).strip()


class Builder:
    """Nodes by name, edges by (from, to): what the sheets say, then what the clerk declared."""

    def __init__(self, ward: str):
        self.ward = ward
        self.nodes = {WARD: FlowNode(WARD, ward, WARD)}
        self.names: dict = {}
        self.edges: dict = {}

    def partner(self, name: str, role: str) -> str:
        ident = self.names.get(name)
        if ident is None:
            ident = self.names[name] = f"n{len(self.nodes)}"
            self.nodes[ident] = FlowNode(ident, name, "partner", role)
        return ident

    def system(self, category: str) -> str:
        key = ("system", category)
        if key not in self.names:
            ident = self.names[key] = f"n{len(self.nodes)}"
            self.nodes[ident] = FlowNode(ident, category, "system")
        return self.names[key]

    def edge(self, source: str, target: str, **values) -> None:
        kept = self.edges.get((source, target))
        if kept is None:
            self.edges[(source, target)] = FlowEdge(source, target, **values)
            return
        merged = {k: v for k, v in values.items() if v}  # a later sheet or a declared flow corrects what it gives
        self.edges[(source, target)] = FlowEdge(**{**vars(kept), **merged})

    def graph(self) -> FlowGraph:
        return FlowGraph(self.ward, tuple(self.nodes.values()), tuple(self.edges.values()))


def flow_graph(agenda: m.Agenda, forms) -> FlowGraph:
    """The item's flow drawn from its sheets (the forms' 相手先 fields and 親: chains), then its declared flows."""
    build = Builder(ward_label(agenda, forms))
    sheets = {s.category: s for s in agenda.sheets}
    for sheet in agenda.sheets:
        category = forms.category(sheet.category)
        items, means = marked(sheet, ITEM_OPTION), marked(sheet, MEANS_OPTION)
        label = {"items": lines_of(items), "means": lines_of(means), "items_label": items.label if items else "",
                 "means_label": means.label if means else "", "category": sheet.category}
        partner_rows = [row for row in sheet.rows if row.kind == "partners"]
        if not partner_rows:  # the ward's own processing: a system of the ward (drawn when it records items)
            if label["items"]:
                build.edge(WARD, build.system(sheet.category), **label)
            continue
        sources = [WARD]
        parent = sheets.get(category.parent) if category is not None and category.parent else None
        given = [row for row in partner_rows if row.field is not None and row.field.same_as_parent]
        if given:
            sources = [build.partner(p.name, row.label) for row in given for p in row.value.items] or sources
        elif parent is not None:
            first = next((row for row in parent.rows if row.kind == "partners"), None)
            if first is not None:
                sources = [build.partner(p.name, first.label) for p in first.value.items] or sources
        for row in partner_rows:
            if row.field is not None and row.field.same_as_parent:
                continue
            for one in row.value.items:
                target = build.partner(one.name, row.label)
                for source in sources:
                    build.edge(source, target, **label)
    flow = agenda.data_flow
    for declared in (flow.flows if flow is not None else ()):
        source, target = resolve(build, declared.source, forms), resolve(build, declared.target, forms)
        build.edge(source, target, items=declared.items, means=declared.means, category="")
    return build.graph()


def resolve(build: Builder, name: str, forms) -> str:
    """The node a declared flow names: the 区 (its half's name, the 自治体, a 課 of the label), a partner by name or by
    its role when it has one partner of that role, or else a new node."""
    ward_words = {forms.council["自治体"], *(forms.halves[:1]), *build.ward.split()}
    if name in ward_words or name == build.ward:
        return WARD
    if name in build.names:
        return build.names[name]
    same_role = [n.id for n in build.nodes.values() if n.kind == "partner" and n.role == name]
    if len(same_role) == 1:
        return same_role[0]
    ident = build.names.get(("declared", name))
    if ident is None:
        ident = build.names[("declared", name)] = f"n{len(build.nodes)}"
        build.nodes[ident] = FlowNode(ident, name, "declared")
    return ident


def flow_rows(graph: FlowGraph) -> list:
    """The text alternative: one row per arrow, {from, to, lines} (the items and the medium under their labels)."""
    rows = []
    for edge in graph.edges:
        source, target = graph.node(edge.source), graph.node(edge.target)
        lines = []
        for label, values in ((edge.items_label, edge.items), (edge.means_label, edge.means)):
            if values:
                lines += ([f"【{label}】"] if label else []) + list(values)
        rows.append({"from": node_text(source), "to": node_text(target), "lines": lines})
    return rows


def node_text(node: FlowNode) -> str:
    """アルティウスリンク株式会社（委託先）: a node as the table names it."""
    return f"{node.name}（{node.role}）" if node.role and node.kind != WARD else node.name
