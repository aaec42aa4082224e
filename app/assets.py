"""Put the browser files Solara fetches from jsDelivr, and the map's shapes, into its cache from the npm registry.

    python -m app.assets          # run by `make setup`; safe to run again

Solara's server serves `/_solara/cdn/<package>@<version>/<file>` from
`<prefix>/share/solara/cdn/`, fetching from cdn.jsdelivr.net what is not
there. On machines that reach the npm registry but not the CDN (CI here, and
some offices) the page would stay blank; this fills the cache with the same
files from the packages' npm tarballs. Where the CDN is reachable it changes
nothing for them. The map's country shapes (Natural Earth, as TopoJSON, from
the npm package `world-atlas`) land in the same cache and are read from there
by `app.geo`: the view never downloads anything at run time.
"""

import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGES = ("@widgetti/solara-vuetify3-app@5.2.0", "font-awesome@4.5.0", "requirejs@2.3.6",
            "@widgetti/vue-grid-layout@2.3.13-alpha.2", "world-atlas@2.0.2")
"""What the view's page asks for (solara 1.64 with Mesa 3.5's SolaraViz), and the map's shapes."""
WORLD_ATLAS = "world-atlas@2.0.2"
"""The package of Natural Earth country shapes the map is drawn from (`countries-50m.json` in it)."""
REGISTRY = "https://registry.npmjs.org"


def cache_dir() -> Path:
    """Solara's CDN cache folder."""
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def world_atlas_file(name: str = "countries-50m.json") -> Path:
    """Where the map's country shapes are once `python -m app.assets` has run (the file may be missing)."""
    return cache_dir() / WORLD_ATLAS / name


def tarball_url(spec: str) -> str:
    """The npm tarball of `name@version`, from the registry's metadata."""
    name, version = spec.rsplit("@", 1)
    with urllib.request.urlopen(f"{REGISTRY}/{name.replace('/', '%2f')}/{version}", timeout=60) as response:
        return json.load(response)["dist"]["tarball"]


def install(spec: str, into: Path) -> int:
    """Unpack one package's files under `into/<name>@<version>/`; returns the files written."""
    target = into / spec
    if (target / ".complete").exists():
        return 0
    with urllib.request.urlopen(tarball_url(spec), timeout=300) as response:
        data = response.read()
    written = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            relative = Path(*Path(member.name).parts[1:])  # drop the tarball's top folder ("package/")
            if ".." in relative.parts:
                continue
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.extractfile(member).read())
            written += 1
    (target / ".complete").write_text("unpacked from the npm registry\n")
    return written


def main() -> int:
    """Fill the cache; a failure is reported, not fatal (the CDN may still be reachable)."""
    into = cache_dir()
    for spec in PACKAGES:
        try:
            count = install(spec, into)
        except OSError as error:
            print(f"app.assets: could not fetch {spec} from the npm registry ({error}); the view will fetch it "
                  "from cdn.jsdelivr.net when it can", file=sys.stderr)
            continue
        print(f"app.assets: {spec}: {'already there' if count == 0 else f'{count} files'} in {into}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
