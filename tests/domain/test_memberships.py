"""Who may answer a request to join an organization, and the database's guard of one waiting request."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from marketplace import membership_review, memberships
from marketplace.errors import Conflict
from marketplace.models import Membership, User
from tests.builders import make_manager, make_org, make_user


def test_staff_answer_every_request_and_managers_only_those_to_their_own_organization(db: Session) -> None:
    cooperative = make_org(db, kind="cooperative", name_vi="HTX Dược liệu Nam Đông")
    department = make_org(db, kind="government", name_vi="Sở Khoa học và Công nghệ thành phố Huế")
    other = make_org(db, kind="enterprise", name_vi="Công ty TNHH Bảo Lâm")
    staff = make_user(db, role="staff")
    assert all(memberships.can_decide(db, staff, org) for org in (cooperative, department, other))
    manager = make_manager(db, cooperative)
    assert memberships.can_decide(db, manager, cooperative)
    assert not memberships.can_decide(db, manager, other)
    assert not memberships.can_decide(db, make_user(db, cooperative, role="enterprise"), cooperative)
    assert not memberships.can_decide(db, make_manager(db, department), department)  # government: staff only


def test_a_manager_who_left_the_organization_no_longer_answers_for_it(db: Session) -> None:
    cooperative = make_org(db, kind="cooperative", name_vi="HTX Thanh trà Thủy Biều")
    manager = make_manager(db, cooperative)
    manager.organization_id = make_org(db, kind="enterprise").id
    db.add(manager)
    db.commit()
    assert memberships.managers_of(db, cooperative.id) == []
    assert not memberships.can_decide(db, manager, cooperative)


def test_the_database_keeps_one_waiting_request_per_person(db: Session) -> None:
    person = make_user(db, None, role="enterprise", organization_id=None)
    db.add(Membership(user_id=person.id, organization_id=make_org(db).id))
    db.commit()
    db.add(Membership(user_id=person.id, organization_id=make_org(db).id))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_a_refused_request_cannot_then_be_approved(db: Session) -> None:
    cooperative = make_org(db, kind="cooperative", name_vi="HTX Sen Tịnh Tâm")
    person = make_user(db, None, role="enterprise", organization_id=None, full_name="Hồ Thị Sen")
    waiting = Membership(user_id=person.id, organization_id=cooperative.id)
    db.add(waiting)
    db.commit()
    staff = make_user(db, role="staff")
    membership_review.refuse(db, staff, waiting.id, reason="Không phải xã viên.")
    with pytest.raises(Conflict):
        membership_review.approve(db, staff, waiting.id)
    db.refresh(person)
    assert person.organization_id is None


def test_of_two_answers_sent_at_the_same_time_only_the_first_applies(db: Session) -> None:
    cooperative = make_org(db, kind="cooperative", name_vi="HTX Mè xửng Thiên Hương")
    person = make_user(db, None, role="enterprise", organization_id=None)
    waiting = Membership(user_id=person.id, organization_id=cooperative.id)
    db.add(waiting)
    db.commit()
    staff = make_user(db, role="staff")
    with Session(db.get_bind()) as other_staff:  # answers while this session still sees the request waiting
        other = other_staff.get_one(Membership, waiting.id)
        other.status = "refused"
        other_staff.commit()
    with pytest.raises(Conflict):
        membership_review.approve(db, staff, waiting.id)
    db.expire_all()
    assert db.get_one(User, person.id).organization_id is None
