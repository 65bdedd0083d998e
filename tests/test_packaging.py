"""The wheel: `tin-so-bot` installed from it answers on the shipped sample, far from the source."""

import os
import subprocess
import sys
import venv
from pathlib import Path

from .conftest import ROOT


def test_an_installed_wheel_answers_with_its_own_data(tmp_path: Path) -> None:
    # Without PYTHONPATH: pointing at the checkout, it would show pip the checkout's
    # tin_so_bot.egg-info as an installed tin-so-bot, and pip would install nothing.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        env=clean,
    )
    (wheel,) = wheels.glob("tin_so_bot-*.whl")
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)  # dependencies: ours
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        env=clean,
    )
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"))
    answer = subprocess.run(
        [str(environment / "bin" / "tin-so-bot"), "ask", "--json", "hội thảo chính quyền điện tử"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr
    assert '"title": "Hội thảo xây dựng chính quyền điện tử' in answer.stdout
    assert (home / "share" / "tin-so-bot" / "tin-so-bot.sqlite3").is_file()
    where = subprocess.run(
        [str(python), "-c", "import bot; print(bot.__file__)"], cwd=tmp_path, env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert str(environment) in where.stdout  # the wheel's copy answered, not the source tree
