"""Link checks over HTTP (``bot.links``) against local sites on 127.0.0.1.

The sites (``standin.sites``) answer for any host name; a test's resolver maps
names to addresses, so one server on the loopback stands for many hosts, and
names that lead to 10.x or 169.254.169.254 show that the checker refuses them
before connecting (nothing is ever sent there: the refusal comes first).
"""

import datetime
import socket
import ssl
import time
from itertools import pairwise

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.core.watch import FAILED, OK, UNKNOWN
from bot.links import Limits, LinkChecker
from bot.links.address import refusal
from standin.sites import Answer, Sites

FAST = Limits(timeout=0.5, interval=0.05, busy_pause=0.05, longest_wait=3)
LOCAL = "127.0.0.1"


class Resolver:
    """Names a test gives addresses; everything else is the address itself (an IP literal)."""

    def __init__(self, **names: str) -> None:
        self.names = {name.replace("_", "."): [address] for name, address in names.items()}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host in self.names:
            return self.names[host]
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [host]


@pytest.fixture
def sites():
    with Sites.start() as server:
        yield server


def checker(resolver=None, allow=(LOCAL,), limits=FAST, **options) -> LinkChecker:
    return LinkChecker(
        "awesome-vis-bot (test)",
        allow_hosts=allow,
        resolve=resolver or Resolver(),
        limits=limits,
        **options,
    )


def state(outcome) -> tuple[str, str]:
    return outcome.state, outcome.what


# -- what an answer means -----------------------------------------------------------


def test_a_page_that_answers_200_is_ok_and_only_its_first_bytes_are_read(sites):
    sites.page("/paper")
    sites.page("/endless", Answer(endless=True))
    outcomes = checker().check([sites.url("/paper"), sites.url("/endless")])
    assert {url: o.state for url, o in outcomes.items()} == dict.fromkeys(outcomes, OK)
    [first, second] = sites.requests
    assert (first.method, first.headers["User-Agent"]) == ("GET", "awesome-vis-bot (test)")
    assert second.path == "/endless"  # answered, though its body never ends


def test_redirects_are_followed_and_each_target_is_checked(sites):
    sites.page("/old", Answer(301, location="/moved"))
    sites.page("/moved", Answer(302, location=sites.url("/paper", "paper.test")))
    sites.page("/paper")
    sites.page("/to-nowhere", Answer(308, location="/gone"))
    sites.page("/loop", Answer(302, location="/loop"))
    resolver = Resolver(paper_test=LOCAL)
    look = checker(resolver, allow=(LOCAL, "paper.test")).look
    assert look(sites.url("/old")).state == OK
    assert [(r.host, r.path) for r in sites.requests] == [
        (LOCAL, "/old"),
        (LOCAL, "/moved"),
        ("paper.test", "/paper"),
    ]
    assert state(look(sites.url("/to-nowhere"))) == (FAILED, "HTTP 404")
    assert state(look(sites.url("/loop"))) == (FAILED, "more than 5 redirects")
    assert sum(r.path == "/loop" for r in sites.requests) == 6  # the first and five redirects


def test_a_429_is_waited_out_as_retry_after_says_and_asked_again(sites):
    sites.page("/busy", Answer(429, retry_after=1), Answer(200))
    assert checker().look(sites.url("/busy")).state == OK
    first, second = sites.requests
    assert second.at - first.at >= 1.0


def test_rate_limits_and_server_errors_are_unknown_never_failed(sites):
    sites.page("/always-busy", Answer(429, retry_after=1))
    sites.page("/for-an-hour", Answer(429, retry_after=3600))
    sites.page("/down", Answer(503))
    sites.page("/broken", Answer(500))
    sites.page("/robots-refused", Answer(403))
    look = checker().look
    assert state(look(sites.url("/always-busy"))) == (UNKNOWN, "HTTP 429")
    assert sum(r.path == "/always-busy" for r in sites.requests) == 2  # waited for once
    assert state(look(sites.url("/down"))) == (UNKNOWN, "HTTP 503")
    assert state(look(sites.url("/broken"))) == (UNKNOWN, "HTTP 500")
    assert look(sites.url("/robots-refused")).state == UNKNOWN
    assert state(look(sites.url("/for-an-hour"))) == (UNKNOWN, "HTTP 429")
    assert sum(r.path == "/for-an-hour" for r in sites.requests) == 1  # not waited for
    # The host asked for an hour: its other links wait for the next pass, unasked.
    sites.clear_requests()
    waited = look(sites.url("/broken"))
    assert waited.state == UNKNOWN and waited.what.startswith("the site asked the bot to wait")
    assert sites.requests == []


