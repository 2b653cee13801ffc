"""Build a believable demo company. Safe to run again: it converges on the same state."""

import io

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from mentoring.models import User
from mentoring.services import hr_coordinator_grant, people_import_apply
from mentoring.spreadsheet import write_csv
from portal.demo import seed_demo_program

DEMO_PASSWORD = "mentoring-demo-2026"
HR_EMAIL = "hr@example.com"

# (email, first, last, title, department, level, manager)
PEOPLE = [
    ("ava.richter@example.com", "Ava", "Richter", "Chief Executive Officer", "Executive Office", "executive", ""),
    ("marcus.webb@example.com", "Marcus", "Webb", "Chief Technology Officer", "Engineering", "executive", "ava.richter@example.com"),
    ("elena.kovacs@example.com", "Elena", "Kovacs", "Director of Engineering", "Engineering", "director", "marcus.webb@example.com"),
    ("tom.berger@example.com", "Tom", "Berger", "Engineering Manager, Platform", "Engineering", "lead", "elena.kovacs@example.com"),
    ("sara.lindqvist@example.com", "Sara", "Lindqvist", "Engineering Manager, Apps", "Engineering", "lead", "elena.kovacs@example.com"),
    ("raj.patel@example.com", "Raj", "Patel", "Staff Engineer", "Engineering", "senior", "tom.berger@example.com"),
    ("lena.vogel@example.com", "Lena", "Vogel", "Senior Backend Engineer", "Engineering", "senior", "tom.berger@example.com"),
    ("noah.fischer@example.com", "Noah", "Fischer", "Backend Engineer", "Engineering", "mid", "tom.berger@example.com"),
    ("mia.schulz@example.com", "Mia", "Schulz", "Junior Backend Engineer", "Engineering", "junior", "tom.berger@example.com"),
    ("jonas.weber@example.com", "Jonas", "Weber", "Junior DevOps Engineer", "Engineering", "junior", "raj.patel@example.com"),
    ("chloe.martin@example.com", "Chloe", "Martin", "Senior Mobile Engineer", "Engineering", "senior", "sara.lindqvist@example.com"),
    ("leo.nguyen@example.com", "Leo", "Nguyen", "Frontend Engineer", "Engineering", "mid", "sara.lindqvist@example.com"),
    ("emma.koch@example.com", "Emma", "Koch", "Junior Frontend Engineer", "Engineering", "junior", "sara.lindqvist@example.com"),
    ("ben.okafor@example.com", "Ben", "Okafor", "Software Engineering Apprentice", "Engineering", "apprentice", "chloe.martin@example.com"),
    ("priya.shah@example.com", "Priya", "Shah", "Junior Data Engineer", "Engineering", "junior", "raj.patel@example.com"),
    ("olivia.brandt@example.com", "Olivia", "Brandt", "Chief Product Officer", "Product", "executive", "ava.richter@example.com"),
    ("david.moreau@example.com", "David", "Moreau", "Director of Product", "Product", "director", "olivia.brandt@example.com"),
    ("julia.hoffmann@example.com", "Julia", "Hoffmann", "Group Product Manager", "Product", "lead", "david.moreau@example.com"),
    ("samuel.king@example.com", "Samuel", "King", "Senior Product Manager", "Product", "senior", "julia.hoffmann@example.com"),
    ("zoe.adler@example.com", "Zoe", "Adler", "Associate Product Manager", "Product", "junior", "julia.hoffmann@example.com"),
    ("lucas.meyer@example.com", "Lucas", "Meyer", "Lead UX Designer", "Product", "lead", "david.moreau@example.com"),
    ("anna.becker@example.com", "Anna", "Becker", "UX Designer", "Product", "mid", "lucas.meyer@example.com"),
    ("finn.wagner@example.com", "Finn", "Wagner", "Junior UX Researcher", "Product", "junior", "lucas.meyer@example.com"),
    ("grace.liu@example.com", "Grace", "Liu", "Director of Marketing", "Marketing", "director", "ava.richter@example.com"),
    ("oscar.jensen@example.com", "Oscar", "Jensen", "Head of Brand", "Marketing", "lead", "grace.liu@example.com"),
    ("isabel.romero@example.com", "Isabel", "Romero", "Senior Content Strategist", "Marketing", "senior", "oscar.jensen@example.com"),
    ("max.schmitt@example.com", "Max", "Schmitt", "Social Media Specialist", "Marketing", "junior", "oscar.jensen@example.com"),
    ("lea.dubois@example.com", "Lea", "Dubois", "Marketing Apprentice", "Marketing", "apprentice", "oscar.jensen@example.com"),
    ("henry.clarke@example.com", "Henry", "Clarke", "Growth Marketing Manager", "Marketing", "senior", "grace.liu@example.com"),
    ("amira.haddad@example.com", "Amira", "Haddad", "Junior Growth Analyst", "Marketing", "junior", "henry.clarke@example.com"),
    ("claire.dupont@example.com", "Claire", "Dupont", "Chief People Officer", "People & Culture", "director", "ava.richter@example.com"),
    ("hr@example.com", "Hannah", "Reyes", "HR Programs Coordinator", "People & Culture", "senior", "claire.dupont@example.com"),
    ("paul.neumann@example.com", "Paul", "Neumann", "Head of Talent", "People & Culture", "lead", "claire.dupont@example.com"),
    ("nina.petrova@example.com", "Nina", "Petrova", "Talent Acquisition Partner", "People & Culture", "mid", "paul.neumann@example.com"),
    ("ella.sato@example.com", "Ella", "Sato", "Junior People Partner", "People & Culture", "junior", "paul.neumann@example.com"),
    ("robert.lang@example.com", "Robert", "Lang", "Chief Financial Officer", "Finance", "executive", "ava.richter@example.com"),
    ("katrin.wolf@example.com", "Katrin", "Wolf", "Finance Director", "Finance", "director", "robert.lang@example.com"),
    ("daniel.ortiz@example.com", "Daniel", "Ortiz", "Senior Controller", "Finance", "senior", "katrin.wolf@example.com"),
    ("sophie.keller@example.com", "Sophie", "Keller", "Financial Analyst", "Finance", "junior", "daniel.ortiz@example.com"),
    ("yusuf.demir@example.com", "Yusuf", "Demir", "Finance Apprentice", "Finance", "apprentice", "daniel.ortiz@example.com"),
]

