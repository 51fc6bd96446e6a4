#!/usr/bin/python3
"""Microsoft's own client judges the sandbox: MSAL for Python (Debian's python3-msal) against a
dcr-sandbox process over HTTPS with a throwaway CA.

Usage: msal_test.py PATH/TO/dcr-sandbox WORKDIR

Every check asserts what MSAL returns. Secrets (the admin's password, tokens, the client secret)
are never printed: failures name the protocol's error fields only.

Why instance_discovery=False: MSAL's default instance discovery asks
https://login.microsoftonline.com/common/discovery/instance (a fixed address; the public API takes
only True or False), which is not the sandbox and not reachable offline. The sandbox's own
instance discovery endpoint is checked separately, through MSAL's Authority class, which takes
that endpoint's address.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback

try:
    import jwt
    import msal
    import msal.authority
    import requests
except ImportError as e:  # install-deps.sh installs them: a missing one is a failure, not a skip
    print("FAILED: %s. Install python3-msal (bash installer/install-deps.sh) and run it with Debian's "
          "/usr/bin/python3." % e, file=sys.stderr)
    sys.exit(1)

CLI_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"  # Microsoft Graph Command Line Tools
GRAPH = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
OWNED_BY_ROLE = "18a4783c-866b-4cc7-a460-3d5e5662c884"  # Application.ReadWrite.OwnedBy
ADMIN_SCOPES = [GRAPH + "/Application.ReadWrite.All", GRAPH + "/AppRoleAssignment.ReadWrite.All",
                GRAPH + "/User.Read"]


def make_pki(directory):
    """A throwaway CA and a server certificate for 127.0.0.1, with the openssl CLI."""
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    for args in (
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=dcr-wizard throwaway test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "2", "-extfile", "server.ext"],
    ):
        subprocess.run(["openssl"] + args, cwd=directory, check=True, capture_output=True, timeout=60)


class Sandbox:
    def __init__(self, binary, directory):
        seed = os.path.join(directory, "seed.json")
        with open(seed, "w") as f:
            json.dump({"device_code_interval_seconds": 1}, f)
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--seed", seed, "--tls-cert", os.path.join(directory, "server.pem"),
             "--tls-key", os.path.join(directory, "server.key")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("dcr-sandbox did not start: " + self.process.stderr.read())
        self.info = json.loads(line)
        self.base = self.info["base_url"]
        self.login = self.info["login_url"]
        self.tenant = self.info["tenant_id"]
        self.authority = self.login + "/" + self.tenant

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def verified_claims(sandbox, token, audience):
    """The token's claims once its RS256 signature holds against the tenant's published keys."""
    config = requests.get(sandbox.authority + "/v2.0/.well-known/openid-configuration", timeout=10).json()
    keys = requests.get(config["jwks_uri"], timeout=10).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    key = [k for k in keys if k["kid"] == kid]
    assert key, "the token's kid is not among the tenant's keys"
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key[0]))
    return jwt.decode(token, public, algorithms=["RS256"], audience=audience)


def error_of(result):
    """What MSAL returned, without tokens: for assertion messages."""
    return {k: result.get(k) for k in ("error", "error_codes", "error_description")}


class Checks:
    def __init__(self, sandbox):
        self.s = sandbox
        self.passed = []
        self.failed = []
        self.admin_token = None
        self.app = None  # the confidential client: (appId, secret)

    def run(self, name, check):
        started = time.monotonic()
        try:
            check()
            self.passed.append(name)
            print("PASS %-58s %.1f s" % (name, time.monotonic() - started))
        except Exception as e:  # an assertion or anything MSAL raised
            self.failed.append(name)
            print("FAIL %-58s %s" % (name, e))
            traceback.print_exc(limit=3)

    def public_app(self):
        return msal.PublicClientApplication(CLI_CLIENT_ID, authority=self.s.authority, instance_discovery=False)

    # ---- authority discovery as MSAL reads it ---------------------------------------------------------

    def discovery(self):
        app = self.public_app()
        oauth = self.s.authority + "/oauth2/v2.0/"
        assert app.authority.authorization_endpoint == oauth + "authorize", app.authority.authorization_endpoint
        assert app.authority.token_endpoint == oauth + "token", app.authority.token_endpoint
        assert app.authority.device_authorization_endpoint == oauth + "devicecode"
        # The discovery document as MSAL reads it: the real service's v2.0 issuer, which MSAL compares
        # with the ID tokens' iss.
        config = msal.authority.tenant_discovery(self.s.authority + "/v2.0/.well-known/openid-configuration",
                                                 app.http_client)
        assert config["issuer"] == "https://login.microsoftonline.com/%s/v2.0" % self.s.tenant, config["issuer"]

    def instance_discovery(self):
        # MSAL's authority validation with the sandbox's instance discovery endpoint: it asks for the
        # authorize endpoint's instance metadata and follows tenant_discovery_endpoint.
        endpoint = self.s.login + "/common/discovery/instance"
        http = requests.Session()
        authority = msal.authority.Authority(self.s.authority, http, validate_authority=True,
                                             instance_discovery=endpoint)
        assert authority.token_endpoint == self.s.authority + "/oauth2/v2.0/token", authority.token_endpoint
        payload = msal.authority._instance_discovery(
            "https://127.0.0.1/login/%s/oauth2/v2.0/authorize" % self.s.tenant, http, endpoint)
        assert payload["tenant_discovery_endpoint"] == \
            self.s.authority + "/v2.0/.well-known/openid-configuration", payload
        assert "127.0.0.1" in payload["metadata"][0]["aliases"], payload
        # An instance the sandbox is not.
        bad = msal.authority._instance_discovery("https://login.example.com/x/oauth2/v2.0/authorize", http, endpoint)
        assert bad.get("error") == "invalid_instance", bad

    def unknown_tenant(self):
        try:
            msal.PublicClientApplication(CLI_CLIENT_ID, authority=self.s.login + "/fabrikam.onmicrosoft.com",
                                         instance_discovery=False)
        except ValueError as e:
            assert "Unable to get authority configuration" in str(e), e
            return
        raise AssertionError("MSAL accepted an authority for a tenant the sandbox does not have")

    # ---- a public client's device code flow -----------------------------------------------------------

    def approve_later(self, user_code, delay):
        def approve():
            r = requests.post(self.s.info["device_approve_url"], json={"user_code": user_code}, timeout=10)
            assert r.status_code == 200, r.text
        timer = threading.Timer(delay, approve)
        timer.start()
        return timer

    def device_code(self):
        app = self.public_app()
        flow = app.initiate_device_flow(scopes=ADMIN_SCOPES)
        assert "user_code" in flow, error_of(flow)
        assert flow["verification_uri"] == self.s.login + "/device", flow["verification_uri"]
        assert flow["user_code"] in flow["message"], flow["message"]
        assert flow["interval"] == 1 and flow["expires_in"] == 900, (flow["interval"], flow["expires_in"])
        # Approved while MSAL polls: it hears authorization_pending first and keeps polling.
        timer = self.approve_later(flow["user_code"], 1.5)
        started = time.monotonic()
        result = app.acquire_token_by_device_flow(flow)
        timer.join()
        assert "access_token" in result, error_of(result)
        assert time.monotonic() - started >= 1.4, "MSAL got a token before the code was approved"
        assert result["token_type"] == "Bearer"
        assert "refresh_token" in result and "id_token" in result
        id_claims = result["id_token_claims"]  # decoded and checked by MSAL (issuer, audience, expiry)
        assert id_claims["preferred_username"] == self.s.info["admin_user_principal_name"], id_claims
        assert id_claims["tid"] == self.s.tenant and id_claims["aud"] == CLI_CLIENT_ID
        claims = verified_claims(self.s, result["access_token"], GRAPH)
        assert "Application.ReadWrite.All" in claims["scp"].split(), claims["scp"]
        assert claims["upn"] == self.s.info["admin_user_principal_name"]
        # MSAL's account cache comes from client_info: one account, the administrator.
        accounts = app.get_accounts()
        assert [a["username"] for a in accounts] == [self.s.info["admin_user_principal_name"]], accounts
        assert accounts[0]["home_account_id"] == "%s.%s" % (claims["oid"], self.s.tenant), accounts[0]
        cached = app.acquire_token_silent(ADMIN_SCOPES, account=accounts[0])
        assert cached and cached["access_token"] == result["access_token"], "the cached token was not used"
        refreshed = app.acquire_token_silent(ADMIN_SCOPES, account=accounts[0], force_refresh=True)
        assert refreshed and "access_token" in refreshed, error_of(refreshed or {})
        assert refreshed["access_token"] != result["access_token"], "force_refresh did not redeem the refresh token"
        self.admin_token = refreshed["access_token"]
        # The token works where it is for: Microsoft Graph.
        me = requests.get(self.s.base + "/graph/v1.0/me", headers={"Authorization": "Bearer " + self.admin_token},
                          timeout=10)
        assert me.status_code == 200 and me.json()["userPrincipalName"] == claims["upn"], me.status_code

    def device_code_short_grant(self):
        # Microsoft's other libraries send the device code grant by its short name, which Entra accepts.
        # MSAL for Python lets a client change it; the answer must be the same.
        app = self.public_app()
        app.client.DEVICE_FLOW = dict(app.client.DEVICE_FLOW, GRANT_TYPE="device_code")
        flow = app.initiate_device_flow(scopes=[GRAPH + "/User.Read"])
        assert "user_code" in flow, error_of(flow)
        timer = self.approve_later(flow["user_code"], 0.2)
        timer.join()
        result = app.acquire_token_by_device_flow(flow)
        assert "access_token" in result, error_of(result)
        assert claims_of(result["access_token"])["scp"] == "User.Read", claims_of(result["access_token"])["scp"]

    def device_code_declined(self):
        app = self.public_app()
        flow = app.initiate_device_flow(scopes=[GRAPH + "/User.Read"])
        page = requests.post(self.s.login + "/device", data={"user_code": flow["user_code"], "action": "cancel"},
                             timeout=10)
        assert page.status_code == 200, page.status_code
        result = app.acquire_token_by_device_flow(flow)
        assert result.get("error") == "authorization_declined", error_of(result)

    # ---- a confidential client ------------------------------------------------------------------------

    def graph(self, method, path, body=None):
        r = requests.request(method, self.s.base + "/graph/v1.0" + path, json=body, timeout=10,
                             headers={"Authorization": "Bearer " + self.admin_token})
        assert r.status_code in (200, 201, 204), "%s %s: %d %s" % (method, path, r.status_code, r.text[:300])
        return r.json() if r.content else {}

    def register_confidential_app(self):
        assert self.admin_token, "needs the device code sign-in's token"
        app = self.graph("POST", "/applications", {
            "displayName": "MSAL confidential client", "signInAudience": "AzureADMyOrg",
            "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID,
                                        "resourceAccess": [{"id": OWNED_BY_ROLE, "type": "Role"}]}]})
        secret = self.graph("POST", "/applications/%s/addPassword" % app["id"],
                            {"passwordCredential": {"displayName": "msal test"}})["secretText"]
        # The admin consent page, answered as the administrator would (the page asks: this sandbox
        # does not approve by itself).
        page = requests.get(self.s.authority + "/adminconsent", params={"client_id": app["appId"]}, timeout=10)
        assert page.status_code == 200 and "Accept for your organization" in page.text, page.status_code
        consent = requests.post(self.s.authority + "/adminconsent", timeout=10, data={
            "client_id": app["appId"], "action": "approve", "username": self.s.info["admin_user_principal_name"],
            "password": self.s.info["admin_password"]})
        assert consent.status_code == 200 and "Admin consent granted" in consent.text, consent.status_code
        self.app = (app["appId"], secret)

    def client_credentials_v2(self):
        assert self.app, "needs the confidential app"
        client_id, secret = self.app
        app = msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=self.s.authority,
                                                 instance_discovery=False)
        result = app.acquire_token_for_client(scopes=[GRAPH + "/.default"])
        assert "access_token" in result, error_of(result)
        assert result["token_type"] == "Bearer" and isinstance(result["expires_in"], int), result["expires_in"]
        claims = verified_claims(self.s, result["access_token"], GRAPH)
        assert claims["appid"] == client_id and claims["idtyp"] == "app", claims
        assert claims["roles"] == ["Application.ReadWrite.OwnedBy"], claims.get("roles")
        assert claims["ver"] == "1.0" and claims["iss"] == "https://sts.windows.net/%s/" % self.s.tenant, claims
        # MSAL keeps it in its token cache for this client and instance.
        cached = app.token_cache.find(msal.TokenCache.CredentialType.ACCESS_TOKEN, query={"client_id": client_id})
        assert [c["environment"] for c in cached] == ["127.0.0.1"], [c.get("environment") for c in cached]

    def client_credentials_v1(self):
        # MSAL has no v1 API; the v1 endpoint with resource is what Kong's DCR uses.
        assert self.app, "needs the confidential app"
        client_id, secret = self.app
        r = requests.post(self.s.authority + "/oauth2/token", timeout=10, data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "resource": GRAPH})
        assert r.status_code == 200, error_of(r.json())
        body = r.json()
        assert body["resource"] == GRAPH and isinstance(body["expires_in"], str), (body["resource"], body["expires_in"])
        claims = verified_claims(self.s, body["access_token"], GRAPH)
        assert claims["ver"] == "1.0" and claims["appid"] == client_id, claims
        assert claims["iss"] == "https://sts.windows.net/%s/" % self.s.tenant, claims["iss"]

    def wrong_secret(self):
        assert self.app, "needs the confidential app"
        client_id, _ = self.app
        app = msal.ConfidentialClientApplication(client_id, client_credential="not-the-secret",
                                                 authority=self.s.authority, instance_discovery=False)
        result = app.acquire_token_for_client(scopes=[GRAPH + "/.default"])
        assert "access_token" not in result
        assert result.get("error") == "invalid_client", error_of(result)
        assert 7000215 in result.get("error_codes", []), error_of(result)
        assert result["error_description"].startswith("AADSTS7000215: Invalid client secret provided."), error_of(result)
        # The correlation id MSAL sent comes back in the error.
        assert len(result.get("correlation_id", "")) == 36, result.get("correlation_id")

    def unknown_scope(self):
        assert self.app, "needs the confidential app"
        client_id, secret = self.app
        app = msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=self.s.authority,
                                                 instance_discovery=False)
        result = app.acquire_token_for_client(scopes=[GRAPH + "/User.Read"])
        assert result.get("error") == "invalid_scope" and 1002012 in result.get("error_codes", []), error_of(result)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=workdir) as pki:
        make_pki(pki)
        # requests (and so MSAL) trusts the throwaway CA through the environment, as a customer's
        # script would trust a corporate CA.
        os.environ["REQUESTS_CA_BUNDLE"] = os.path.join(pki, "ca.pem")
        sandbox = Sandbox(binary, pki)
        try:
            assert sandbox.base.startswith("https://127.0.0.1:"), sandbox.base
            print("dcr-sandbox at %s (MSAL for Python %s)" % (sandbox.base, msal.__version__))
            checks = Checks(sandbox)
            checks.run("authority discovery (v2.0 openid-configuration)", checks.discovery)
            checks.run("instance discovery through MSAL's Authority", checks.instance_discovery)
            checks.run("an unknown tenant is refused at discovery", checks.unknown_tenant)
            checks.run("public client: device code flow, cache, refresh, Graph", checks.device_code)
            checks.run("public client: the short device_code grant", checks.device_code_short_grant)
            checks.run("public client: a declined device code", checks.device_code_declined)
            checks.run("confidential app registered through Graph", checks.register_confidential_app)
            checks.run("confidential client: client credentials (v2.0)", checks.client_credentials_v2)
            checks.run("confidential client: v1 token with resource", checks.client_credentials_v1)
            checks.run("confidential client: a wrong secret is AADSTS7000215", checks.wrong_secret)
            checks.run("confidential client: a delegated scope is refused", checks.unknown_scope)
        finally:
            sandbox.stop()
    print("MSAL checks: %d passed, %d failed in %.1f s" % (len(checks.passed), len(checks.failed),
                                                          time.monotonic() - started))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