def test_a_timeout_a_404_and_no_such_host_fail(sites):
    sites.page("/slow", Answer(delay=2))
    started = time.monotonic()
    assert state(checker().look(sites.url("/slow"))) == (FAILED, "no answer within 0.5 s")
    assert time.monotonic() - started < 1.5
    assert state(checker().look(sites.url("/gone"))) == (FAILED, "HTTP 404")
    assert state(checker().look("https://nowhere.test/paper")) == (FAILED, "no such host")
    with socket.socket() as closed:
        closed.bind((LOCAL, 0))
        port = closed.getsockname()[1]
    refused = checker().look(f"http://{LOCAL}:{port}/")
    assert state(refused) == (FAILED, "the connection was refused")


def test_head_is_asked_where_the_get_fails(sites):
    sites.page("/no-get", Answer(405, head=200))
    sites.page("/gone", Answer(404))
    assert checker().look(sites.url("/no-get")).state == OK
    assert state(checker().look(sites.url("/gone"))) == (FAILED, "HTTP 404")
    assert [r.method for r in sites.requests] == ["GET", "HEAD", "GET", "HEAD"]


def test_no_credentials_and_no_cookies_are_sent(sites):
    sites.page("/login", Answer(302, location="/paper", headers=(("Set-Cookie", "s=1"),)))
    sites.page("/paper")
    url = sites.url("/login").replace("://", "://alice:secret@")
    assert checker().look(url).state == OK
    for request in sites.requests:
        assert "Authorization" not in request.headers
        assert "Cookie" not in request.headers


# -- one request at a time per host -----------------------------------------------------


def test_each_host_is_asked_one_request_at_a_time_paced_and_hosts_in_parallel(sites):
    hosts = [f"site{n}.test" for n in range(4)]
    resolver = Resolver(**{host.replace(".", "_"): LOCAL for host in hosts})
    sites.page("/paper", Answer(delay=0.05))
    urls = [f"{sites.url('/paper', host)}?n={n}" for host in hosts for n in range(5)]
    limits = Limits(timeout=2, interval=0.2)
    started = time.monotonic()
    outcomes = checker(resolver, allow=hosts, limits=limits).check(urls)
    elapsed = time.monotonic() - started
    assert len(outcomes) == 20 and {o.state for o in outcomes.values()} == {OK}
    assert max(sites.max_in_flight.values()) == 1
    for host in hosts:
        times = [r.at for r in sites.requests if r.host == host]
        assert min(b - a for a, b in pairwise(times)) >= 0.2 + 0.05 - 0.01
    # Serially the 20 requests take 20 x 0.25 s; the four hosts are asked side by side.
    assert elapsed < 4 * 0.25 + 4 * 0.2 + 1.0


def test_a_redirect_to_another_host_waits_for_that_hosts_turn(sites):
    resolver = Resolver(a_test=LOCAL, b_test=LOCAL)
    sites.page("/hop", Answer(302, location=sites.url("/paper", "b.test")))
    sites.page("/paper", Answer(delay=0.05))
    urls = [sites.url("/hop", "a.test") + f"?n={n}" for n in range(3)]
    urls += [sites.url("/paper", "b.test") + f"?n={n}" for n in range(3)]
    checker(resolver, allow=("a.test", "b.test"), limits=Limits(interval=0.1)).check(urls)
    assert sites.max_in_flight["b.test"] == 1


# -- SSRF: only public addresses, unless allowed ------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:10.0.0.1", "private"),
        ("100.64.0.1", "non-public"),
        ("240.0.0.1", "reserved"),
        ("fc00::1", "private"),
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ],
)
def test_which_addresses_are_refused(address, kind):
    assert refusal(address) == kind


