"""The typed-fields generator (cwql.schema._codegen) and ``cwql schema codegen``.

The bundled cwql.fields must be what the generator makes of the bundled
schema; a package generated for any schema must import, type its fields from
the schema's types, and name what Python or cwql cannot take as it is.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cwql
from cwql import F
from cwql._typed import (
    AnyField,
    CustomFields,
    DateStringField,
    EnumField,
    IntegerField,
    Model,
    StringField,
    _attributes,
)
from cwql.errors import CWQLTypeError, SchemaError
from cwql.schema import Schema, _codegen, load
from cwql.schema._codegen import _default_endpoint, differences, generate, write

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "cwql" / "fields"
OPENAPI = Path(__file__).parent / "fixtures" / "openapi-small.json"


def cwql_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True, timeout=120)


def test_the_bundled_fields_are_generated_from_the_bundled_schema() -> None:
    stale = differences(generate(load()), BUNDLED)
    assert stale == [], (
        f"cwql/fields is out of date with the bundled schema ({', '.join(stale[:5])}): "
        "run `cwql schema codegen bundled -o cwql/fields`"
    )


# ---- a schema with every case -------------------------------------------------------------

SCHEMA: dict[str, Any] = {
    "format": "cwql-schema/1",
    "api_version": "test",
    "endpoints": {
        "/things": "Thing",
        "/things/extra": "Thing",
        "/things/{parentId}/parts": "Part",
        "/a/parts": "Part",
        "/b/parts": "Part",
    },
    "models": {
        "Thing": {
            "id": "integer",
            "class": "string",
            "query": "string",
            "is_null": "boolean",
            "__init__": "string",
            "closedDate": "string",
            "weight": "number",
            "since": "datetime",
            "blob": "object",
            "tagIds": {"array": "integer"},
            "parts": {"array": {"model": "Part"}},
            "grid": {"array": {"array": {"model": "Part"}}},
            "owner": {"model": "Owner"},
            "ghost": {"model": "Missing"},
            "customFields": {"array": {"model": "CustomFieldValue"}},
            "_info": "info",
            "enteredBy": "integer",
        },
        "Part": {"id": "integer", "name": "string", "thing": {"model": "Thing"}},
        "Owner": {"id": "integer", "owner": {"model": "Owner"}},
        "CustomFieldValue": {"id": "integer", "caption": "string", "value": "any"},
        "Unreached": {"id": "integer"},
        "ABC": {"id": "integer"},
        "Abc": {"id": "integer"},
    },
}
SCHEMA["endpoints"].update({"/abc": "ABC", "/abc2": "Abc"})


def _import(files: dict[str, str], where: Path, name: str) -> Any:
    package = where / name
    write(files, package)
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(where))


@pytest.fixture(scope="module")
def things(tmp_path_factory: pytest.TempPathFactory) -> Any:
    files = generate(Schema(SCHEMA))
    return _import(files, tmp_path_factory.mktemp("gen"), "things_fields")


def test_every_reached_model_and_no_other(things: Any) -> None:
    assert things.__all__ == ["ABC", "Abc", "CustomFieldValue", "Owner", "Part", "Thing"]
    files = generate(Schema(SCHEMA))
    assert sorted(files) == [
        "__init__.py", "_abc.py", "_abc_.py", "_base.py", "_custom_field_value.py", "_owner.py",
        "_part.py", "_thing.py",
    ]  # ABC and Abc would be one file name apart only in case: two files on a case-blind disk
    assert things.ABC.query().endpoint == "/abc"
    assert things.Abc.query().endpoint == "/abc2"


def test_field_classes_from_the_schema_types(things: Any) -> None:
    Thing = things.Thing
    assert type(Thing.id) is IntegerField
    assert type(Thing.closedDate) is DateStringField
    assert type(Thing.blob) is AnyField
    assert type(Thing.ghost) is AnyField  # a reference to a model the schema lacks
    assert type(Thing.tagIds) is IntegerField  # an array of integers: its members
    assert isinstance(Thing.owner, things.Owner)
    assert isinstance(Thing.owner.owner.owner, things.Owner)  # a model that refers to itself
    assert isinstance(Thing.customFields, CustomFields)
    assert (Thing.customFields["Region"] == "x") == (cwql.CF("Region") == "x")
    # a date is its whole UTC day (docs/language.md): after 1 January is from 2 January on
    assert str(Thing._info.lastUpdated > dt.date(2024, 1, 1)) == "_info/lastUpdated>=[2024-01-02]"
    assert type(Thing.enteredBy) is IntegerField  # the model's own field wins over the _info key


def test_names_python_or_cwql_cannot_take_get_an_underscore(things: Any) -> None:
    Thing = things.Thing
    assert str(Thing.class_ == "a") == 'class="a"'
    assert str(Thing.query_ == "a") == 'query="a"'
    assert str(Thing.is_null_ == True) == "is_null=true"  # noqa: E712
    assert str(Thing.__init___ == "a") == '__init__="a"'
    assert Thing.query().endpoint == "/things"
    source = generate(Schema(SCHEMA))["_thing.py"]
    assert 'class_ = _f.Attr(_f.StringField, name="class")' in source
    assert "enteredBy = _f.Attr(_f.IntegerField)  # type: ignore[assignment]" in source


def test_arrays_lead_to_their_members(things: Any) -> None:
    Thing = things.Thing
    assert (Thing.parts.name == "a") == (F.parts.name == "a")
    assert (Thing.grid.name == "a") == (F.grid.name == "a")
    assert Thing.query(child_conditions=Thing.parts.name == "a")
    with pytest.raises(cwql.QueryError, match="child_conditions="):
        Thing.query(Thing.parts.name == "a")


def test_default_endpoints(things: Any) -> None:
    assert _default_endpoint(["/things", "/things/extra"]) == "/things"
    assert _default_endpoint(["/a/parts", "/b/parts", "/things/{parentId}/parts"]) is None
    assert _default_endpoint(["/x/{id}"]) is None
    assert _default_endpoint(["/x"]) == "/x"
    with pytest.raises(cwql.QueryError, match="no single endpoint"):
        things.Part.query()
    assert things.Part.query(endpoint="/things/7/parts").endpoint == "/things/7/parts"
    assert things.Part.query(endpoint="/b/parts").endpoint == "/b/parts"


def test_models_without_an_endpoint_have_no_query(things: Any) -> None:
    assert not hasattr(things.Owner, "query")
    assert issubclass(things.Owner, Model)


def test_a_model_name_python_cannot_take_is_refused() -> None:
    bad = {**SCHEMA, "endpoints": {"/x": "class"}, "models": {"class": {"id": "integer"}}}
    with pytest.raises(SchemaError, match="'class' cannot be a Python class name"):
        generate(Schema(bad))


def test_the_output_depends_on_the_schema_alone() -> None:
    assert generate(Schema(SCHEMA)) == generate(Schema(json.loads(json.dumps(SCHEMA))))


# ---- enums --------------------------------------------------------------------------------


def test_enum_fields_take_their_members_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {("Part", "name"): ("ServiceTicket", "ProjectTicket", "It's")}

    def enum_values(schema: Schema, field: Any) -> tuple[str, ...]:
        return members.get((field.owner, field.name), ())

    monkeypatch.setattr(_codegen, "_enum_values", enum_values)
    files = generate(Schema(SCHEMA))
    assert "1 enum fields" in files["__init__.py"]
    source = files["_part.py"]
    assert 'name = _f.Attr(_f.EnumField[_t.Literal["ServiceTicket", "ProjectTicket", "It\'s"]])' in source
    Part = _import(files, tmp_path, "enum_fields").Part
    assert type(Part.name) is EnumField
    assert Part.name.members == members[("Part", "name")]
    assert (Part.name == "ProjectTicket") == (F.name == "ProjectTicket")
    assert Part.name.in_(["ServiceTicket", "It's"]) == F.name.in_(["ServiceTicket", "It's"])
    assert Part.name.like("Project*") == F.name.like("Project*")
    with pytest.raises(CWQLTypeError, match="'Project' is none of them; did you mean ProjectTicket"):
        Part.name == "Project"
    with pytest.raises(CWQLTypeError, match="'projectticket' is spelled 'ProjectTicket' in the schema"):
        Part.name != "projectticket"
    with pytest.raises(CWQLTypeError, match="is not text"):
        Part.name == 5


# ---- writing and the command line -----------------------------------------------------------


def test_write_refuses_a_folder_of_someone_elses_code(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("x = 1\n")
    with pytest.raises(SchemaError, match=r"did not generate \(mine\.py\)"):
        write({"__init__.py": "x"}, tmp_path)
    assert (tmp_path / "mine.py").read_text() == "x = 1\n"
    (tmp_path / "mine.py").unlink()
    (tmp_path / "__init__.py").write_text("")  # an empty file holds nothing to lose
    files = generate(Schema(SCHEMA))
    assert write(files, tmp_path) == (len(files), 0)
    assert write(files, tmp_path) == (0, 0)


def test_stale_generated_files_are_removed(tmp_path: Path) -> None:
    files = generate(Schema(SCHEMA))
    write(files, tmp_path)
    smaller = {**SCHEMA, "endpoints": {"/x": "Owner"}}
    again = generate(Schema(smaller))
    stale = sorted(set(files) - set(again))
    changed = sorted(n for n in again if again[n] != files[n])
    assert changed == ["__init__.py", "_owner.py"]  # Owner now has an endpoint
    assert differences(again, tmp_path) == sorted(changed + stale)
    assert write(again, tmp_path) == (len(changed), len(stale))
    assert sorted(p.name for p in tmp_path.glob("*.py")) == sorted(again)


def test_codegen_command(tmp_path: Path) -> None:
    out = tmp_path / "cwfields"
    r = cwql_cli("schema", "codegen", str(OPENAPI), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"wrote {out}: 5 models in 7 files")
    assert cwql_cli("schema", "codegen", str(OPENAPI), "-o", str(out), "--check").returncode == 0
    (out / "_ticket.py").write_text((out / "_ticket.py").read_text() + "# edited\n")
    r = cwql_cli("schema", "codegen", str(OPENAPI), "-o", str(out), "--check")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"{out}/_ticket.py: out of date\n"
    # The package works on its own: a user's own PSA version, imported from their project.
    script = (
        "from cwfields import Ticket\n"
        "q = Ticket.query((Ticket.status.name == 'New') & (Ticket.closedFlag == False), "
        "fields=[Ticket.id, Ticket.summary])\n"
        "print(q.endpoint, q.to_query_string())\n"
    )
    cwql_cli("schema", "codegen", str(OPENAPI), "-o", str(out))
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.stdout == "/service/tickets conditions=status/name%3D%22New%22%20and%20closedFlag%3Dfalse&fields=id%2Csummary\n", run.stderr


def test_codegen_command_errors(tmp_path: Path) -> None:
    r = cwql_cli("schema", "codegen", str(tmp_path / "missing.json"), "-o", str(tmp_path / "out"))
    assert r.returncode == 2
    assert "No such file" in r.stderr
    (tmp_path / "bad.json").write_text('{"format": "nope"}')
    r = cwql_cli("schema", "codegen", str(tmp_path / "bad.json"), "-o", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "its 'format' must be" in r.stderr
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "app.py").write_text("print('mine')\n")
    r = cwql_cli("schema", "codegen", str(OPENAPI), "-o", str(tmp_path / "taken"))
    assert r.returncode == 1
    assert "did not generate (app.py)" in r.stderr
    assert "Traceback" not in r.stderr


def test_generated_attributes_follow_the_schema_everywhere() -> None:
    # For every field of every bundled model: the attribute builds the path the schema names.
    import cwql.fields

    schema = load()
    for name in cwql.fields.__all__:
        model = schema.model(name)
        attributes = {a.name: a for a in _attributes(getattr(cwql.fields, name)).values()}
        assert set(model.fields) <= set(attributes), name
        for field in model.fields.values():
            value = getattr(getattr(cwql.fields, name), attributes[field.name].attribute)
            if isinstance(value, (IntegerField, StringField)):
                assert value.path.name == field.name
