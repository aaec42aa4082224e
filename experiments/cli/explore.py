"""`attrition view` and `attrition scenarios`: the interactive view in a browser, and what is built in."""

import sys

from experiments.cli import options
from model import builtin_scenarios, load_scenario


def view_command(args) -> int:
    """Serve the interactive view (solara) until interrupted or killed.

    The process becomes `solara run` (exec, not a child): a SIGTERM or SIGINT to `attrition view` reaches the
    server itself, so nothing is left serving the port.
    """
    import os

    command = [sys.executable, "-m", "solara", "run", "app.view", "--host", args.host, "--port", str(args.port),
               "--production", "--no-open"]
    print(f"serving the view on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    os.execv(sys.executable, command)
    return 0  # not reached: exec replaces this process


def scenarios_command(args) -> int:
    """List the built-in scenarios and sweep specs with their descriptions."""
    from experiments.sweep.spec import builtin_specs, load_spec

    print("scenarios:")
    for name in builtin_scenarios():
        print(f"  {name:<20} {load_scenario(name).description}")
    print("sweep specs:")
    for name in builtin_specs():
        print(f"  {name:<20} {load_spec(name).description}")
    return 0


def add_commands(sub) -> None:
    """The commands' grammar, under the top-level parser's subcommands `sub`."""
    view = sub.add_parser("view", help="serve the interactive view of the campaign (Mesa SolaraViz) in a browser")
    view.add_argument("--port", type=options.port, default=8765, help="port, 1 to 65535 (default 8765)")
    view.add_argument("--host", default="localhost", help="host to listen on (default localhost)")
    view.set_defaults(handler=view_command, interrupted="the view stopped")
    listing = sub.add_parser("scenarios", help="list the built-in scenarios and sweep specs")
    listing.set_defaults(handler=scenarios_command, interrupted="nothing was written")