def test_a_loopback_host_that_is_not_allowed_is_refused_before_any_request(sites):
    sites.page("/paper")
    outcome = checker(allow=()).look(sites.url("/paper", "localhost"))
    # The checker's own resolver (the system's): localhost is the loopback.
    refused = LinkChecker("t", limits=FAST).look(sites.url("/paper", "localhost"))
    assert outcome.state == refused.state == FAILED
    assert "is at a loopback address (127.0.0.1)" in refused.what
    assert sites.requests == []


@pytest.mark.parametrize(
    ("host", "address"),
    [("rebound.test", LOCAL), ("intranet.test", "10.0.0.7"), ("metadata.test", "169.254.169.254")],
)
def test_a_name_that_resolves_to_a_private_address_is_refused_unless_allowed(sites, host, address):
    resolver = Resolver(**{host.replace(".", "_"): address})
    outcome = checker(resolver, allow=()).look(f"http://{host}:{sites.port}/paper")
    assert outcome.state == FAILED
    assert outcome.what.startswith(f"not checked: {host} is at a ") and address in outcome.what
    assert sites.requests == []


def test_an_address_literal_and_a_mixed_answer_are_refused(sites):
    look = checker(Resolver(), allow=()).look
    assert look("http://10.0.0.7/paper").state == FAILED
    assert look("http://[::1]:80/").state == FAILED
    both = checker(Resolver(), allow=())
    both.resolve = lambda host, port: ["93.184.215.14", "10.0.0.7"]  # every address counts
    assert "10.0.0.7" in both.look("http://mixed.test/").what


def test_a_redirect_to_a_private_address_is_refused(sites):
    sites.page("/to-metadata", Answer(302, location="http://169.254.169.254/latest/meta-data/"))
    sites.page("/to-localhost", Answer(301, location=sites.url("/paper", "localhost")))
    sites.page("/to-intranet", Answer(307, location="http://intranet.test/admin"))
    sites.page("/paper")
    resolver = Resolver(intranet_test="10.0.0.7", localhost=LOCAL)
    look = checker(resolver).look
    for path, address in (
        ("/to-metadata", "169.254.169.254"),
        ("/to-localhost", LOCAL),
        ("/to-intranet", "10.0.0.7"),
    ):
        outcome = look(sites.url(path))
        assert outcome.state == FAILED and address in outcome.what, path
    assert [r.path for r in sites.requests] == ["/to-metadata", "/to-localhost", "/to-intranet"]


def test_the_connection_goes_to_the_address_that_was_checked(sites):
    """A name only the checker's resolver knows: reaching the server proves that nothing
    looked the name up again (DNS rebinding would have to), and it was looked up once."""
    sites.page("/paper")
    resolver = Resolver(only_here_test=LOCAL)
    url = sites.url("/paper", "only.here.test")
    assert checker(resolver, allow=("only.here.test",)).look(url).state == OK
    assert resolver.asked == ["only.here.test"]
    [request] = sites.requests
    assert request.headers["Host"] == f"only.here.test:{sites.port}"


def test_https_speaks_tls_for_the_name_while_connecting_to_the_checked_address(tmp_path):
    certificate = self_signed(tmp_path, "paper.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, tmp_path / "key.pem")
    with Sites.start(tls=context) as sites:
        sites.page("/paper")
        resolver = Resolver(paper_test=LOCAL, other_test=LOCAL)
        pinned = checker(resolver, allow=("paper.test", "other.test"), verify=str(certificate))
        assert pinned.look(sites.url("/paper", "paper.test")).state == OK
        wrong = pinned.look(sites.url("/paper", "other.test"))
        assert state(wrong) == (FAILED, "its TLS certificate is not valid for it")
        untrusted = checker(resolver, allow=("paper.test",)).look(sites.url("/paper", "paper.test"))
        assert untrusted.state == FAILED
        assert [r.host for r in sites.requests] == ["paper.test"]


def self_signed(folder, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "cert.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path
