"""What every command shares: ``--store``, opening the store, and how a command fails.

Every command of the ``omraadekort`` group (:class:`Group`) also takes ``--debug`` and
``--wait SECONDS`` and runs guarded: a problem ends it with one message on stderr, never a
traceback (``--debug`` prints it), and an exit status that says what went wrong:

====  =====================================================================================
0     done
1     the input was refused (nothing was written)
2     the store is missing, damaged or read-only, a setting is wrong, or the command line
      is wrong
3     another command was writing the store for longer than ``--wait`` seconds
====  =====================================================================================
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable

import click

from geo.errors import InputRejected, StoreBusy, StoreError
from geo.store import Store
from service import DEFAULT_STORE
from service.settings import SettingsError

EXIT_REFUSED, EXIT_BROKEN, EXIT_BUSY = 1, 2, 3
_DEBUG, _WAIT = "omraadekort.debug", "omraadekort.wait"


def open_store(path: str | None, *, write: bool = False, create: bool = False) -> Store:
    """The store at ``path``, else ``$OMRAADEKORT_STORE``, else ``var/omraadekort.gpkg``.

    ``write``: the command changes the store. Its writer lock is taken now, before anything
    is read, and held until the command ends, so that no other writer can change what this
    one's write is based on; a second writer waits (``--wait``), saying so on stderr.
    ``create``: the store may be missing (``build-store``).
    """
    ctx = click.get_current_context(silent=True)
    wait = ctx.meta.get(_WAIT) if ctx is not None else None
    store = Store(
        path or os.environ.get("OMRAADEKORT_STORE") or DEFAULT_STORE,
        wait=wait,
        on_wait=lambda message: click.echo(message, err=True),
    )
    if write and ctx is not None:
        ctx.with_resource(store.writing(create=create))
    return store


store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Store (GeoPackage) to use. Default: $OMRAADEKORT_STORE or var/omraadekort.gpkg.",
)


def _remember(key: str) -> Callable[[click.Context, click.Parameter, object], object]:
    def store(ctx: click.Context, _param: click.Parameter, value: object) -> object:
        ctx.meta[key] = value
        return value

    return store


def _fail(message: str, code: int, exc: BaseException) -> None:
    ctx = click.get_current_context()
    if ctx.meta.get(_DEBUG):
        traceback.print_exception(exc, file=sys.stderr)
    click.echo(f"Error: {message}", err=True)
    ctx.exit(code)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]


def guarded(callback: Callable[..., object]) -> Callable[..., object]:
    """Run a command's body so that every failure is a message and an exit status."""

    @functools.wraps(callback)
    def run(*args: object, **kwargs: object) -> object:
        try:
            return callback(*args, **kwargs)
        except click.exceptions.ClickException as exc:
            if click.get_current_context().meta.get(_DEBUG) and exc.__cause__ is not None:
                traceback.print_exception(exc.__cause__, file=sys.stderr)
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except InputRejected as exc:
            _fail(str(exc), EXIT_REFUSED, exc)
        except StoreBusy as exc:
            _fail(_first_line(exc), EXIT_BUSY, exc)
        except (StoreError, SettingsError) as exc:
            _fail(_first_line(exc), EXIT_BROKEN, exc)
        except MemoryError as exc:
            _fail("out of memory; nothing was written", EXIT_BROKEN, exc)
        except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into messages
            _fail(
                f"unexpected {type(exc).__name__}: {_first_line(exc)} (nothing was written; "
                "--debug shows the traceback)",
                EXIT_BROKEN,
                exc,
            )
        return None

    return run


class Group(click.Group):
    """The ``omraadekort`` group: every command added gets ``--debug`` and ``--wait`` and runs
    :func:`guarded`."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(
            click.Option(
                ["--debug"],
                is_flag=True,
                expose_value=False,
                is_eager=True,
                callback=_remember(_DEBUG),
                help="On an error, print the Python traceback too.",
            )
        )
        cmd.params.append(
            click.Option(
                ["--wait"],
                type=click.FloatRange(min=0),
                default=None,
                metavar="SECONDS",
                expose_value=False,
                is_eager=True,
                callback=_remember(_WAIT),
                help="When another command is writing the store, wait at most this long "
                "(default: as long as it takes) before giving up with exit status 3.",
            )
        )
        if cmd.callback is not None:
            cmd.callback = guarded(cmd.callback)
        super().add_command(cmd, name)
