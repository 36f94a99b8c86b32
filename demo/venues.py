"""The demo venues: St Luke's Co-working Hub and the Neighbourhood Lab, their spaces, rules,
opening hours and the weekly bookings that predate sharing.

Plain data, read by `demo.build`, `demo.past` and `demo.upcoming`. Names and addresses are
invented but plausible for Ladywood, Birmingham.
"""

from dataclasses import dataclass, field
from datetime import time

from spaces.models import Space

from .people import LAB_MANAGER, ST_LUKES_MANAGER, DemoLogin


@dataclass(frozen=True)
class SpaceSpec:
    slug: str
    name: str
    kind: str
    capacity: int
    description: str
    amenities: tuple[str, ...]
    step_free: bool
    hearing_loop: bool
    accessible_toilet: bool
    quiet: bool
    # Rules, in minutes (horizon in days).
    slot_step: int
    min_duration: int
    max_duration: int
    min_notice: int
    horizon_days: int
    buffer_after: int = 0
    requires_approval: bool = False
    seats: int = 1
    # How it is used once the venue is fully in use: bookings on an open day, their usual lengths
    # in minutes, and who books it (organisation slugs; "" for members booking as themselves;
    # desk pools are booked by DESK_USERS instead).
    daily_bookings: float = 1.0
    usual_lengths: tuple[int, ...] = (60, 90, 120)
    hirers: tuple[str, ...] = ()
    # The full rate in pounds: per hour, or per desk-day for a desk pool.
    rate: str = "0"


@dataclass(frozen=True)
class RegularSpec:
    """A weekly booking that predates sharing: the venue's baseline use, which carries on."""

    space: str
    weekday: int
    starts: time
    ends: time
    organisation: str
    title: str
    attendees: int


@dataclass(frozen=True)
class VenueSpec:
    slug: str
    name: str
    address: str
    postcode: str
    description: str
    accessibility_notes: str
    manager: DemoLogin
    # weekday (0 = Monday) -> [(opens, closes)]
    hours: dict[int, list[tuple[time, time]]]
    spaces: tuple[SpaceSpec, ...]
    regulars: tuple[RegularSpec, ...]
    opened_days_ago: int
    baseline_weekly_hours: str
    baseline_notes: str
    peak: tuple[time, time]
    publish_busy_times: bool
    publish_impact: bool = False
    extra: dict = field(default_factory=dict)


