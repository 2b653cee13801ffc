import pytest

from mentoring.reporting import ReportingTree
from mentoring.selectors import in_reporting_chain, reporting_tree
from tests.mentoring.factories import UserFactory

# 1 CEO ← 2 director ← 3 manager ← 4 engineer;  2 ← 5 other manager;  6 unrelated top
TREE = {1: None, 2: 1, 3: 2, 4: 3, 5: 2, 6: None}


def test_direct_manager_in_either_direction():
    tree = ReportingTree(TREE)
    assert tree.in_same_chain(4, 3)
    assert tree.in_same_chain(3, 4)


def test_indirect_manager_at_any_depth_in_either_direction():
    tree = ReportingTree(TREE)
    assert tree.in_same_chain(4, 1)
    assert tree.in_same_chain(1, 4)
    assert tree.in_same_chain(2, 4)


def test_siblings_cousins_and_separate_trees_are_unrelated():
    tree = ReportingTree(TREE)
    assert not tree.in_same_chain(3, 5)  # peers under one director
    assert not tree.in_same_chain(4, 5)  # engineer and another team's manager
    assert not tree.in_same_chain(4, 6)
    assert not tree.in_same_chain(4, 999)  # unknown person


def test_a_person_is_in_their_own_chain():
    assert ReportingTree(TREE).in_same_chain(4, 4)


def test_cycles_terminate_and_are_reported():
    tree = ReportingTree({1: 2, 2: 3, 3: 1, 4: 1})
    assert tree.in_same_chain(4, 3)
    assert not tree.in_same_chain(4, 5)
    assert tree.chain_above(4) == [1, 2, 3]
    assert sorted(tree.find_cycle(4)) == [1, 2, 3]
    assert ReportingTree(TREE).find_cycle(4) is None


@pytest.mark.django_db
def test_service_answers_from_one_query(django_assert_num_queries):
    ceo = UserFactory()
    director = UserFactory(manager=ceo)
    manager = UserFactory(manager=director)
    engineer = UserFactory(manager=manager)
    peer = UserFactory(manager=director)
    with django_assert_num_queries(1):
        assert in_reporting_chain(a=engineer, b=ceo)
    with django_assert_num_queries(1):
        assert in_reporting_chain(a=ceo.pk, b=engineer.pk)
    assert not in_reporting_chain(a=engineer, b=peer)


@pytest.mark.django_db
def test_tree_is_one_query_for_many_pairs(django_assert_num_queries):
    people = [UserFactory()]
    for _ in range(30):
        people.append(UserFactory(manager=people[-1]))
    with django_assert_num_queries(1):
        tree = reporting_tree()
        checks = [tree.in_same_chain(a.pk, b.pk) for a in people for b in people]
    assert all(checks)  # one long line: everybody is in everybody's chain
