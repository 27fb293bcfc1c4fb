"""Only the actions layer writes the operational store (issue 14, item 1).

An AST sweep of src/: a call that writes through the Django ORM (``.save()``, ``.delete()``,
``.create()``, ``.update()``, ``bulk_create`` ...) outside the modules of the actions layer
fails this test. The actions layer is the modules below; each records its audit event in the
transaction of its change.
"""

from __future__ import annotations

import ast
from pathlib import Path

import oneworkforce

SRC = Path(oneworkforce.__file__).parent

#: the actions layer: the only modules that may write the operational store
ACTIONS_LAYER = frozenset(
    {
        "audit/trail.py",
        "data/ledger/service.py",
        "registers/actions.py",
        "registers/people.py",  # people and attendance, audited; called by registers/actions
        "web/accounts/service.py",
        "web/dashboard/coverage.py",
        "reports/freeze.py",
        "planning/actions.py",
        "jobs/actions.py",
    }
)

#: names only the ORM uses: always a write, whatever the receiver
ORM_ONLY = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
#: names the ORM shares with dicts, sets, progress bars and documents
SHARED = {"save", "delete", "create", "update"}
#: queryset methods: a write chained on one of these is a write to the database
QUERYSET = {"objects", "filter", "exclude", "all", "select_for_update", "select_related"}


def _chain(node: ast.AST) -> list[str]:
    """The attribute and call names a receiver is made of, outermost last."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def is_orm_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in ORM_ONLY:
        return True
    if func.attr not in SHARED:
        return False
    receiver = _chain(func.value)
    if any(name in QUERYSET for name in receiver):  # Model.objects..., qs.filter(...)...
        return True
    if func.attr in ("save", "delete"):
        # a model instance's save/delete take no positional argument (a document's save
        # takes a path)
        return not call.args
    # ``user.memberships.create(...)``: a related manager (an attribute of an attribute)
    return func.attr == "create" and isinstance(func.value, ast.Attribute)


def writes_outside_actions(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in f"/{rel}" or rel in ACTIONS_LAYER:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and is_orm_write(node):
                found.append(f"{rel}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_model_writes_outside_the_actions_layer():
    assert writes_outside_actions() == []


def test_every_actions_module_exists():
    """A renamed actions module would silently leave the sweep; each must exist."""
    missing = [m for m in ACTIONS_LAYER if not (SRC / m).is_file()]
    assert missing == []


def test_the_sweep_finds_each_kind_of_write(tmp_path):
    """The detector, on code that writes in each way it must catch, and on look-alikes it must
    leave alone (a dict's update, a progress bar's update, a document saved to a path)."""
    (tmp_path / "bad.py").write_text(
        "def f(user, token, obj, Risk):\n"
        "    Risk.objects.create(title='x')\n"  # line 2
        "    Risk.objects.filter(id=1).update(title='y')\n"  # 3
        "    obj.save()\n"  # 4
        "    obj.delete()\n"  # 5
        "    user.memberships.create(role='viewer')\n"  # 6
        "    user.memberships.get_or_create(role='viewer')\n"  # 7
        "    Risk.objects.bulk_create([])\n"  # 8
    )
    (tmp_path / "fine.py").write_text(
        "def g(row, bar, doc, path, actions, Risk):\n"
        "    row.update(a=1)\n"
        "    bar.update(1, completed=2)\n"
        "    doc.save(str(path))\n"
        "    actions.create('me', Risk, title='x')\n"
        "    {}.update({})\n"
    )
    found = writes_outside_actions(tmp_path)
    assert [line.split(":")[1] for line in found] == ["2", "3", "4", "5", "6", "7", "8"]
    assert all(line.startswith("bad.py:") for line in found)