ST_LUKES = VenueSpec(
    slug="st-lukes",
    name="St Luke's Co-working Hub",
    address="St Luke's Church\nMorville Street\nLadywood\nBirmingham",
    postcode="B16 8DN",
    description=(
        "A Victorian parish church turned co-working hub. Hot desks line the north aisle under the "
        "stained glass, two meeting rooms sit in the old vestry and chancel, and the main hall hosts "
        "lunches, classes and celebrations. The congregation still worships here on Sunday mornings, "
        "so the building opens to bookings on Sunday afternoons only."
    ),
    accessibility_notes=(
        "Level access through the west door on Morville Street (the main steps have a ramp beside "
        "them). Accessible toilet and baby changing off the hall. Hearing loop in the main hall and "
        "the Chancel Room. Two blue-badge spaces in the churchyard car park; the nearest bus stop is "
        "on Ladywood Middleway (routes 8A and 8C)."
    ),
    manager=ST_LUKES_MANAGER,
    hours={
        **{day: [(time(8), time(20))] for day in range(5)},
        5: [(time(9), time(17))],
        6: [(time(13), time(18))],
    },
    spaces=(
        SpaceSpec(
            "hot-desks",
            "Hot desks",
            Space.Kind.DESK_POOL,
            20,
            "Twenty interchangeable desks in the north aisle. Book a seat, sit at any free desk.",
            (
                "Wi-Fi",
                "Power and USB-C at every desk",
                "Lockers",
                "Tea and coffee",
                "Printer and scanner",
            ),
            rate="15",
            step_free=True,
            hearing_loop=False,
            accessible_toilet=True,
            quiet=True,
            slot_step=30,
            min_duration=60,
            max_duration=540,
            min_notice=0,
            horizon_days=28,
            seats=20,
            daily_bookings=13,
            usual_lengths=(480, 480, 540, 360, 240, 180),  # hirers: DESK_USERS
        ),
        SpaceSpec(
            "vestry",
            "Vestry meeting room",
            Space.Kind.MEETING_ROOM,
            6,
            "A quiet wood-panelled room for six around one table.",
            ("Screen with HDMI", "Whiteboard", "Wi-Fi"),
            rate="10",
            step_free=True,
            hearing_loop=False,
            accessible_toilet=True,
            quiet=True,
            slot_step=30,
            min_duration=60,
            max_duration=240,
            min_notice=60,
            horizon_days=60,
            daily_bookings=2.5,
            usual_lengths=(60, 60, 90, 120),
            hirers=(
                "",
                "five-ways-bookkeeping",
                "amira-khan-illustration",
                "dev-patel-software",
                "brindley-carers-network",
                "summerhill-design",
                "ladywood-neighbourhood-team",
            ),
        ),
        SpaceSpec(
            "chancel-room",
            "Chancel Room",
            Space.Kind.MEETING_ROOM,
            12,
            "The former chancel, under a painted ceiling: a meeting room for twelve.",
            ("Projector and screen", "Hearing loop", "Flip chart", "Wi-Fi"),
            rate="12",
            step_free=True,
            hearing_loop=True,
            accessible_toilet=True,
            quiet=False,
            slot_step=30,
            min_duration=60,
            max_duration=480,
            min_notice=120,
            horizon_days=90,
            buffer_after=15,
            daily_bookings=1.8,
            usual_lengths=(90, 120, 120, 180),
            hirers=(
                "ladywood-food-share",
                "midlands-refugee-welcome",
                "brindley-carers-network",
                "ladywood-residents-forum",
                "reservoir-walkers",
                "summerhill-design",
                "ladywood-neighbourhood-team",
                "ladywood-social-prescribing",
                "canal-side-bikes",
            ),
        ),
        SpaceSpec(
            "main-hall",
            "Main hall",
            Space.Kind.HALL,
            80,
            "The nave, cleared of pews: a bright hall for up to 80, with a servery.",
            (
                "PA system and two microphones",
                "Stage blocks",
                "80 stacking chairs",
                "12 tables",
                "Servery with hot-water urn",
            ),
            rate="25",
            step_free=True,
            hearing_loop=True,
            accessible_toilet=True,
            quiet=False,
            slot_step=30,
            min_duration=120,
            max_duration=540,
            min_notice=3 * 24 * 60,
            horizon_days=180,
            buffer_after=30,
            requires_approval=True,
            daily_bookings=0.45,
            usual_lengths=(120, 180, 240, 300),
            hirers=(
                "ladywood-food-share",
                "midlands-refugee-welcome",
                "southside-youth-theatre",
                "st-lukes-pcc",
                "ladywood-residents-forum",
                "ladywood-neighbourhood-team",
                "ladywood-social-prescribing",
            ),
        ),
    ),
    regulars=(
        RegularSpec("main-hall", 2, time(12), time(14), "st-lukes-pcc", "Community lunch", 35),
        RegularSpec(
            "chancel-room",
            1,
            time(18),
            time(20),
            "ladywood-residents-forum",
            "Residents' forum meeting",
            10,
        ),
        RegularSpec("vestry", 3, time(10), time(12), "knit-and-natter", "Knit and natter", 6),
    ),
    opened_days_ago=120,
    baseline_weekly_hours="6.0",
    baseline_notes=(
        "Before opening for sharing the building was used about six hours a week outside services: "
        "the Wednesday community lunch, the residents' forum and the knit and natter group."
    ),
    peak=(time(9), time(17)),
    publish_busy_times=True,
    publish_impact=True,
)

