"""The policy has one source: dbt's `vars.policy` in dbt_project.yml holds the defaults that `dbt build` uses
on its own and that m2c loads, overlaid with the operator's file, to pass back to dbt with --vars."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest
import yaml

from core import dbt, policy, settings


def test_the_defaults_are_the_dbt_projects_vars_and_nowhere_else() -> None:
    project = yaml.safe_load((settings.DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    assert policy.policy_path() is None  # the test home has no operator file
    assert policy.load() == project["vars"]["policy"]
    assert policy.load()["dunning_days"]["write_off_candidate"] == 365
    shipped = ("core", "ingestion", "exports", "dagster_project", "m2c", "apps", "devtools", "dbt")
    copies = [path for folder in shipped for path in (settings.REPO_ROOT / folder).rglob("*policy*.y*ml")]
    assert copies == [], "a second policy file would drift from dbt_project.yml's vars"


def test_sqlfluffs_lint_time_policy_if_any_is_the_default() -> None:
    config = configparser.ConfigParser()
    config.read(settings.DBT_PROJECT_DIR / ".sqlfluff")
    context = config["sqlfluff:templater:dbt:context"] if config.has_section("sqlfluff:templater:dbt:context") else {}
    if "policy" in context:
        assert json.loads(context["policy"]) == policy.defaults()


def test_every_policy_key_dbt_reads_has_a_default() -> None:
    defaults = policy.defaults()
    sources = [settings.DBT_PROJECT_DIR / folder for folder in ("models", "macros", "tests")]
    sql = "\n".join(path.read_text() for folder in sources for path in folder.rglob("*.sql"))
    keys = set(re.findall(r"policy\('([a-z_.]+)'\)", sql))
    assert {"bill_day", "dunning_days.reminder", "gl_accounts"} <= keys
    for key in keys:
        value = defaults
        for part in key.split("."):
            value = value[part]
        assert value is not None, key


def test_an_operator_file_overrides_keys_and_refuses_unknown_ones(tmp_path: Path) -> None:
    local = tmp_path / "policy.yaml"
    local.write_text("high_bill_factor: 1.3\n")
    loaded = policy.load(local)
    assert loaded["high_bill_factor"] == 1.3 and loaded["due_days"] == policy.defaults()["due_days"]
    local.write_text("high_bil_factor: 1.3\n")
    with pytest.raises(ValueError, match="unknown policy key"):
        policy.load(local)


def test_dbt_args_carry_the_period_the_policy_and_the_project() -> None:
    args = dbt.dbt_args("build", policy={"bill_day": 1}, period="2024-03", target_path=Path("/tmp/t"))
    assert args[0] == "build"
    assert json.loads(args[args.index("--vars") + 1]) == {"period": "2024-03", "policy": {"bill_day": 1}}
    assert args[args.index("--target-path") + 1] == "/tmp/t"
    assert args[args.index("--profiles-dir") + 1] == str(settings.DBT_PROJECT_DIR)
    assert "--project-dir" not in dbt.dbt_args("build", locations=False)
