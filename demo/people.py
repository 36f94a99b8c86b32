"""The demo's people: the logins, the members, their organisations and habits, and what they
write when they cancel or decline.

Plain data, read by `demo.build`, `demo.past` and `demo.upcoming`. Names and charity numbers
are invented but plausible for Ladywood, Birmingham; every email address is under the reserved
`.test` domain.
"""

from dataclasses import dataclass

from bookings.models import Booking
from members.models import Organisation

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
    "Freelance illustrator on the Hot desk 10 days plan",
)
CHARITY_ADMIN = DemoLogin(
    "charity@commonshare.test",
    "demo-charity-2026",
    "Joseph Adeyemi",
    "Organisation admin, Ladywood Food Share (Community group plan)",
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
    org_id: str = ""  # GB-CHC-... for a registered charity (members/org_ids.py)
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
        org_id="GB-CHC-1183402",
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
        org_id="GB-CHC-1169275",
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
        org_id="GB-CHC-1152819",
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
        org_id="GB-CHC-1176630",
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

# What bookers write when they cancel, and managers when they decline.
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
