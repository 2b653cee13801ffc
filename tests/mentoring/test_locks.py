"""`mentoring.locks.exclusive`: a named lock held until the transaction ends."""

import pytest
from django.db import connection, transaction

from mentoring.locks import exclusive, lock_key
from tests.races import needs_postgres, race


def test_the_key_is_a_stable_signed_64_bit_number_per_name():
    assert lock_key("mentoring.people_import") == lock_key("mentoring.people_import") != lock_key("other")
    assert -(2**63) <= lock_key("mentoring.people_import") < 2**63


@pytest.mark.django_db(transaction=True)  # no test transaction around it: autocommit, as a caller outside atomic() has
def test_exclusive_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        exclusive("anything")
    with transaction.atomic():
        exclusive("anything")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_exclusive_is_held_until_the_transaction_ends():
    def others_can_take_it() -> bool:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key("test.lock")])
            return cursor.fetchone()[0]

    with transaction.atomic():
        exclusive("test.lock")
        (held,) = race(others_can_take_it)
        assert held.value is False
    (released,) = race(others_can_take_it)
    assert released.value is True
