"""Bad input gets a clear error: file, line, key, what was expected; exit 2 and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from models import bundled_bodies
from models.base import did_you_mean
from roster.loading import Overrides, ScenarioError, load_scenario

BASE = """\
name: Base
start: 2026-09-07
weeks: 6
rules:
  max_inspections_per_week: 4
  commute_minutes: 60
inspections:
  - id: peel-kent
    body: kent-police
    week: 2026-09-14
    secondees: 2
  - id: peel-essex
    body: essex-police
    window: [2026-09-21, 2026-10-05]
    secondees: {min: 2, max: 4}
secondees:
  - id: phil-h
    service: lancashire-police
    background: police
    rank: sergeant
    home: {lat: 53.76, lon: -2.70}
    available: [2026-09-07, 2026-10-16]
    trained: 2026-09-08
    away: [2026-10-05]
    carer: {no_night_before: true}
  - id: kulbir-p
    service: kent-fire
    background: fire
    rank: watch-manager
    home: Maidstone
travel:
  - {secondee: phil-h, body: kent-police, minutes: 290}
"""

# (case id, text replaced, replacement, line, key, words in the message)
CASES = [
    ("start-not-monday", "start: 2026-09-07", "start: 2026-09-08", 2, "start", "Tuesday"),
    ("unknown-top-key", "weeks: 6", "weeks: 6\nwekes: 6", 4, "wekes", "did you mean `weeks`"),
    (
        "unknown-rule-key",
        "  commute_minutes: 60",
        "  commute_minute: 60",
        6,
        "rules.commute_minute",
        "did you mean `commute_minutes`",
    ),
    (
        "negative-minutes",
        "  commute_minutes: 60",
        "  commute_minutes: -5",
        6,
        "rules.commute_minutes",
        "expected 0 or more",
    ),
    (
        "negative-cap",
        "max_inspections_per_week: 4",
        "max_inspections_per_week: -1",
        5,
        "rules.max_inspections_per_week",
        "expected 0 or more",
    ),
    ("weeks-not-a-number", "weeks: 6", "weeks: six", 3, "weeks", "expected a whole number; found `six`"),
    (
        "week-not-monday",
        "    week: 2026-09-14",
        "    week: 2026-09-16",
        10,
        "inspections[0].week",
        "Wednesday",
    ),
    (
        "week-outside-horizon",
        "    week: 2026-09-14",
        "    week: 2027-01-04",
        10,
        "inspections[0].week",
        "outside the horizon",
    ),
    (
        "window-empty",
        "window: [2026-09-21, 2026-10-05]",
        "window: [2026-10-05, 2026-09-21]",
        12,
        "inspections[1]",
        "window` is empty",
    ),
    (
        "window-not-monday",
        "window: [2026-09-21, 2026-10-05]",
        "window: [2026-09-21, 2026-10-06]",
        14,
        "inspections[1].window[1]",
        "Tuesday",
    ),
    (
        "unknown-body",
        "    body: kent-police",
        "    body: kent-polise",
        9,
        "inspections[0].body",
        "did you mean `kent-police`",
    ),
    (
        "min-above-max",
        "secondees: {min: 2, max: 4}",
        "secondees: {min: 5, max: 4}",
        15,
        "inspections[1].secondees",
        "`min: 5` is above `max: 4`",
    ),
    (
        "negative-team",
        "    secondees: 2\n",
        "    secondees: -2\n",
        11,
        "inspections[0].secondees",
        "expected 0 or more",
    ),
    (
        "duplicate-inspection",
        "  - id: peel-essex",
        "  - id: peel-kent",
        12,
        "inspections[1].id",
        "duplicate id `peel-kent`",
    ),
    (
        "duplicate-secondee",
        "  - id: kulbir-p",
        "  - id: phil-h",
        26,
        "secondees[1].id",
        "duplicate id `phil-h`",
    ),
    (
        "unknown-service",
        "    service: lancashire-police",
        "    service: lancs-police",
        18,
        "secondees[0].service",
        "unknown force or service",
    ),
    (
        "ineligible-rank",
        "    rank: sergeant",
        "    rank: constable",
        20,
        "secondees[0].rank",
        "sergeant and above",
    ),
    (
        "rank-of-other-background",
        "    rank: watch-manager",
        "    rank: inspector",
        26,
        "secondees[1]",
        "not a fire rank",
    ),
    (
        "unknown-rank",
        "    rank: sergeant",
        "    rank: sargeant",
        20,
        "secondees[0].rank",
        "did you mean `sergeant`",
    ),
    (
        "trained-after-end",
        "    trained: 2026-09-08",
        "    trained: 2026-11-02",
        17,
        "secondees[0]",
        "after the secondment ends",
    ),
    (
        "away-not-monday",
        "    away: [2026-10-05]",
        "    away: [2026-10-07]",
        24,
        "secondees[0].away[0]",
        "Wednesday",
    ),
    (
        "away-outside-horizon",
        "    away: [2026-10-05]",
        "    away: [2026-12-07]",
        24,
        "secondees[0].away[0]",
        "outside the horizon",
    ),
    (
        "carer-contradiction",
        "    carer: {no_night_before: true}",
        "    carer: {home_every_night: true, max_nights_away: 4}",
        25,
        "secondees[0].carer",
        "contradicts",
    ),
    (
        "carer-unknown-option",
        "    carer: {no_night_before: true}",
        "    carer: {no_night_befor: true}",
        25,
        "secondees[0].carer.no_night_befor",
        "did you mean `no_night_before`",
    ),
    (
        "travel-unknown-secondee",
        "{secondee: phil-h, body: kent-police",
        "{secondee: phil-x, body: kent-police",
        32,
        "travel[0].secondee",
        "unknown secondee `phil-x`",
    ),
    (
        "travel-unknown-body",
        "{secondee: phil-h, body: kent-police",
        "{secondee: phil-h, body: kent-polis",
        32,
        "travel[0].body",
        "unknown body",
    ),
    (
        "travel-negative-minutes",
        "minutes: 290}",
        "minutes: -290}",
        32,
        "travel[0].minutes",
        "expected 0 or more",
    ),
    ("unknown-town", "    home: Maidstone", "    home: Maidstoen", 30, "secondees[1].home", "not a UK town"),
    ("empty-home", "    home: Maidstone", '    home: ""', 30, "secondees[1].home", "is empty"),
    ("ambiguous-town", "    home: Maidstone", "    home: Newport", 30, "secondees[1].home", "ambiguous"),
    (
        "background-vs-service",
        "    service: kent-fire",
        "    service: kent-police",
        28,
        "secondees[1].background",
        "police body",
    ),
    ("missing-name", "name: Base\n", "", None, "name", "required"),
    ("bad-date", "start: 2026-09-07", "start: 7th September", 2, "start", "expected a date"),
    (
        "inspection-days-gap",
        "  commute_minutes: 60",
        "  commute_minutes: 60\n  inspection_days: [mon, wed]",
        7,
        "rules.inspection_days",
        "consecutive",
    ),
    (
        "bad-weekday",
        "  commute_minutes: 60",
        "  commute_minutes: 60\n  inspection_days: [mon, tues]",
        7,
        "rules.inspection_days[1]",
        "'mon'",
    ),
    (
        "too-many-experienced",
        "    secondees: 2\n",
        "    secondees: 2\n    needs: {experienced: 3}\n",
        12,
        "inspections[0].needs.experienced",
        "at most 2",
    ),
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_base_is_valid(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(write(tmp_path, BASE))])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("case", "old", "new", "line", "key", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(
    tmp_path: Path, case: str, old: str, new: str, line: int | None, key: str, words: str
) -> None:
    assert old in BASE, case
    path = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = [p for p in info.value.problems if p.key == key]
    assert problems, f"no problem at `{key}`: {info.value}"
    problem = problems[0]
    assert words in problem.message, str(problem)
    if line is not None:
        assert problem.line == line, str(problem)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}:{line}" in result.output if line else str(path) in result.output


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: x\nstart: [\n", "not valid YAML"),
        ("name: x\nname: y\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "found an empty file"),
        ("name: x\n\nweeks: 3\x00\n", ":3: holds a control character (U+0000) that YAML does not allow"),
        ("name:\nstart: 2026-09-07\n", ":1: `name` expected text; found no value"),
    ],
    ids=["unclosed-bracket", "duplicate-key", "not-a-mapping", "empty-file", "nul-byte", "empty-name"],
)
def test_broken_yaml(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert words in result.output and "\\n" not in result.output
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_sample_scenarios_validate() -> None:
    from tests.conftest import SCENARIOS

    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 3
    for path in files:
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 0, (path, result.output)


def test_scenario_file_is_never_modified(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    before = path.read_bytes()
    CliRunner().invoke(
        app, ["solve", str(path), "--out", str(tmp_path / "out"), "--deterministic", "--quiet"]
    )
    assert path.read_bytes() == before


def test_quick_load_equals_the_located_load() -> None:
    """A plain file parsed by the C loader gives the same scenario, the same file:line for every
    key (worked out on first use) and the same source files as the round-trip load."""
    from roster.loading.reader import KeyLines, _located, read_text
    from tests.conftest import SCENARIOS

    for path in sorted(SCENARIOS.glob("*.yaml")):
        quick = load_scenario(path)
        located, removed = _located(path, read_text(path), None)
        assert removed == {}
        assert isinstance(quick._source, KeyLines), path  # the quick path was taken
        assert quick.sha256() == located.sha256()
        assert quick.source_files == located.source_files == [str(path)]
        assert dict(quick._source) == dict(located._source)
        for n in range(len(located.inspections)):
            assert quick.where(f"inspections[{n}].week") == located.where(f"inspections[{n}].week")


def test_quick_load_with_a_baseline_on_the_command_line_equals_the_located_load() -> None:
    """`--baseline` and `--frozen-before` (what `roster replace` passes) keep the quick path, with
    the same scenario, published roster and key lines as the round-trip load of the variant."""
    from roster.loading.reader import KeyLines, _located, read_text
    from tests.conftest import SCENARIOS

    path = SCENARIOS / "cohort.yaml"
    given = Overrides(baseline=str(SCENARIOS / "published" / "cohort-roster.csv"), frozen_before="2026-10-05")
    quick = load_scenario(path, given)
    located, _ = _located(path, read_text(path), given)
    assert isinstance(quick._source, KeyLines)
    assert quick.sha256() == located.sha256() and quick.baseline == located.baseline
    assert dict(quick._source) == dict(located._source)
    assert quick.where("baseline.frozen_before") == "<command line>"
    assert quick.published is not None and len(quick.published.rows) > 0
    bad = Overrides(baseline=str(SCENARIOS / "published" / "cohort-roster.csv"), frozen_before="someday")
    with pytest.raises(ScenarioError, match="command line"):
        load_scenario(path, bad)


def test_quick_load_falls_back_for_every_problem(tmp_path: Path) -> None:
    """A duplicate key deep in a plain file is reported at its line, as before."""
    path = write(tmp_path, BASE.replace("name:", "name: twice\nname:", 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "not valid YAML" in str(info.value)
    assert info.value.problems[0].line is not None


SMALL = (Path(__file__).resolve().parent.parent / "scenarios" / "small.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- " * 30000 + "x\n", "nested more than"),  # the C loader's stack would overflow
        ("? " * 30000 + "x\n", "nested more than"),
        (SMALL.replace("\nweeks: 4\n", "\nweeks:\t4\n", 1), "'\\t'"),  # a tab as a separator
        (SMALL.replace("\nweeks: 4\n", "\x85weeks: 4\n", 1), "not valid YAML"),  # NEL as a line break
        (SMALL.replace("\nweeks: 4\n", "\n\ufeff\nweeks: 4\n", 1), "not valid YAML"),  # a BOM mid-file
        (SMALL.replace("\nweeks: 4\n", "\nweeks: !!str 4\n", 1), "`weeks`"),  # a tag the C loader honours
        (SMALL.replace("\nweeks: 4\n", "\nweeks: !!int four\n", 1), "cannot be read as the tag !!int"),
        (SMALL.replace("\nweeks: 4\n", "\nweeks: !!bool maybe\n", 1), "cannot be read as the tag !!bool"),
    ],
)
def test_what_the_two_parsers_read_differently_is_bad_input_at_its_line(
    text: str, words: str, tmp_path: Path
) -> None:
    """The fast C loader is used only where the limited round-trip parse would read the file the
    same way; every other file is refused by the latter, at its line, for every command."""
    assert "\nweeks: 4\n" in SMALL
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert words in str(info.value) and info.value.problems[0].line is not None
    for command in (["validate", str(path)], ["solve", str(path), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------ the C parser reads as the round-trip one

DEEP_BLOCK = "".join("  " * i + f"k{i}:\n" for i in range(1, 30)) + "  " * 30 + "v: "
"""Mappings nested 30 deep, 60 spaces in: with 40 brackets after it, past `MAX_DEPTH`."""

EDITS = ["  - id: extra\n", "weeks: 9\n", "rules: {weeks_on: 3}\n", "- [a, b]\n", "x: 'a: b'\n", "# note\n"]


def _both(text: str) -> tuple[object, object]:
    """What the tree loader (C parser when it can) and the round-trip parser make of `text`: a
    tree's plain data and key lines, or the exception's message."""
    from ruamel.yaml.error import YAMLError

    from roster.loading.reader import key_lines, plain
    from roster.loading.safe_yaml import load, parser
    from roster.loading.variants import Origins

    out: list[object] = []
    for read in (load, lambda t: parser().load(t)):
        try:
            tree = read(text)
        except YAMLError as exc:
            out.append(str(exc))
        else:
            out.append((plain(tree), key_lines(tree, Origins("f.yaml"))))
    return out[0], out[1]


def test_every_bundled_scenario_reads_the_same_through_the_c_parser() -> None:
    """The tree of every bundled scenario and sample, and of a generated year, has the same data
    and the same line for every key whichever parser reads it."""
    import sys

    from roster.loading.safe_yaml import _c_parser, is_plain
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import dump, generate  # type: ignore[import-not-found]

    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("scenarios/**/*.yaml"))]
    texts.append(dump(generate("year", 1)))
    assert sum(is_plain(t) for t in texts) >= len(texts) - 2  # the C parser reads nearly all
    assert _c_parser().load('["a":1]\n') == [{"a": 1}]  # libyaml's reading: the C parser is in use
    for text in filter(is_plain, texts):
        _c_parser().load(text)  # the C path itself, not a silent fall-back to the pure parser
    for text in texts:
        fast, slow = _both(text)
        assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "a: [1, 2\n",  # unclosed
        "a: b: c\n",
        "d: 2026-02-30\nn: 0o17\nf: 1e3\nb: yes\nz: ~\nt: 2026-09-14 10:00:00\n",
        "s: 'it''s'\nq: \"\\u00e9\"\nfold: >\n  two\n  lines\n",
        "- 1\n- {a: 2}\n",
        "",
        # the C parser reads every document as YAML 1.2, the round-trip parser honours %YAML 1.1
        "%YAML 1.1\n---\nb: yes\nn: 017\ns: 1:20\no: 0o17\nf: 1e3\n",
        "\ufeff%YAML 1.1\n---\na: on\n",
        "%YAML 1.1\n--- 017\n",
        "%YAML 1.2\n---\na: yes\n",
        # libyaml reads a value right after a quoted key in a flow list, the round-trip parser refuses it
        '["a":1]\n',
        'a: [x, "b":c]\n',
        "a: [[b]:1]\n",
        # nested past MAX_DEPTH below the 65 spaces and 16 dashes that `is_plain` looks for
        "x:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 64)) + " " * 64 + "v: 1\n",
        "x:\n" + DEEP_BLOCK + "[" * 40 + "]" * 40 + "\n",
    ],
)
def test_what_the_c_parser_makes_of_a_text_is_what_the_round_trip_parser_makes(text: str) -> None:
    fast, slow = _both(text)
    assert fast == slow


@settings(derandomize=True, database=None, deadline=None, max_examples=60)
@given(data=st.data())
def test_an_edited_cohort_reads_the_same_through_the_c_parser(data: st.DataObject) -> None:
    """Lines inserted, the text cut short, or a character replaced: both parsers agree."""
    from tests.conftest import SCENARIOS

    text = (SCENARIOS / "cohort.yaml").read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        edit = data.draw(st.sampled_from(["insert", "cut", "character"]))
        if edit == "insert":
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + data.draw(st.sampled_from(EDITS)) + text[start:]
        elif edit == "cut":
            text = text[:at]
        else:
            text = text[:at] + data.draw(st.sampled_from(list("{}[]:-#'\"? ,\n"))) + text[at + 1 :]
    fast, slow = _both(text)
    assert fast == slow


def test_a_variant_nested_too_deep_is_refused_at_its_line(tmp_path: Path) -> None:
    """The tree built on the C parser has no depth limit of its own: past it, the round-trip
    parser reads the file and refuses it where the limit is passed, as for a plain file."""
    from tests.conftest import SCENARIOS

    deep = DEEP_BLOCK + "[" * 40 + "]" * 40 + "\n"
    variant = tmp_path / "deep.yaml"
    variant.write_text(f"extends: {SCENARIOS / 'small.yaml'}\nx:\n{deep}", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    (problem,) = caught.value.problems
    assert problem.line == 32 and "nested more than 64 deep" in problem.message


def test_a_variant_under_yaml_1_1_reads_as_yaml_1_1(tmp_path: Path) -> None:
    """`%YAML 1.1` is honoured in a variant, as the round-trip parser always has: `017` is 15."""
    from tests.conftest import SCENARIOS

    variant = tmp_path / "v.yaml"
    variant.write_text(
        f"%YAML 1.1\n---\nextends: {SCENARIOS / 'small.yaml'}\n"
        "change: {inspections: {peel-kent: {secondees: 017}}}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(variant)
    assert next(i for i in scenario.inspections if i.id == "peel-kent").secondees == 15


@pytest.mark.parametrize("number", ["0x" + "f" * 5000, "9" * 5000])
def test_a_whole_number_too_long_to_write_out_is_bad_input_not_a_crash(tmp_path: Path, number: str) -> None:
    """Python refuses to write out a whole number past 4,300 digits: the message says its size."""
    from tests.conftest import SCENARIOS

    text = (SCENARIOS / "small.yaml").read_text(encoding="utf-8").replace("weeks: 4", f"weeks: {number}")
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    code = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "out")])
    assert code.exit_code == 2, code.output
    assert "big.yaml:4" in code.output and "digits" in code.output


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("weeks: true\n", "`weeks` expected a whole number, found `true`"),
        ("weeks: 12\nrules: {max_back_to_back: false}\n", "expected a whole number, found `false`"),
        ("weeks: 4\n", "end on 2100-01-24, after the last day a roster can cover"),
    ],
    ids=["weeks-yes", "rule-no", "past-2099"],
)
def test_a_yes_no_is_not_a_number_and_no_week_lies_past_2099(tmp_path: Path, text: str, words: str) -> None:
    start = "2099-12-28" if "past" in words or "2100" in words else "2026-09-07"
    path = tmp_path / "s.yaml"
    path.write_text(f"name: x\nstart: {start}\n{text}")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert any(words in str(p) for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("extends=cohort.yaml", "belongs in a what-if file"),
        ("inspections.0.week=2026-09-14", "changed by id in a what-if file"),
    ],
)
def test_set_refuses_directives_and_lists_with_the_way_to_do_it(setting: str, words: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        from tests.conftest import SCENARIOS

        load_scenario(SCENARIOS / "small.yaml", Overrides(settings=(setting,)))
    assert any(words in str(p) for p in raised.value.problems), raised.value.problems


def test_a_plain_replan_finds_its_published_roster_without_every_key_s_line(tmp_path: Path) -> None:
    """`baseline.roster` is relative to the file that names it; a plain file names all its own
    keys, so no key's line is worked out (the round-trip parse, a quarter of a second on a
    year) unless a message needs one."""
    from roster.loading.reader import KeyLines
    from tests.conftest import SCENARIOS

    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "published.csv").write_bytes((SCENARIOS / "published" / "cohort-roster.csv").read_bytes())
    text = (SCENARIOS / "cohort.yaml").read_text(encoding="utf-8")
    path = folder / "replan.yaml"
    path.write_text(
        text + "\nbaseline: {roster: published.csv, frozen_before: 2026-10-05}\n", encoding="utf-8"
    )
    scenario = load_scenario(path)
    assert scenario.published is not None and scenario.published.rows
    source = scenario._source
    assert isinstance(source, KeyLines) and source._lines is None
    assert scenario.file_of("baseline.roster") == str(path)
    assert scenario.where("baseline.roster").startswith(f"{path}:")  # worked out when asked


def test_a_suggestion_holding_every_word_of_the_unknown_name_comes_first_and_none_twice() -> None:
    """`hampshire-police` was offered Cheshire and Northamptonshire, not Hampshire and Isle of
    Wight; a place named twice in the index was offered twice."""
    bodies = [b.id for b in bundled_bodies()]
    hint = did_you_mean("hampshire-police", bodies, n=3)
    assert hint.startswith("; did you mean `hampshire-and-isle-of-wight-police`")
    assert did_you_mean(
        "prestonn", ["preston", "prestonpans", "preston-2"], n=3, shown={"preston-2": "preston"}
    ) == ("; did you mean `preston`, `prestonpans`?")
    assert did_you_mean("zzz", bodies) == ""
