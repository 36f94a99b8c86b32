"""Run by test_concurrency.py in a fresh interpreter, with DATABASE_URL pointing at a new SQLite file and
the project's settings (IMMEDIATE transactions): 20 threads race for one slot of a room, then 20 for a
5-seat desk pool. Prints one RESULT line of JSON: per space, each thread's outcome and the rows stored."""

import json
import threading

import django

THREADS = 20


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from bookings.models import Booking
    from bookings.services import BookingError, request_booking
    from members.models import Member
    from tests.bookings.conftest import at
    from tests.conftest import NOW
    from tests.factories import DeskPoolFactory, SpaceFactory, VenueFactory

    venue = VenueFactory()
    spaces = {
        "room": SpaceFactory(venue=venue, name="Race room"),
        "pool": DeskPoolFactory(venue=venue, seats=5),
    }
    members = [Member.objects.create(email=f"racer{n}@example.org") for n in range(THREADS)]
    connection.close()
    result = {}
    for name, space in spaces.items():
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def attempt(member, space=space, barrier=barrier, outcomes=outcomes, lock=lock) -> None:
            try:
                barrier.wait(timeout=30)
                request_booking(
                    booker=member,
                    space=space,
                    starts_at=at(10),
                    ends_at=at(12),
                    title="Race",
                    now=NOW,
                )
                outcome = "won"
            except BookingError:
                outcome = "refused"
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                outcome = f"crashed: {type(exc).__name__}: {exc}"
            finally:
                connection.close()
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=attempt, args=(member,)) for member in members]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result[name] = {"outcomes": outcomes, "stored": Booking.objects.filter(space=space).count()}
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
