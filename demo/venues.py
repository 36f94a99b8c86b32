"""What the demo neighbourhood is made of: venues, spaces, organisations, people and their habits.

Plain data, read by `demo.build`. Names, addresses and charity numbers are invented but
plausible for Ladywood, Birmingham; every email address is under the reserved `.test` domain.
"""

from dataclasses import dataclass, field
from datetime import time

from bookings.models import Booking
from members.models import Organisation
from spaces.models import Space

Activity = Booking.Activity
Kind = Organisation.Kind


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    name: str
    role: str


STAFF = DemoLogin(
    "staff@commonshare.test", "demo-staff-2026", "Sam Okafor", "Staff (superuser, Django admin)"
)
ST_LUKES_MANAGER = DemoLogin(
    "manager.stlukes@commonshare.test",
    "demo-stlukes-2026",
    "Grace Mensah",
    "Venue manager, St Luke's Co-working Hub",
)
LAB_MANAGER = DemoLogin(
    "manager.lab@commonshare.test",
    "demo-lab-2026",
    "Tom Hughes",
    "Venue manager, Neighbourhood Lab",
)
FREELANCER = DemoLogin(
    "freelancer@commonshare.test",
    "demo-freelancer-2026",
    "Amira Khan",
    "Freelance illustrator (books hot desks)",
)
CHARITY_ADMIN = DemoLogin(
    "charity@commonshare.test",
    "demo-charity-2026",
    "Joseph Adeyemi",
    "Organisation admin, Ladywood Food Share",
)
LOGINS = (FREELANCER, CHARITY_ADMIN, ST_LUKES_MANAGER, LAB_MANAGER, STAFF)


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    kind: str
    district: str
    activity: str
    titles: tuple[str, ...]
    # (email, display name); the first person is the organisation admin.
    people: tuple[tuple[str, str], ...]
    charity_number: str = ""
    about: str = ""


