"""The WSGI application object for servers that load a module attribute rather than call a
factory (uWSGI: ``--module service.wsgi:application``). Settings come from the environment
(``OMRAADEKORT_*``), as for ``service:create_app()`` under gunicorn and granian."""

from service import create_app

application = create_app()
