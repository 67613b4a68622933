"""Every setting of the app in one place.

Settings are data: a name (also the environment variable that overrides it), a default and a
help text. ``README.md`` lists each one and ``tests/test_config.py`` checks that it does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected on/off, got {text!r}")


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {text!r}")
        return value

    return parse


def _numbers(count: int) -> Callable[[str], tuple[float, ...]]:
    def parse(text: str) -> tuple[float, ...]:
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            values = ()
        if len(values) != count or any(v < 0 for v in values):
            raise ValueError(
                f"expected {count} non-negative numbers separated by commas, got {text!r}"
            )
        return values

    return parse


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text.strip())
        except ValueError:
            value = 0
        if not value > 0:
            raise ValueError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    return parse


def _between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}, got {text!r}")
        return value

    return parse


def _scrypt_n(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 2**14 or value > 2**20 or value & (value - 1):
        raise ValueError(f"expected a power of two from 16384 to 1048576, got {text!r}")
    return value


TILE_PROVIDERS = ("none", "osm", "tianditu", "amap")


def _tiles(text: str) -> str:
    value = text.strip()
    if value.lower() in TILE_PROVIDERS:
        return value.lower()
    if value.startswith(("http://", "https://")) and all(
        part in value for part in ("{z}", "{x}", "{y}")
    ):
        return value
    raise ValueError(
        f"expected one of {', '.join(TILE_PROVIDERS)} or a URL template with "
        f"{{z}}, {{x}} and {{y}}, got {text!r}"
    )


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, default (as text), parser and help text."""

    name: str
    default: str
    help: str
    parse: Callable[[str], object] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DATA_DIR / 'gridbank.sqlite'}",
        "SQLAlchemy URL of the database. Default: a SQLite file under data/ that `make run` "
        "creates and fills with the demo county. Production: postgresql+psycopg://user:pw@host/db.",
    ),
    Setting(
        "GM_LANGUAGE",
        "zh",
        "Default interface language: zh (Chinese) or en (English).",
        _choice("zh", "en"),
    ),
    Setting(
        "GM_SSO",
        "on",
        "Single sign-on (OIDC, Streamlit's st.login): on shows the button on the sign-in "
        "page when .streamlit/secrets.toml has an [auth] section; off hides it.",
        _bool,
    ),
    Setting(
        "GM_SSO_MATCH",
        "username",
        "How an identity provider's user is matched to an app user: username (claim "
        "preferred_username, else sub, against the username) or email (claim email, "
        "against the e-mail address or a username that is one).",
        _choice("username", "email"),
    ),
    Setting(
        "GM_MAP_TILES",
        "none",
        "Basemap tiles: none (offline, default), osm, tianditu, amap, or an intranet URL "
        "template such as http://tiles.bank.local/{z}/{x}/{y}.png. Only a value other than "
        "none lets the browser leave the machine.",
        _tiles,
    ),
    Setting("GM_TIANDITU_KEY", "", "Key for Tianditu tiles (only with GM_MAP_TILES=tianditu)."),
    Setting(
        "GM_DEMO_ACCOUNTS",
        "on",
        "Demo accounts hq / branch / manager (password demo) can sign in: on or off. "
        "Turn off on any real deployment.",
        _bool,
    ),
    Setting(
        "GM_SESSION_HOURS", "12", "Hours a sign-in lasts before the user must sign in again.", int
    ),
    Setting(
        "GM_IDLE_MINUTES",
        "30",
        "Minutes without a click after which a sign-in ends "
        "(besides the absolute GM_SESSION_HOURS).",
        _positive(int),
    ),
    Setting(
        "GM_SIGNIN_MAX_FAILURES",
        "5",
        "Failed sign-ins in a row after which an account is locked for "
        "GM_SIGNIN_LOCK_MINUTES (head office can unlock it earlier).",
        _positive(int),
    ),
    Setting(
        "GM_SIGNIN_CLIENT_MAX_FAILURES",
        "20",
        "Failed sign-ins from one client address (any usernames) within "
        "GM_SIGNIN_LOCK_MINUTES after which that address is refused until the window "
        "has passed.",
        _positive(int),
    ),
    Setting(
        "GM_SIGNIN_LOCK_MINUTES",
        "15",
        "Minutes a lock-out lasts, and the window in which a client's failures are counted.",
        _positive(int),
    ),
    Setting(
        "GM_BEHIND_PROXY",
        "off",
        "on when a reverse proxy is in front that sets X-Forwarded-For: the client "
        "address is then the last entry of that header (the one the proxy saw). Leave off "
        "when clients reach Streamlit directly, or anyone could choose their address.",
        _bool,
    ),
    Setting("GM_PASSWORD_MIN_LENGTH", "10", "Shortest password a user may choose.", _positive(int)),
    Setting(
        "GM_PASSWORD_CLASSES",
        "3",
        "Character classes (lower case, upper case, digits, others) a password must mix; 1-4.",
        _between(1, 4),
    ),
    Setting(
        "GM_SCRYPT_N",
        "131072",
        "scrypt cost N for password hashes (r=8, p=1; 131072 = 2**17 as OWASP recommends, "
        "about 128 MB and a fraction of a second per hash). A power of two from 16384. Only "
        "the test suite lowers it (to 16384) to stay fast; never lower it in production. "
        "Older, cheaper hashes are upgraded when their user signs in.",
        _scrypt_n,
    ),
    Setting(
        "GM_TIER_AUM",
        "200000,50000",
        "AUM (deposits + wealth, yuan) from which a customer is high-end (高端) and core "
        "(核心); below is basic (基础).",
        _numbers(2),
    ),
    Setting(
        "GM_VISITS_PER_YEAR",
        "12,4,1",
        "Visits a year a high-end, core and basic customer should get (monthly, quarterly, "
        "yearly); grid workload and overdue visits follow it.",
        _numbers(3),
    ),
    Setting("GM_MINUTES_PER_VISIT", "30", "Minutes a visit takes, for grid workload.", int),
    Setting(
        "GM_VISITS_PER_WEEK",
        "36",
        "Visits a customer manager plans a week: how many customers the planner picks.",
        _positive(int),
    ),
    Setting(
        "GM_WORK_DAYS",
        "5",
        "Working days a week the route splits the planned visits into.",
        _positive(int),
    ),
    Setting(
        "GM_CHECKIN_MAX_M",
        "500",
        "Metres between a visit's check-in position and the customer above which the "
        "visit is flagged.",
        _positive(float),
    ),
    Setting(
        "GM_MAX_SPEED_KMH",
        "60",
        "Speed (km/h) between two consecutive on-site visits of one manager above which "
        "the later visit is flagged.",
        _positive(float),
    ),
    Setting(
        "GM_BURST_VISITS",
        "3",
        "This many visits or more by one manager within GM_BURST_MINUTES are flagged.",
        _positive(int),
    ),
    Setting(
        "GM_BURST_MINUTES", "10", "Minutes of the window of GM_BURST_VISITS.", _positive(float)
    ),
    Setting(
        "GM_PROGRESS_BANDS",
        "5,5,15",
        "Status bands in percentage points of completion against time progress (序时进度): "
        "ahead from +a, on track from -b, lagging from -c, seriously lagging below; for "
        "lower-is-better metrics (NPL ratio) the comparison is inverted.",
        _numbers(3),
    ),
    Setting(
        "GM_DEMO_CUSTOMERS",
        "230000",
        "Individual customers in the demo county that `make run` seeds on first run "
        "(merchants and corporates are added in proportion).",
        int,
    ),
    Setting(
        "GM_DEMO_SEED", "20261123", "Random seed of the demo county (same seed, same bank).", int
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """Return the parsed value of setting ``name`` (environment first, then the default).

    Raises
    ------
    KeyError
        If ``name`` is not a setting.
    ValueError
        If the environment holds a value the setting cannot parse; the message names it.
    """
    setting = _BY_NAME[name]
    raw = os.environ.get(name, setting.default)
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name}: {exc}") from None


def database_url() -> str:
    return str(get("DATABASE_URL"))
