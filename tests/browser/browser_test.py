#!/usr/bin/python3
"""A real browser judges the sandbox's pages: Debian's Chromium, headless, driven through Selenium
(chromium-driver, python3-selenium) against a dcr-sandbox process that does not approve sign-ins
by itself, so that every page waits for the person at the browser.

Usage: browser_test.py PATH/TO/dcr-sandbox PATH/TO/dcr-wizard-sign-in-probe ARTEFACT_DIR

- The wizard's browser sign-in end to end: dcr-wizard-sign-in-probe runs the wizard's own sign-in
  controllers against the sandbox and opens the browser as the wizard does (QDesktopServices,
  xdg-open, BROWSER); BROWSER hands the address to this test, Chromium shows the sign-in page,
  the test types a wrong password, then the right one, submits, and Chromium follows the redirect
  to the wizard's loopback listener (http://localhost:PORT, PKCE S256), after which the wizard
  reads the tenant from Graph with the token it got.
- Cancelling on the same page: the wizard hears access_denied through its listener.
- The device code page: the code typed, the sign-in page submitted, the token redeemed.
- The admin consent page: the administrator accepts for the organization, the grant shows in Graph,
  and the browser returns to a registered redirect URI.

Screenshots of every page go to ARTEFACT_DIR/screenshots. The admin's password is typed into the
page, never printed.
"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

try:
    import requests
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:  # install-deps.sh installs them: a missing one is a failure, not a skip
    print("FAILED: %s. Install python3-selenium and python3-requests (bash installer/install-deps.sh) and run it "
          "with Debian's /usr/bin/python3." % e, file=sys.stderr)
    sys.exit(1)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CLI_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
GRAPH = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
OWNED_BY_ROLE = "18a4783c-866b-4cc7-a460-3d5e5662c884"
USER_READ_SCOPE = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
HERE = os.path.dirname(os.path.abspath(__file__))


class Sandbox:
    def __init__(self, binary, directory):
        seed = os.path.join(directory, "seed.json")
        with open(seed, "w") as f:
            json.dump({"device_code_interval_seconds": 1}, f)
        self.process = subprocess.Popen([binary, "--port", "0", "--seed", seed], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("dcr-sandbox did not start: " + self.process.stderr.read())
        self.info = json.loads(line)
        self.base = self.info["base_url"]
        self.login = self.info["login_url"]
        self.tenant = self.info["tenant_id"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Loopback(http.server.BaseHTTPRequestHandler):
    """A redirect URI of a registered app, on 127.0.0.1: records what the browser brings."""
    received = []

    def do_GET(self):
        Loopback.received.append(self.path)
        body = b"<!doctype html><title>Back at the app</title><h1>Back at the app</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def chromium(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1000,1250", "--user-data-dir=" + profile_dir):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class Checks:
    def __init__(self, sandbox, probe, artefacts, driver, work):
        self.s = sandbox
        self.probe = probe
        self.shots = os.path.join(artefacts, "screenshots")
        os.makedirs(self.shots, exist_ok=True)
        self.driver = driver
        self.work = work
        self.passed, self.failed = [], []
        self.admin_token = None

    def run(self, name, check):
        started = time.monotonic()
        try:
            check()
            self.passed.append(name)
            print("PASS %-60s %.1f s" % (name, time.monotonic() - started))
        except Exception as e:
            self.failed.append(name)
            print("FAIL %-60s %s" % (name, e))
            traceback.print_exc(limit=4)
            self.screenshot("failure-" + re.sub(r"\W+", "-", name))

    def screenshot(self, name):
        path = os.path.join(self.shots, name + ".png")
        self.driver.save_screenshot(path)
        return path

    def wait_for(self, condition, timeout=15):
        # A page that is being replaced (a form submitted, a redirect followed) turns the element
        # just found stale: that only means "not yet", so the condition is asked again.
        return WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)

    def text(self):
        # The body read while the browser replaces the page goes stale under us: read it again.
        for _ in range(20):
            try:
                return self.driver.find_element(By.TAG_NAME, "body").text
            except StaleElementReferenceException:
                time.sleep(0.05)
        return self.driver.find_element(By.TAG_NAME, "body").text

    def sign_in_as_admin(self, password):
        field = self.driver.find_element(By.ID, "password")
        field.clear()
        field.send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "button[value=approve]").click()

    # ---- the wizard's browser sign-in ---------------------------------------------------------------

    def start_probe(self):
        urls = os.path.join(self.work, "browser-urls-%d" % time.monotonic_ns())
        # Qt opens addresses only on a real display (offscreen and minimal cannot): the probe runs on
        # Xvfb. With no desktop files to be found, xdg-open falls back to BROWSER.
        empty = os.path.join(self.work, "xdg-empty")
        os.makedirs(empty, exist_ok=True)
        env = dict(os.environ, BROWSER=os.path.join(HERE, "hand_url_to_test.sh"), DCR_TEST_BROWSER_URLS=urls,
                   QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=os.path.join(self.work, "config"),
                   XDG_DATA_HOME=os.path.join(self.work, "data"), XDG_CONFIG_DIRS=empty, XDG_DATA_DIRS=empty)
        env.pop("WAYLAND_DISPLAY", None)
        process = subprocess.Popen(["xvfb-run", "-a", self.probe, self.s.base, "60"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.exists(urls) and open(urls).read().strip():
                return process, open(urls).read().split()[0]
            if process.poll() is not None:
                raise AssertionError("the wizard ended before opening a browser: %s %s" % process.communicate())
            time.sleep(0.1)
        process.kill()
        raise AssertionError("the wizard opened no browser within 30 s: %s" % process.communicate()[1])

    @staticmethod
    def probe_result(process):
        out, err = process.communicate(timeout=60)
        lines = out.strip().splitlines()
        assert lines, "the wizard printed nothing (exit %s): %s" % (process.returncode, err)
        return process.returncode, json.loads(lines[-1])

    def wizard_sign_in(self):
        process, url = self.start_probe()
        query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        assert url.startswith(self.s.login + "/"), url
        assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43, query
        redirect = urllib.parse.urlparse(query["redirect_uri"][0])
        assert redirect.hostname == "localhost" and redirect.port, query["redirect_uri"]
        self.driver.get(url)
        self.wait_for(expected_conditions.presence_of_element_located((By.ID, "password")))
        self.screenshot("01-sign-in-and-consent")
        page = self.text()
        for expected in ("Contoso (sandbox)", "Microsoft Graph Command Line Tools", "Ada Admin",
                         "Application.ReadWrite.All", "Microsoft Graph"):
            assert expected in page, "the sign-in page does not show %r" % expected
        assert self.driver.title == "Sign in to your account", self.driver.title
        # A mistyped password keeps the page, with the service's sentence.
        self.sign_in_as_admin("not-the-password")
        self.wait_for(lambda d: "AADSTS50126" in self.text())
        self.screenshot("02-wrong-password")
        self.sign_in_as_admin(self.s.info["admin_password"])
        # Chromium follows the redirect to the wizard's listener on localhost.
        self.wait_for(lambda d: urllib.parse.urlparse(d.current_url).hostname == "localhost")
        self.wait_for(lambda d: "Signed in" in self.text())
        landed = urllib.parse.urlparse(self.driver.current_url)
        assert landed.port == redirect.port and "code=" in landed.query, landed._replace(query="…")
        self.screenshot("03-loopback-signed-in")
        code, result = self.probe_result(process)
        assert code == 0 and result["state"] == "signed_in", result
        assert result["user"] == self.s.info["admin_user_principal_name"], result
        assert result["tenant_name"] == "Contoso (sandbox)" and result["tenant_id"] == self.s.tenant, result

    def wizard_sign_in_cancelled(self):
        process, url = self.start_probe()
        self.driver.get(url)
        self.wait_for(expected_conditions.presence_of_element_located((By.ID, "password")))
        self.driver.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
        self.wait_for(lambda d: "Sign-in not completed" in self.text())
        self.screenshot("04-loopback-cancelled")
        code, result = self.probe_result(process)
        assert code == 3 and result["state"] == "failed", result
        assert "65004" in result["code"] or "access_denied" in result["code"], result
        assert result["what"] and result["remedy"], result

    # ---- the device code page -----------------------------------------------------------------------

    def device_code(self):
        scope = " ".join(GRAPH + "/" + s for s in ("Application.ReadWrite.All", "User.Read")) + " offline_access"
        flow = requests.post(self.s.login + "/%s/oauth2/v2.0/devicecode" % self.s.tenant,
                             data={"client_id": CLI_CLIENT_ID, "scope": scope}, timeout=10).json()
        self.driver.get(flow["verification_uri"])
        self.wait_for(expected_conditions.presence_of_element_located((By.ID, "user_code")))
        self.screenshot("05-device-code-entry")
        self.driver.find_element(By.ID, "user_code").send_keys(flow["user_code"].lower())
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait_for(expected_conditions.presence_of_element_located((By.ID, "password")))
        self.screenshot("06-device-code-sign-in")
        assert "Application.ReadWrite.All" in self.text()
        self.sign_in_as_admin(self.s.info["admin_password"])
        self.wait_for(lambda d: "You're signed in" in self.text())
        self.screenshot("07-device-code-signed-in")
        token = requests.post(self.s.login + "/%s/oauth2/v2.0/token" % self.s.tenant, timeout=10, data={
            "grant_type": "device_code", "client_id": CLI_CLIENT_ID, "device_code": flow["device_code"]})
        assert token.status_code == 200, token.json().get("error")
        self.admin_token = token.json()["access_token"]

    # ---- the admin consent page ---------------------------------------------------------------------

    def admin_consent(self):
        assert self.admin_token, "needs the device code sign-in's token"
        server = http.server.HTTPServer(("127.0.0.1", 0), Loopback)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        redirect = "http://127.0.0.1:%d/consented" % server.server_port
        try:
            app = requests.post(self.s.base + "/graph/v1.0/applications", timeout=10,
                                headers={"Authorization": "Bearer " + self.admin_token},
                                json={"displayName": "Orders API client", "web": {"redirectUris": [redirect]},
                                      "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [
                                          {"id": OWNED_BY_ROLE, "type": "Role"},
                                          {"id": USER_READ_SCOPE, "type": "Scope"}]}]})
            assert app.status_code == 201, app.text[:300]
            client_id = app.json()["appId"]
            consent = "%s/%s/adminconsent?client_id=%s" % (self.s.login, self.s.tenant, client_id)
            self.driver.get(consent)
            self.wait_for(expected_conditions.presence_of_element_located((By.ID, "password")))
            self.screenshot("08-admin-consent-prompt")
            page = self.text()
            for expected in ("Permissions requested", "Accept for your organization", "Contoso (sandbox)",
                             "Orders API client", "Application.ReadWrite.OwnedBy", "User.Read"):
                assert expected in page, "the admin consent page does not show %r" % expected
            self.sign_in_as_admin(self.s.info["admin_password"])
            self.wait_for(lambda d: "Admin consent granted" in self.text())
            self.screenshot("09-admin-consent-granted")
            granted = requests.get(self.s.base + "/graph/v1.0/servicePrincipals(appId='%s')/appRoleAssignments" % client_id,
                                   headers={"Authorization": "Bearer " + self.admin_token}, timeout=10)
            assert granted.status_code == 200 and [a["appRoleId"] for a in granted.json()["value"]] == [OWNED_BY_ROLE], \
                granted.text[:300]
            # With a registered redirect URI, the browser goes back to the app once the admin accepts.
            self.driver.get(consent + "&state=orders-1&redirect_uri=" + urllib.parse.quote(redirect, safe=""))
            self.wait_for(expected_conditions.presence_of_element_located((By.ID, "password")))
            self.sign_in_as_admin(self.s.info["admin_password"])
            self.wait_for(lambda d: "Back at the app" in self.text())
            arrived = [p for p in Loopback.received if p.startswith("/consented?")]
            assert arrived, Loopback.received
            back = urllib.parse.parse_qs(urllib.parse.urlparse(arrived[-1]).query)
            assert back == {"admin_consent": ["True"], "tenant": [self.s.tenant], "state": ["orders-1"]}, back
        finally:
            server.shutdown()


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    sandbox_bin, probe, artefacts = sys.argv[1:]
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            print("FAILED: %s is missing. Install chromium and chromium-driver (bash installer/install-deps.sh)." % tool,
                  file=sys.stderr)
            return 1
    os.makedirs(artefacts, exist_ok=True)
    shutil.rmtree(os.path.join(artefacts, "screenshots"), ignore_errors=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=artefacts) as work:
        sandbox = Sandbox(sandbox_bin, work)
        driver = None
        try:
            driver = chromium(os.path.join(work, "chromium-profile"))
            print("dcr-sandbox at %s, %s %s" % (sandbox.base, driver.capabilities.get("browserName"),
                                                driver.capabilities.get("browserVersion")))
            checks = Checks(sandbox, probe, artefacts, driver, work)
            checks.run("the wizard's browser sign-in, submitted in Chromium", checks.wizard_sign_in)
            checks.run("cancel on the sign-in page reaches the wizard", checks.wizard_sign_in_cancelled)
            checks.run("device code page: code, sign-in, token", checks.device_code)
            checks.run("admin consent page: accepted, granted, redirected", checks.admin_consent)
        finally:
            if driver:
                driver.quit()
            sandbox.stop()
    print("browser checks: %d passed, %d failed in %.1f s; screenshots in %s" % (
        len(checks.passed), len(checks.failed), time.monotonic() - started, os.path.join(artefacts, "screenshots")))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
