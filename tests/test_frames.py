"""roster.frames: reading CSV files, with pandas (`read_csv`) and without it (`read_records`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster.frames import CsvError, read_csv, read_records

# Clean files, and every oddity pandas reads in its own way: blank and space-only lines, short
# rows, trailing commas, repeated and empty header cells, quoted line breaks, a BOM, CRLF.
TEXTS = [
    "a,b\n1,2\n",
    "a,b\n\n1,2\n\n",
    "a,b\n  \n1,2\n",
    "a,b\n\t\n1,2\n",
    "a,b\n,\n",
    "a,b\n , \n",
    'a,b\n"x\ny",2\n',
    "a,b\n1,2",
    "a,b\r\n1,2\r\n",
    "a,b\n1\n",
    "a,b,\n1,2,\n",
    " a ,b\n1,2\n",
    "a,a,b\n1,2,3\n",
    "a,a.1,a\n1,2,3\n",
    "a,a,a.1\n1,2,3\n",
    "a.1,a,a\n1,2,3\n",
    "a,,a,,a\n1,2,3,4,5\n",
    ",,\n1,2,3\n",
    "  ,b\n1,2\n",
    "a,b\n1,2,3\n",
    "a,b\n",
    "\ufeffa,b\n1,2\n",
    'a,b\n"",""\n',
    'a,b\n"1,2",3\n',
    'a,b\n"say ""hi""",3\n',
    "a\n1\n\n2\n",
    "a\n  \n",
    "a,b\n1,2\n\n\n3,4\n",
    "inspection,week,secondee\nfrs-kent-1,2026-09-14,ab-01\n",
]


def _read(path: Path) -> object:
    try:
        table = read_csv(path)
        return list(table.columns), table.to_dict("records")
    except CsvError:
        return "refused"


def _records(path: Path) -> object:
    try:
        records = read_records(path)
        return records.columns, records.rows
    except CsvError:
        return "refused"


@pytest.mark.filterwarnings("ignore::pandas.errors.ParserWarning")
@pytest.mark.parametrize("text", [*TEXTS, "", "\n\n", 'a,b\n1,"2\n3,4\n'])
def test_records_are_what_pandas_reads(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert _records(path) == _read(path)


def test_a_quote_left_open_never_runs_rows_together(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text('inspection,week,secondee,body\nx,2026-09-14,ab,"Kent\ny,2026-09-21,cd,Essex\n')
    with pytest.raises(CsvError, match="not a readable CSV"):
        read_records(path)


def test_each_record_has_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n\n1,"two\nlines"\n3,4\n')
    records = read_records(path)
    assert records.rows == [{"a": "1", "b": "two\nlines"}, {"a": "3", "b": "4"}]
    assert records.lines == [3, 5]


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "empty"), (b"a,b\n\xff,1\n", "not UTF-8"), (b"a,b\n1,2,3\n", "3 cells")],
)
def test_a_file_that_cannot_be_read_says_so_with_its_name(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    for reader in (read_csv, read_records):
        with pytest.raises(CsvError, match=words) as caught:
            reader(path)
        assert str(path) in str(caught.value)
