"""One-time form tokens: a create form sent twice (double click, resubmit) creates one record.

The page that shows a create form puts `new_token()` in a hidden field; the use case calls
`created_by` before creating and `spend` in the same unit of work as the record it creates.
The token is the primary key of `SubmittedForm`, so two concurrent sends cannot both spend it.
"""

import re
import secrets

from sqlmodel import Session

from marketplace.models import SubmittedForm

FIELD = "form_token"
_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    """A fresh random token for one create form."""
    return secrets.token_urlsafe(24)


def usable(token: object) -> str | None:
    """`token` when it has the shape of one we issued, else None (then there is nothing to deduplicate)."""
    return token if isinstance(token, str) and _SHAPE.fullmatch(token) else None


def created_by(session: Session, token: str | None, *, user_id: int | None, entity: str) -> int | None:
    """The id of the `entity` this user already created with `token`, if any."""
    if token is None:
        return None
    spent = session.get(SubmittedForm, token)
    if spent is None or spent.user_id != user_id or spent.entity != entity:
        return None
    return spent.entity_id


def spend(session: Session, token: str | None, *, user_id: int | None, entity: str, entity_id: int) -> None:
    """Mark `token` as used for the record just created (flushed with it; the caller commits)."""
    if token is not None:
        session.add(SubmittedForm(token=token, user_id=user_id, entity=entity, entity_id=entity_id))
        session.flush()
