"""Storing proposals and matches in bulk (COPY on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models
from django.utils import timezone

from mentoring.models import User
from programs.models import Program

from ..models import Match, MatchMember, MatchRun


def _new_matches(*, program: Program, run: MatchRun | None, specs: list[dict], by: User | None) -> list[Match]:
    """Store matches and their members in two bulk inserts, whatever their number.

    Each spec: {"source", "score", "explanation", "members": [(user_id, role), ...]}.
    """
    matches = Match.objects.bulk_create(
        [
            Match(
                program=program,
                run=run,
                source=spec["source"],
                score=round(spec["score"], 2),
                explanation=spec["explanation"],
                created_by=by,
            )
            for spec in specs
        ],
        batch_size=500,
    )
    MatchMember.objects.bulk_create(
        [
            MatchMember(match=match, user_id=user_id, role=role)
            for match, spec in zip(matches, specs, strict=True)
            for user_id, role in spec["members"]
        ],
        batch_size=1000,
    )
    return matches


def _copy_rows(model: type[models.Model], *, varying: tuple[str, ...], rows: Iterable[tuple], constants: Mapping[str, Any]) -> None:
    """PostgreSQL's COPY into `model`'s table: the `varying` columns (attnames) from each row, ready
    for the database; every other column the same for all rows, from `constants` or the field's
    default, as bulk_create would write them, without a model instance per row."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    varying_fields = [fields[name] for name in varying]
    fixed_fields = [f for name, f in fields.items() if not f.primary_key and name not in varying]
    fixed_values = [f.get_db_prep_save(constants.get(f.attname, f.get_default()), connection) for f in fixed_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in (*varying_fields, *fixed_fields))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *fixed_values))


def _store_proposals(*, program: Program, run: MatchRun, specs: list[dict], by: User | None) -> None:
    """A run's proposals and their members, as `_new_matches` stores them. On PostgreSQL with
    COPY, in three statements and no model instance per row: thousands of proposals are most of a
    run's time otherwise."""
    if connection.vendor != "postgresql" or not specs:
        _new_matches(program=program, run=run, specs=specs, by=by)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [Match._meta.db_table, "id", len(specs)]
        )
        ids = [row[0] for row in cursor.fetchall()]
    explanation = next(f for f in Match._meta.concrete_fields if f.attname == "explanation")
    _copy_rows(
        Match,
        varying=("id", "source", "score", "explanation"),
        rows=(
            (pk, spec["source"], round(spec["score"], 2), explanation.get_db_prep_save(spec["explanation"], connection))
            for pk, spec in zip(ids, specs, strict=True)
        ),
        constants={"program_id": program.pk, "run_id": run.pk, "created_by_id": by.pk if by else None, "created_at": timezone.now()},
    )
    _copy_rows(
        MatchMember,
        varying=("match_id", "user_id", "role"),
        rows=((pk, user_id, role) for pk, spec in zip(ids, specs, strict=True) for user_id, role in spec["members"]),
        constants={},
    )


def _new_match(
    *, program: Program, run: MatchRun | None, source: str, score: float, explanation: dict, members: list[tuple[int, str]], by: User | None
) -> Match:
    return _new_matches(
        program=program, run=run, specs=[{"source": source, "score": score, "explanation": explanation, "members": members}], by=by
    )[0]
