"""`vivo serve`: the planner and the design engines in the browser (FastAPI, Jinja2 pages, a
JSON API, jobs in a bounded worker pool). Needs the ``web`` extra: ``pip install 'vivo[web]'``.

:func:`vivo.web.app.create_app` builds the application from
:class:`vivo.web.settings.ServeSettings`; see docs/web.md.
"""
