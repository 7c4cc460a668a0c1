"""Moving a collaboration through the pipeline: history, required details, bad input and concurrent edits."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import Collaboration, Organization, StageChange
from tests.builders import csrf_of, make_user, page
from tests.pipeline.conftest import client_for, make_collab


def move(client: TestClient, collab: Collaboration, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client, f"/collaborations/{collab.id}")
    data = {"csrf_token": token, "version": str(collab.version)} | fields
    return client.post(f"/collaborations/{collab.id}/stage", data=data, follow_redirects=False)


def history(db: Session, collab: Collaboration) -> list[StageChange]:
    db.expire_all()
    query = select(StageChange).where(StageChange.collaboration_id == collab.id).order_by(StageChange.id)
    return list(db.exec(query).all())


def test_a_move_records_who_when_from_to_and_the_note(staff_client: TestClient, db: Session, staff) -> None:
    collab = make_collab(db, stage="contacted")
    response = move(staff_client, collab, to_stage="negotiating", note="Hai bên thống nhất đàm phán giá chuyển giao")
    assert response.status_code == 303
    last = history(db, collab)[-1]
    assert (last.from_stage, last.to_stage, last.actor_id) == ("contacted", "negotiating", staff.id)
    assert last.note == "Hai bên thống nhất đàm phán giá chuyển giao"
    db.refresh(collab)
    assert collab.stage == "negotiating" and collab.version == 2
    timeline = page(staff_client.get(f"/collaborations/{collab.id}")).select(".timeline-entry.stage")
    assert "Hai bên thống nhất đàm phán giá chuyển giao" in timeline[-1].get_text()
    assert "Lê Thị Ngọc Ánh" in timeline[-1].select_one(".timeline-when").get_text()


def test_closing_needs_a_reason(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    response = move(staff_client, collab, to_stage="closed", closed_reason="")
    assert response.status_code == 422
    assert page(response).select_one("#me-closed_reason").get_text() == "Vui lòng nhập trường này."
    response = move(staff_client, collab, to_stage="closed", closed_reason="Doanh nghiệp chưa bố trí được kinh phí")
    assert response.status_code == 303
    db.refresh(collab)
    assert collab.stage == "closed" and collab.closed_reason == "Doanh nghiệp chưa bố trí được kinh phí"


def test_signing_an_agreement_asks_for_the_contract_type_and_value(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    html = page(move(staff_client, collab, to_stage="agreement_signed", note="Ký tại Sở"))
    assert html.select_one("#me-contract_type") is not None and html.select_one("#me-contract_value_vnd") is not None
    assert html.select_one("#m-note").get_text() == "Ký tại Sở"  # what was typed is kept
    response = move(staff_client, collab, to_stage="agreement_signed", contract_type="licence",
                    contract_value_vnd="450.000.000")  # fmt: skip
    assert response.status_code == 303
    db.refresh(collab)
    assert (collab.contract_type, collab.contract_value_vnd) == ("licence", 450_000_000)
    assert collab.signed_at is not None


def test_negative_absurd_and_malformed_contract_values_are_refused(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    for value in ("-5000000", "9000000000000000", "bốn trăm triệu"):
        response = move(
            staff_client, collab, to_stage="agreement_signed", contract_type="licence", contract_value_vnd=value
        )
        assert response.status_code == 422, value
        assert page(response).select_one("#me-contract_value_vnd") is not None
    db.refresh(collab)
    assert collab.stage == "negotiating" and collab.contract_value_vnd is None


def test_a_move_to_a_stage_that_does_not_exist_is_refused(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    for stage in ("bankrupt", "", "negotiating"):
        response = move(staff_client, collab, to_stage=stage)
        assert response.status_code == 422
        assert page(response).select_one("#me-to_stage") is not None
    assert len(history(db, collab)) == 1


def test_a_stale_move_gets_a_conflict_with_the_current_state_and_changes_nothing(
    app: FastAPI, staff_client: TestClient, db: Session
) -> None:
    collab = make_collab(db, stage="contacted")
    stale = Collaboration(id=collab.id, version=collab.version)
    other = make_user(db, role="staff", full_name="Trần Văn Hưng")
    for second in client_for(app, other):
        assert move(second, collab, to_stage="negotiating").status_code == 303
    response = move(staff_client, stale, to_stage="closed", closed_reason="Không liên lạc được")
    assert response.status_code == 409
    html = page(response)
    assert "Đang đàm phán" in html.select_one(".conflict").get_text()
    assert "Trần Văn Hưng" in html.select_one(".conflict").get_text()
    assert html.select_one("#m-closed_reason")["value"] == "Không liên lạc được"
    db.refresh(collab)
    assert collab.stage == "negotiating" and collab.version == 2
    assert [c.to_stage for c in history(db, collab)] == ["contacted", "negotiating"]


def test_a_move_from_the_board_with_htmx_redraws_the_board(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db, stage="contacted")
    token = csrf_of(staff_client, "/pipeline")
    response = staff_client.post(
        f"/collaborations/{collab.id}/stage", headers={"HX-Request": "true"},
        data={"csrf_token": token, "version": "1", "to_stage": "negotiating", "back": "/pipeline?sector=medicinal"},
    )  # fmt: skip
    assert response.status_code == 200
    html = page(response)
    assert html.select_one(f".board-column.stage-negotiating #collab-{collab.id}") is not None
    assert html.select_one("[hx-swap-oob] .toast").get_text(strip=True) == "Đã chuyển sang “Đang đàm phán”."


def test_an_incomplete_move_from_the_board_opens_the_card_with_its_errors(
    staff_client: TestClient, db: Session
) -> None:
    collab = make_collab(db)
    token = csrf_of(staff_client, "/pipeline")
    response = staff_client.post(
        f"/collaborations/{collab.id}/stage", headers={"HX-Request": "true"},
        data={"csrf_token": token, "version": "1", "to_stage": "closed", "back": "/pipeline"},
    )  # fmt: skip
    assert response.status_code == 422
    card = page(response).select_one(f"#collab-{collab.id}")
    assert card.select_one("details.collab-move").has_attr("open")
    assert card.select_one(".field.has-error #reason-" + str(collab.id)) is not None


def test_parties_cannot_move_and_outsiders_do_not_see_the_collaboration(app: FastAPI, db: Session) -> None:
    collab = make_collab(db)
    party = make_user(db, role="enterprise", organization=db.get(Organization, collab.seeker_org_id))
    outsider = make_user(db, role="researcher")
    for client in client_for(app, party):
        assert move(client, collab, to_stage="contacted").status_code == 403
    for client in client_for(app, outsider):
        assert client.get(f"/collaborations/{collab.id}").status_code == 404
    assert len(history(db, collab)) == 1


def test_a_move_without_the_csrf_token_is_refused(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    response = staff_client.post(f"/collaborations/{collab.id}/stage", data={"version": "1", "to_stage": "contacted"})
    assert response.status_code == 403
    assert len(history(db, collab)) == 1