ORGANISATIONS = (
    OrganisationSpec(
        "ladywood-food-share",
        "Ladywood Food Share",
        Kind.CHARITY,
        "B16",
        Activity.SOCIAL,
        ("Volunteer briefing", "Food parcel packing", "Trustees' meeting", "Community meal"),
        (
            (CHARITY_ADMIN.email, CHARITY_ADMIN.name),
            ("ruth.campbell@commonshare.test", "Ruth Campbell"),
            ("imran.hussain@commonshare.test", "Imran Hussain"),
        ),
        charity_number="1183402",
        about="Emergency food parcels and a weekly community meal for Ladywood families.",
    ),
    OrganisationSpec(
        "midlands-refugee-welcome",
        "Midlands Refugee Welcome",
        Kind.CHARITY,
        "B18",
        Activity.LEARNING,
        ("English conversation club", "Drop-in advice session", "Volunteer training"),
        (
            ("leila.haddad@commonshare.test", "Leila Haddad"),
            ("mark.evans@commonshare.test", "Mark Evans"),
        ),
        charity_number="1169275",
        about="Conversation clubs and advice for people newly settled in Birmingham.",
    ),
    OrganisationSpec(
        "brindley-carers-network",
        "Brindley Carers Network",
        Kind.CHARITY,
        "B1",
        Activity.HEALTH,
        ("Carers' coffee morning", "Peer support group", "Trustees' meeting"),
        (("helen.morris@commonshare.test", "Helen Morris"),),
        charity_number="1152819",
        about="Peer support for unpaid carers around Brindleyplace and Ladywood.",
    ),
    OrganisationSpec(
        "southside-youth-theatre",
        "Southside Youth Theatre",
        Kind.CHARITY,
        "B5",
        Activity.ARTS,
        ("Youth drama rehearsal", "Drama workshop", "Showcase"),
        (
            ("olivia.grant@commonshare.test", "Olivia Grant"),
            ("marcus.reid@commonshare.test", "Marcus Reid"),
        ),
        charity_number="1176630",
        about="Drama for 11–18 year olds from Digbeth to Ladywood.",
    ),
    OrganisationSpec(
        "st-lukes-pcc",
        "St Luke's Parochial Church Council",
        Kind.CHARITY,
        "B16",
        Activity.FAITH,
        ("Community lunch", "Parish council meeting", "Harvest supper"),
        (("margaret.jones@commonshare.test", "Margaret Jones"),),
        about="The church council of St Luke's, an excepted charity (no registration number).",
    ),
    OrganisationSpec(
        "ladywood-residents-forum",
        "Ladywood Residents' Forum",
        Kind.COMMUNITY_GROUP,
        "B16",
        Activity.CIVIC,
        ("Residents' forum meeting", "Planning subgroup", "Annual general meeting"),
        (
            ("patrick.byrne@commonshare.test", "Patrick Byrne"),
            (CHARITY_ADMIN.email, CHARITY_ADMIN.name),
        ),
        about="Tenants and residents of Ladywood's estates, meeting monthly.",
    ),
    OrganisationSpec(
        "reservoir-walkers",
        "Edgbaston Reservoir Walkers",
        Kind.COMMUNITY_GROUP,
        "B15",
        Activity.HEALTH,
        ("Route planning evening", "Walk leaders' training", "Annual general meeting"),
        (("sunita.kaur@commonshare.test", "Sunita Kaur"),),
        about="Free weekly health walks round Edgbaston Reservoir.",
    ),
    OrganisationSpec(
        "knit-and-natter",
        "St Luke's Knit and Natter",
        Kind.COMMUNITY_GROUP,
        "B16",
        Activity.SOCIAL,
        ("Knit and natter", "Craft swap"),
        (("doreen.walsh@commonshare.test", "Doreen Walsh"),),
        about="Knitting, crochet and a cup of tea, every Thursday morning.",
    ),
    OrganisationSpec(
        "canal-side-bikes",
        "Canal Side Bikes CIC",
        Kind.SOCIAL_ENTERPRISE,
        "B1",
        Activity.LEARNING,
        ("Bike maintenance class", "Board meeting", "Volunteer mechanics' night"),
        (
            ("dan.fletcher@commonshare.test", "Dan Fletcher"),
            ("aisha.begum@commonshare.test", "Aisha Begum"),
        ),
        about="Refurbished bikes and repair classes by the Birmingham Canal.",
    ),
    OrganisationSpec(
        "ladywood-repair-cafe",
        "Ladywood Repair Café CIC",
        Kind.SOCIAL_ENTERPRISE,
        "B16",
        Activity.LEARNING,
        ("Repair café", "Fixers' training", "Sewing repairs"),
        (("george.thompson@commonshare.test", "George Thompson"),),
        about="Volunteer fixers mend toasters, trousers and bikes for free.",
    ),
    OrganisationSpec(
        "summerhill-design",
        "Summerhill Design Studio Ltd",
        Kind.BUSINESS,
        "B1",
        Activity.ENTERPRISE,
        ("Client workshop", "Photo shoot", "Team day"),
        (
            ("ella.robinson@commonshare.test", "Ella Robinson"),
            ("ben.carter@commonshare.test", "Ben Carter"),
        ),
        about="A four-person branding and web studio.",
    ),
    OrganisationSpec(
        "five-ways-bookkeeping",
        "Five Ways Bookkeeping Ltd",
        Kind.BUSINESS,
        "B15",
        Activity.ENTERPRISE,
        ("Client meeting", "Payroll training", "Interviews"),
        (("nadia.malik@commonshare.test", "Nadia Malik"),),
        about="Bookkeeping and payroll for small charities and traders.",
    ),
    OrganisationSpec(
        "amira-khan-illustration",
        "Amira Khan Illustration",
        Kind.FREELANCER,
        "B16",
        Activity.ARTS,
        ("Client meeting", "Portfolio shoot"),
        ((FREELANCER.email, FREELANCER.name),),
        about="Children's book and editorial illustration.",
    ),
    OrganisationSpec(
        "dev-patel-software",
        "Dev Patel Software",
        Kind.FREELANCER,
        "B17",
        Activity.ENTERPRISE,
        ("Client call", "Sprint planning"),
        (("dev.patel@commonshare.test", "Dev Patel"),),
        about="Web applications for charities.",
    ),
    OrganisationSpec(
        "ladywood-neighbourhood-team",
        "Birmingham City Council: Ladywood Neighbourhood Team",
        Kind.PUBLIC_BODY,
        "B1",
        Activity.CIVIC,
        ("Ward surgery", "Community safety meeting", "Consultation drop-in"),
        (
            ("claire.osei@commonshare.test", "Claire Osei"),
            ("james.lee@commonshare.test", "James Lee"),
        ),
        about="The council's neighbourhood officers for Ladywood ward.",
    ),
    OrganisationSpec(
        "ladywood-social-prescribing",
        "Ladywood Social Prescribing Service (NHS)",
        Kind.PUBLIC_BODY,
        "B18",
        Activity.HEALTH,
        ("Social prescribing drop-in", "Healthy eating workshop", "Chair-based exercise"),
        (("fiona.bailey@commonshare.test", "Fiona Bailey"),),
        about="Link workers from the local GP practices.",
    ),
)

