from bot.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_user_is_told_how_long_to_wait() -> None:
    clock = Clock()
    throttle = Throttle(burst=3, per_minute=12, clock=clock)  # one more every 5 s
    assert [throttle.wait_seconds(7) for _ in range(3)] == [0, 0, 0]
    assert throttle.wait_seconds(7) == 5
    clock.now += 2
    assert throttle.wait_seconds(7) == 3
    clock.now += 3
    assert throttle.wait_seconds(7) == 0
    assert throttle.wait_seconds(8) == 0  # other users are not affected


def test_the_bucket_refills_to_the_burst_and_no_more() -> None:
    clock = Clock()
    throttle = Throttle(burst=2, per_minute=60, clock=clock)
    throttle.wait_seconds(1), throttle.wait_seconds(1)
    clock.now += 3600
    assert [throttle.wait_seconds(1) for _ in range(3)] == [0, 0, 1]


def test_idle_users_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    throttle = Throttle(burst=1, per_minute=60, clock=clock, max_users=100)
    for user in range(100):
        throttle.wait_seconds(user)
    clock.now += 5
    throttle.wait_seconds(1000)
    assert len(throttle._buckets) <= 2
