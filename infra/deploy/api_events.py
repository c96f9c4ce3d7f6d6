"""The API events of template.yaml, written from the code: each function's Api events are exactly the routes
its own app (its Handler) serves, public exactly where the route says so. Every route the code has is served by
exactly one function.

    python -m infra.deploy.api_events           # rewrite template.yaml's Api events
    python -m infra.deploy.api_events --check   # exit 1 and name the difference when the template is stale

Each function's app is read in a process of its own, as Lambda loads it: a blueprint can join one app only,
so two apps in one process would hide routes from each other."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPOSITORY_ROOT / "template.yaml"
API_ID = "GridvendApi"
RESOURCE = re.compile(r"^  (\w+):\s*$")
FUNCTION_TYPE = re.compile(r"^    Type: AWS::Serverless::Function\s*$")
HANDLER = re.compile(r"^      Handler: (\S+)\s*$")
EVENTS = re.compile(r"^      Events:\s*$")
API_EVENT = re.compile(r"^        \w+: \{Type: Api, ")

_ROUTES_OF_APP = """
import importlib, json, sys
module, attribute = sys.argv[1].rsplit(".", 1)
app = getattr(importlib.import_module(module), attribute)
print(json.dumps([[entry.view_name, path, method, entry.authorizer is None]
                  for path, methods in app.routes.items() for method, entry in methods.items()]))
"""


@dataclass(frozen=True)
class ApiRoute:
    view: str
    path: str
    method: str
    public: bool

    @property
    def view_event(self) -> str:
        return "".join(part.capitalize() for part in self.view.split("_"))

    def event_line(self, name: str) -> str:
        path = f'"{self.path}"' if "{" in self.path else self.path
        auth = ", Auth: {Authorizer: NONE}" if self.public else ""
        return (f"        {name}: {{Type: Api, Properties: {{RestApiId: !Ref {API_ID}, Path: {path}, "
                f"Method: {self.method.lower()}{auth}}}}}")


@dataclass(frozen=True)
class TemplateFunction:
    name: str
    handler: str
    events_line: int | None  # index of the "Events:" line, None when the function has none


def template_functions(lines: list[str]) -> list[TemplateFunction]:
    found: list[TemplateFunction] = []
    index = 0
    while index < len(lines):
        header = RESOURCE.match(lines[index])
        if header and index + 1 < len(lines) and FUNCTION_TYPE.match(lines[index + 1]):
            end = index + 2
            while end < len(lines) and not RESOURCE.match(lines[end]) and not lines[end].startswith(("#", "Outputs")):
                end += 1
            body = range(index + 1, end)
            handler = next((m.group(1) for i in body if (m := HANDLER.match(lines[i]))), "")
            events = next((i for i in body if EVENTS.match(lines[i])), None)
            found.append(TemplateFunction(header.group(1), handler, events))
            index = end
        else:
            index += 1
    return found


def app_routes(handler: str) -> list[ApiRoute]:
    """The routes a handler's Chalice app serves, read in a fresh interpreter; [] for a plain Lambda handler."""
    probe = [sys.executable, "-c", _ROUTES_OF_APP, handler]
    env_path = f"{REPOSITORY_ROOT}:{REPOSITORY_ROOT / 'layers' / 'gridvend'}"
    done = subprocess.run(probe, capture_output=True, text=True, cwd=REPOSITORY_ROOT, check=False,
                          env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        if "has no attribute 'routes'" in done.stderr:
            return []
        raise RuntimeError(f"cannot read the routes of {handler}:\n{done.stderr}")
    rows = json.loads(done.stdout)
    return sorted((ApiRoute(*row) for row in rows), key=lambda route: (route.path, route.method))


def routes_by_function(functions: list[TemplateFunction]) -> dict[str, list[ApiRoute]]:
    by_handler = {handler: app_routes(handler) for handler in sorted({f.handler for f in functions if f.handler})}
    routed = {function.name: by_handler.get(function.handler, []) for function in functions}
    served = Counter((route.path, route.method) for routes in routed.values() for route in routes)
    twice = sorted(route for route, count in served.items() if count > 1)
    if twice:
        raise ValueError(f"routes served by more than one function (give each function its own app): {twice}")
    return routed


def event_names(routes: list[ApiRoute]) -> list[str]:
    """The view's name in CamelCase; a view that answers several methods adds the method to each."""
    views = Counter(route.view_event for route in routes)
    return [route.view_event + (route.method.capitalize() if views[route.view_event] > 1 else "") for route in routes]


def with_api_events(text: str, routed: dict[str, list[ApiRoute]]) -> str:
    """The template with each function's single-line Api events replaced by its app's routes."""
    lines = text.split("\n")
    for function in reversed(template_functions(lines)):
        routes = routed.get(function.name, [])
        if function.events_line is None:
            if routes:
                raise ValueError(f"{function.name} serves routes but has no 'Events:' section to write them in")
            continue
        start = function.events_line + 1
        end = start
        while end < len(lines) and (lines[end].startswith("        ") or not lines[end].strip()):
            if not lines[end].strip():
                break
            end += 1
        kept = [line for line in lines[start:end] if not API_EVENT.match(line)]
        written = [route.event_line(name) for route, name in zip(routes, event_names(routes), strict=True)]
        lines[start:end] = written + kept
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether template.yaml is current")
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    options = parser.parse_args(argv)
    text = options.template.read_text()
    current = with_api_events(text, routes_by_function(template_functions(text.split("\n"))))
    if current == text:
        print(f"{options.template.name}: the API events match the code")
        return 0
    if options.check:
        print(f"{options.template.name} is stale: run `python -m infra.deploy.api_events`", file=sys.stderr)
        return 1
    options.template.write_text(current)
    print(f"{options.template.name}: API events written from the code")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