NEIGHBOURHOOD_LAB = VenueSpec(
    slug="neighbourhood-lab",
    name="Neighbourhood Lab",
    address="Unit 2, 40 King Edwards Road\nLadywood\nBirmingham",
    postcode="B1 2PZ",
    description=(
        "A former print works by the canal, now a community makerspace: a workshop with benches and "
        "tools, a small studio for recording and photography, and a community kitchen with a five-star "
        "food hygiene rating."
    ),
    accessibility_notes=(
        "Ground floor step-free from the car park, with an accessible toilet. The studio is on the first "
        "floor, reached by stairs only (no lift). The workshop can be noisy when machines are running."
    ),
    manager=LAB_MANAGER,
    hours={
        **{day: [(time(9), time(21))] for day in range(5)},
        5: [(time(10), time(16))],
    },
    spaces=(
        SpaceSpec(
            "workshop",
            "Workshop room",
            Space.Kind.WORKSHOP,
            20,
            "Benches for twenty, tools on the wall, big windows onto the canal.",
            (
                "Workbenches",
                "Hand and power tools",
                "Six sewing machines",
                "Deep sink",
                "First-aid kit",
            ),
            rate="18",
            step_free=True,
            hearing_loop=False,
            accessible_toilet=True,
            quiet=False,
            slot_step=30,
            min_duration=60,
            max_duration=360,
            min_notice=24 * 60,
            horizon_days=90,
            buffer_after=15,
            daily_bookings=1.4,
            usual_lengths=(120, 120, 180, 240),
            hirers=(
                "canal-side-bikes",
                "ladywood-repair-cafe",
                "summerhill-design",
                "southside-youth-theatre",
                "midlands-refugee-welcome",
                "reservoir-walkers",
            ),
        ),
        SpaceSpec(
            "studio",
            "Studio",
            Space.Kind.STUDIO,
            8,
            "A soundproofed first-floor studio for recording, photography and rehearsals.",
            ("Lighting kit", "Paper backdrops", "Soundproofing", "Upright piano"),
            rate="15",
            step_free=False,
            hearing_loop=False,
            accessible_toilet=False,
            quiet=True,
            slot_step=60,
            min_duration=60,
            max_duration=240,
            min_notice=120,
            horizon_days=60,
            daily_bookings=1.6,
            usual_lengths=(60, 120, 120, 180),
            hirers=(
                "",
                "summerhill-design",
                "amira-khan-illustration",
                "southside-youth-theatre",
                "dev-patel-software",
            ),
        ),
        SpaceSpec(
            "kitchen",
            "Community kitchen",
            Space.Kind.KITCHEN,
            12,
            "A commercial kitchen for cookery classes, community meals and food start-ups.",
            (
                "Six-burner range",
                "Two ovens",
                "Commercial dishwasher",
                "Aprons and hairnets",
                "Food hygiene rating 5",
            ),
            rate="20",
            step_free=True,
            hearing_loop=False,
            accessible_toilet=True,
            quiet=False,
            slot_step=30,
            min_duration=120,
            max_duration=360,
            min_notice=2 * 24 * 60,
            horizon_days=120,
            buffer_after=30,
            requires_approval=True,
            daily_bookings=0.5,
            usual_lengths=(120, 180, 240),
            hirers=(
                "ladywood-food-share",
                "ladywood-social-prescribing",
                "midlands-refugee-welcome",
                "canal-side-bikes",
                "st-lukes-pcc",
            ),
        ),
    ),
    regulars=(
        RegularSpec("workshop", 5, time(10), time(13), "ladywood-repair-cafe", "Repair café", 15),
        RegularSpec(
            "studio", 3, time(18), time(19), "southside-youth-theatre", "Youth drama rehearsal", 8
        ),
    ),
    opened_days_ago=91,
    baseline_weekly_hours="4.0",
    baseline_notes="Before opening for sharing: the Saturday repair café and one youth theatre rehearsal a week.",
    peak=(time(17), time(21)),
    publish_busy_times=False,
)

VENUES = (ST_LUKES, NEIGHBOURHOOD_LAB)
