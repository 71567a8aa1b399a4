from pathlib import Path

import pytest
from django.core.management import call_command

from core.errors import ApplicationError
from knowledgebase.formats import document_file_parse, rubric_file_parse
from knowledgebase.models import Document, DocumentVersion, Rubric, RubricVersion
from knowledgebase.selectors import knowledge_snapshot_get
from knowledgebase.services import (
    DEFAULTS_DIR,
    kb_export,
    kb_files_read,
    kb_import,
    kb_seed,
    rubric_create,
    rubric_version_create_draft,
    rubric_version_publish,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Rubric.objects.count(),
        RubricVersion.objects.count(),
        Document.objects.count(),
        DocumentVersion.objects.count(),
    )


def tree(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*.*"))}


def without_version_info(item) -> dict:
    return item.model_dump(mode="json", exclude={"version", "sha256"})


def test_seed_is_idempotent_and_publishes_every_default():
    first = kb_seed()
    after_first = counts()
    second = kb_seed()
    assert counts() == after_first
    defaults = kb_files_read(directory=DEFAULTS_DIR)
    assert after_first == (
        len(defaults.rubrics),
        len(defaults.rubrics),
        len(defaults.documents),
        len(defaults.documents),
    )
    assert (first.rubrics, first.documents, first.skipped) == (len(defaults.rubrics), len(defaults.documents), [])
    assert (second.rubrics, second.documents, second.unchanged) == (0, 0, after_first[0] + after_first[2])
    assert not Rubric.objects.filter(active_version__isnull=True).exists()


def test_seed_never_overwrites_an_ops_edit():
    kb_seed()
    rubric = Rubric.objects.get(key="discovery")
    content = rubric.active_version.content
    content["na_rule"] = "Ops rule."
    edited = rubric_version_publish(version_id=rubric_version_create_draft(rubric_id=rubric.pk, content=content).pk)
    kb_seed()
    rubric.refresh_from_db()
    assert rubric.active_version_id == edited.pk


def test_seed_skips_a_default_whose_scope_ops_already_covered():
    rubric_create(key="our-discovery", name="Our discovery", dimension="discovery")
    report = kb_seed()
    assert [line.split(":")[0] for line in report.skipped] == ["discovery"]
    assert not Rubric.objects.filter(key="discovery").exists()


def test_seeded_defaults_give_sales_engineers_their_own_product_knowledge_rubric():
    kb_seed()
    assert knowledge_snapshot_get(role="SE").rubrics["product_knowledge"].key == "product-knowledge-se"
    generic = knowledge_snapshot_get(role="AE")
    assert {dimension: rubric.key for dimension, rubric in generic.rubrics.items()} == {
        "discovery": "discovery",
        "engagement": "engagement",
        "objection_handling": "objection-handling",
        "product_knowledge": "product-knowledge",
    }
    assert len(generic.documents) == 0  # product documents are yours to load (the demo's come with --demo)


@pytest.mark.parametrize("fmt", ["yaml", "json", "md"])
def test_import_then_export_is_lossless(tmp_path, fmt):
    report = kb_import(files=kb_files_read(directory=DEFAULTS_DIR), publish=True)
    assert report.published == report.rubrics + report.documents
    kb_export(directory=tmp_path / "out", fmt=fmt)
    exported = kb_files_read(directory=tmp_path / "out")
    shipped = kb_files_read(directory=DEFAULTS_DIR)
    assert [without_version_info(r) for r in exported.rubrics] == [without_version_info(r) for r in shipped.rubrics]
    assert [without_version_info(d) for d in exported.documents] == [without_version_info(d) for d in shipped.documents]


def test_export_import_export_gives_identical_files(tmp_path):
    kb_seed()
    kb_export(directory=tmp_path / "a")
    Rubric.objects.update(active_version=None)
    Document.objects.update(active_version=None)
    RubricVersion.objects.all().delete()
    DocumentVersion.objects.all().delete()
    Rubric.objects.all().delete()
    Document.objects.all().delete()
    kb_import(files=kb_files_read(directory=tmp_path / "a"), publish=True)
    kb_export(directory=tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_importing_unchanged_files_creates_no_versions(tmp_path):
    kb_seed()
    kb_export(directory=tmp_path, fmt="json")
    before = counts()
    report = kb_import(files=kb_files_read(directory=tmp_path), publish=True)
    assert counts() == before
    assert report.unchanged == before[0] + before[2]


def test_importing_a_changed_rubric_creates_a_draft_unless_published(tmp_path):
    kb_seed()
    kb_export(directory=tmp_path)
    path = tmp_path / "rubrics" / "discovery.yaml"
    path.write_text(path.read_text().replace("weight: 25", "weight: 30", 1).replace("weight: 10", "weight: 5", 1))
    report = kb_import(files=kb_files_read(directory=tmp_path))
    rubric = Rubric.objects.get(key="discovery")
    assert report.drafted == 1
    assert rubric.active_version.number == 1
    assert rubric.versions.get(number=2).status == "draft"


def test_a_bad_file_is_rejected_with_its_name_and_nothing_is_written(tmp_path):
    kb_export(directory=tmp_path)  # empty database: creates the folders only
    (tmp_path / "rubrics" / "broken.yaml").write_text(
        (DEFAULTS_DIR / "rubrics" / "discovery.yaml").read_text().replace("weight: 25", "weight: 26", 1)
    )
    with pytest.raises(ApplicationError) as caught:
        kb_files_read(directory=tmp_path)
    assert "broken.yaml" in caught.value.message
    assert "sum to 100 (they sum to 101)" in caught.value.message
    assert counts() == (0, 0, 0, 0)


def test_commands_print_one_line_summaries(tmp_path, capsys):
    call_command("seed_knowledgebase", "--demo")
    call_command("seed_knowledgebase", "--demo")
    call_command("kb_export", "--dir", str(tmp_path), "--format", "md")
    call_command("kb_import", "--dir", str(tmp_path), "--publish")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("knowledge base: 5 rubrics and 9 documents published, 0 already present")
    assert lines[1].startswith("knowledge base: 0 rubrics and 0 documents published, 14 already present")
    assert lines[2].startswith("exported 5 rubrics and 9 documents")
    assert lines[3].startswith("imported 5 rubrics and 9 documents: 0 new versions, 0 published, 14 unchanged")
    assert rubric_file_parse((tmp_path / "rubrics" / "discovery.md").read_text(), fmt="md").key == "discovery"
    assert document_file_parse((tmp_path / "docs" / "integrations.md").read_text(), fmt="md").kind == "product"
