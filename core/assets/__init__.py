"""The map's web files (Leaflet and plugins) pinned, fetched from the npm registry and served by the app itself (base)."""