# Members who book as themselves (hot desks, the odd meeting), besides the freelancers above.
INDIVIDUALS = (
    ("chloe.bennett@commonshare.test", "Chloe Bennett"),
    ("hassan.ali@commonshare.test", "Hassan Ali"),
    ("megan.price@commonshare.test", "Megan Price"),
    ("kwame.boateng@commonshare.test", "Kwame Boateng"),
    ("lucy.zhang@commonshare.test", "Lucy Zhang"),
    ("ryan.oconnor@commonshare.test", "Ryan O'Connor"),
    ("tariq.mahmood@commonshare.test", "Tariq Mahmood"),
    ("sophie.turner@commonshare.test", "Sophie Turner"),
    ("adebayo.ogun@commonshare.test", "Adebayo Ogun"),
    ("ellie.walsh@commonshare.test", "Ellie Walsh"),
    ("jack.nguyen@commonshare.test", "Jack Nguyen"),
    ("zainab.hussein@commonshare.test", "Zainab Hussein"),
)

# Who sits at the hot desks: (email, the organisation the desk is booked for, or "", how often).
# One desk a day each, so a busy day needs about as many regulars as there are seats.
DESK_USERS = (
    (FREELANCER.email, "amira-khan-illustration", 4),
    ("dev.patel@commonshare.test", "dev-patel-software", 3),
    ("ella.robinson@commonshare.test", "summerhill-design", 1),
    ("ben.carter@commonshare.test", "summerhill-design", 1),
    ("nadia.malik@commonshare.test", "five-ways-bookkeeping", 2),
    ("dan.fletcher@commonshare.test", "canal-side-bikes", 1),
    ("leila.haddad@commonshare.test", "midlands-refugee-welcome", 1),
    ("mark.evans@commonshare.test", "midlands-refugee-welcome", 1),
) + tuple((email, "", 2) for email, _name in INDIVIDUALS)
INDIVIDUAL_TITLES = (
    "Client meeting",
    "Job interview",
    "Study group",
    "Mentoring session",
    "Focus time",
)


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

CANCELLATION_REASONS = (
    "Our trainer is ill; we will rebook.",
    "Moved online this week.",
    "Plans changed.",
    "Not enough people signed up.",
    "",
)
DECLINE_REASONS = (
    "The space is needed for a funeral that day, sorry. Could another date work?",
    "We cannot host amplified music at that time; the vestry has a meeting next door.",
    "That is too many people for the kitchen's fire limit. Please split into two sessions.",
    "The hall is too big for this group: please book the Chancel Room instead.",
)
