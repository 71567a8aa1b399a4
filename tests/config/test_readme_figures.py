"""The README's copies of issue 19's five figures match the results files they were measured into.

`bench/_summary.py` reads the five from bench/results/*.json into SUMMARY.md; the README quotes them in one
table ("Issue 19's five figures"), one row per figure, its first cell ending in its name: "(`call_30k_warm`)".
Re-measuring a figure (e.g. `python bench/webhook_busy.py`, then `python bench/_summary.py`) without updating
that row fails here, naming the row and the value to write. Parsed cell by cell — no free-text matching — and
compared in the summary's own formatting, so the test holds no measured number of its own.
"""

from __future__ import annotations

import importlib.util
import re

from config.env import BASE_DIR

README = BASE_DIR / "README.md"
HEADING = "### Issue 19's five figures"


def _summary_module():
    spec = importlib.util.spec_from_file_location("bench_summary", BASE_DIR / "bench" / "_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _readme_rows() -> dict[str, list[str]]:
    """The five-figure table: {key: cells}, the key being the `name` in parentheses ending the first cell."""
    text = README.read_text()
    assert HEADING in text, f"README.md lost its {HEADING!r} section"
    rows: dict[str, list[str]] = {}
    for line in text.split(HEADING, 1)[1].splitlines()[1:]:
        if line.startswith("#"):
            break
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        keys = re.findall(r"`([a-z0-9_]+)`\)$", cells[0])
        if keys:
            rows[keys[0]] = cells
    return rows


def test_readme_five_figures_match_the_results_files():
    summary = _summary_module()
    rows = _readme_rows()
    wrong = []
    for key, label, name, path, _definition, goal, unit in summary.FIGURES:
        assert key in rows, f"README's five-figure table has no row for `{key}` ({label})"
        measured = summary._fmt(summary._get(summary._load(name), path), unit)
        cells = rows[key]
        if cells[1] != measured:
            wrong.append(f"`{key}`: README says {cells[1]!r}, bench/results/{name} holds {measured!r}")
        value = summary._get(summary._load(name), path)
        met = "yes" if value is not None and value <= goal else "no"
        if cells[3] != met:
            wrong.append(f"`{key}`: README's met column says {cells[3]!r}, the results file says {met!r}")
        goal_text = f"≤ {summary._fmt(goal, unit)}"
        if cells[2] != goal_text:
            wrong.append(f"`{key}`: README's goal {cells[2]!r}, bench/_summary.py's {goal_text!r}")
    assert not wrong, "README.md drifted from the results files:\n" + "\n".join(wrong)


def test_readme_has_exactly_the_five_rows():
    keys = {figure[0] for figure in _summary_module().FIGURES}
    assert set(_readme_rows()) == keys


def test_drift_is_caught(tmp_path, monkeypatch):
    """The check can fail: a README row one digit off is reported with the file's value."""
    summary = _summary_module()
    key, _label, name, path, _d, _goal, unit = summary.FIGURES[0]
    real = summary._fmt(summary._get(summary._load(name), path), unit)
    text = README.read_text()
    row = next(line for line in text.splitlines() if line.startswith("|") and f"`{key}`" in line)
    fake = tmp_path / "README.md"
    fake.write_text(text.replace(row, row.replace(f"| {real} |", "| 9.999× |", 1)))
    monkeypatch.setitem(globals(), "README", fake)
    try:
        test_readme_five_figures_match_the_results_files()
    except AssertionError as error:
        assert f"`{key}`" in str(error) and real in str(error)
    else:
        raise AssertionError("a drifted README row passed")


# The chunk-budget table (### Chunk budget: whole vs chunked) against bench/results/chunk_agreement.json: each
# cell's numbers, in order, are these fields of the budget's entry in `configs`.
CHUNK_HEADING = "### Chunk budget: whole vs chunked"
CHUNK_COLUMNS = (
    (("cost", "requests"),),
    (("cost", "ratio"),),
    (("dimension_scores", "exact"), ("dimension_scores", "within_1"), ("dimension_scores", "kappa")),
    (("criteria", "exact"), ("criteria", "within_1")),
    (("criteria", "met_flipped"),),
    (("criteria", "lost"), ("criteria", "invented")),
)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _chunk_rows() -> dict[str, list[str]]:
    text = README.read_text()
    assert CHUNK_HEADING in text, f"README.md lost its {CHUNK_HEADING!r} section"
    rows = {}
    for line in text.split(CHUNK_HEADING, 1)[1].splitlines()[1:]:
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        budget = re.fullmatch(r"\**(whole|\d+K)\b.*", cells[0]) if cells else None
        if budget:
            rows[budget.group(1).lower()] = cells[1:]
    return rows


def test_readme_chunk_table_matches_chunk_agreement_json():
    configs = _summary_module()._load("chunk_agreement.json")["configs"]
    rows = _chunk_rows()
    assert set(rows) == set(configs), f"README's chunk table has {sorted(rows)}, the file {sorted(configs)}"
    wrong = []
    for budget, cells in rows.items():
        for cell, fields in zip(cells, CHUNK_COLUMNS, strict=False):
            readme = [float(n) for n in NUMBER.findall(cell)]
            measured = [float(configs[budget][a][b]) for a, b in fields]
            same = len(readme) == len(measured) and all(
                abs(r - m) <= 0.0005 for r, m in zip(readme, measured, strict=True)
            )
            if not same:
                wrong.append(f"{budget}: README {cell!r}, chunk_agreement.json {measured}")
    assert not wrong, "README.md's chunk table drifted:\n" + "\n".join(wrong)
