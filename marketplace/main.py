"""The ASGI application for servers: `uvicorn marketplace.main:app`."""

from marketplace import search
from marketplace.app import create_app

app = create_app()
search.service_for(app.state.engine).prepare_in_background()  # the first search then need not wait