TIMEZONES = {"Engineering": "Europe/Berlin", "Product": "Europe/Berlin", "Marketing": "Europe/London", "Finance": "Europe/Zurich"}


def demo_csv() -> str:
    buffer = io.StringIO()
    header = ["email", "first_name", "last_name", "title", "department", "level", "manager_email", "timezone"]
    rows = [
        [email, first, last, title, department, level, manager, TIMEZONES.get(department, "Europe/Berlin")]
        for email, first, last, title, department, level, manager in PEOPLE
    ]
    write_csv(buffer, [header, *rows])
    return buffer.getvalue()


class Command(BaseCommand):
    help = f"Create the demo company ({len(PEOPLE)} people); every demo login uses the password {DEMO_PASSWORD!r}."

    def handle(self, *args, **options):
        # Demo people have no real mailboxes: invitations and decisions are not printed. The
        # demo's coordinator has no authenticator (`make demo` runs with HR_REQUIRE_MFA=0), so
        # the seeding acts as HR under that same setting.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", HR_REQUIRE_MFA=False):
            self._seed()

    def _seed(self):
        with transaction.atomic():
            result = people_import_apply(content=demo_csv())
            emails = [row[0] for row in PEOPLE]
            people = list(User.objects.filter(email__in=emails))
            for user in people:
                if not user.has_usable_password():
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
            verified = set(EmailAddress.objects.filter(user__in=people, verified=True).values_list("user_id", flat=True))
            for user in people:
                if user.pk not in verified:
                    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
            hr = User.objects.get(email=HR_EMAIL)
            hr_coordinator_grant(user=hr)
            program_note = seed_demo_program(hr=hr)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo company ready: {len(people)} people ({result.created} added, {result.updated} updated). "
                f"{program_note} "
                f"Sign in as {HR_EMAIL} (HR) or e.g. mia.schulz@example.com (junior) with password {DEMO_PASSWORD!r}."
            )
        )
